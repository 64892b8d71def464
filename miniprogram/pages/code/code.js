// The personal volunteer code (个人志愿者码): shown at venues without signal; the leader's
// device scans it offline and uploads later.
const service = require('../../utils/service');
const { messageFor } = require('../../utils/errors');

Component({
  data: { code: null, error: '' },
  methods: {
    onShow() {
      return service.volunteerCode().then(
        (code) => this.setData({ code, error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
  },
});
