// Notifications: the inbox (tap to mark read), and allowing WeChat reminders after a tap.
const notices = require('../../utils/notices');
const { messageFor } = require('../../utils/errors');
const { dataOf, toast } = require('../../utils/ui');

Component({
  data: { items: [], loaded: false, error: '' },
  methods: {
    onShow() {
      return notices.list(false).then(
        (p) => this.setData({ items: p.items, loaded: true, error: '' }),
        (err) => this.setData({ loaded: true, error: messageFor(err) })
      );
    },
    read(e) {
      const id = dataOf(e, 'id');
      const i = this.data.items.findIndex((n) => n.id === id);
      if (i < 0 || !this.data.items[i].unread) return Promise.resolve();
      return notices.markRead(id).then(
        () => this.setData({ ['items[' + i + '].unread']: false }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    allow() {
      return notices.subscribe().then((r) => {
        if (r.reported.length) toast('已开启微信提醒');
        return r;
      });
    },
  },
});
