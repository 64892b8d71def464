// 扫一扫: the web console's sign-in code (confirm to sign the console in) and organization
// invitations (accept to join).
const scan = require('../../utils/scan');

Component({
  data: { busy: false, result: null },
  methods: {
    scan() {
      if (this.data.busy) return Promise.resolve(this.data.result);
      this.setData({ busy: true, result: null });
      return scan.scanAny().then((result) => {
        this.setData({ busy: false, result });
        return result;
      });
    },
  },
});
