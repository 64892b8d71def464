// Volunteer registration (实名登记): checked on the device with the server's rules, then by
// the server; shows the masked record once registered.
const vol = require('../../utils/volunteer');
const { messageFor } = require('../../utils/errors');
const { showError, toast } = require('../../utils/ui');

Component({
  data: {
    form: { real_name: '', phone: '', id_number: '', skills: '' },
    fields: {},
    volunteer: null,
    saving: false,
    error: '',
  },
  methods: {
    onLoad() {
      return vol.me().then(
        (m) => this.setData({ volunteer: m.volunteer }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    onInput(e) {
      const name = e.currentTarget.dataset.field;
      this.setData({ ['form.' + name]: e.detail.value, ['fields.' + name]: '' });
    },
    submit() {
      if (this.data.saving) return Promise.resolve();
      this.setData({ saving: true, error: '' });
      return vol.register(this.data.form).then(
        (r) => {
          if (!r.ok) {
            this.setData({ saving: false, fields: r.fields });
            return r;
          }
          this.setData({ saving: false, fields: {}, volunteer: Object.assign({}, r.volunteer, { statusText: vol.STATUS[r.volunteer.status] || r.volunteer.status }) });
          toast('登记成功');
          return r;
        },
        (err) => {
          this.setData({ saving: false, error: messageFor(err) });
          return showError(err);
        }
      );
    },
  },
});
