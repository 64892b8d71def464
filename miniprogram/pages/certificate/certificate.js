// 志愿服务记录证明: ask for a certificate of the service time (optionally a date range), then
// open its PDF (wx.downloadFile + wx.openDocument).
const service = require('../../utils/service');
const { messageFor } = require('../../utils/errors');

Component({
  data: { from: '', to: '', cert: null, busy: false, error: '' },
  methods: {
    onFromChange(e) {
      this.setData({ from: e.detail.value });
    },
    onToChange(e) {
      this.setData({ to: e.detail.value });
    },
    create() {
      if (this.data.busy) return Promise.resolve();
      this.setData({ busy: true, error: '' });
      return service.createCertificate({ from: this.data.from, to: this.data.to })
        .then((cert) => {
          this.setData({ cert });
          return service.openCertificate(cert);
        })
        .then(
          () => this.setData({ busy: false }),
          (err) => this.setData({ busy: false, error: messageFor(err) })
        );
    },
    open() {
      return this.data.cert ? service.openCertificate(this.data.cert).catch((err) => this.setData({ error: messageFor(err) })) : Promise.resolve();
    },
  },
});
