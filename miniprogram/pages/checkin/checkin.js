// Check-in and check-out by scanning the venue's QR code; the outcome in plain Chinese.
const checkin = require('../../utils/checkin');

Component({
  data: { busy: false, result: null },
  methods: {
    run(kind) {
      if (this.data.busy) return Promise.resolve(this.data.result);
      this.setData({ busy: true, result: null });
      return checkin.scanAndSubmit(kind).then((result) => {
        this.setData({ busy: false, result });
        if (result.code === 'volunteer_required') {
          wx.showModal({
            title: '需要实名登记',
            content: result.message,
            confirmText: '去登记',
            success: (r) => r && r.confirm && wx.navigateTo({ url: '/pages/volunteer/volunteer' }),
          });
        }
        return result;
      });
    },
    checkIn() {
      return this.run('checkin');
    },
    checkOut() {
      return this.run('checkout');
    },
  },
});
