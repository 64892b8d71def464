// 社区需求: the community's needs by support, raising one, supporting one (once each).
const comm = require('../../utils/community');
const acts = require('../../utils/activities');
const { messageFor } = require('../../utils/errors');
const { dataOf, showError, toast } = require('../../utils/ui');

Component({
  data: { communities: [], communityIndex: 0, items: [], form: { title: '', description: '' }, fields: {}, error: '' },
  methods: {
    onLoad() {
      return acts.listCommunities().then(
        (communities) => {
          this.setData({ communities });
          return this.load();
        },
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    community() {
      const c = this.data.communities[this.data.communityIndex];
      return c ? c.id : 0;
    },
    load() {
      return comm.listNeeds(this.community(), 'support').then(
        (items) => this.setData({ items, error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    onCommunityChange(e) {
      this.setData({ communityIndex: Number(e.detail.value) });
      return this.load();
    },
    onInput(e) {
      this.setData({ ['form.' + e.currentTarget.dataset.field]: e.detail.value });
    },
    raise() {
      const f = this.data.form;
      if (!f.title.trim()) {
        this.setData({ fields: { title: '请填写需求标题' } });
        return Promise.resolve();
      }
      return comm.raiseNeed({ community_id: this.community(), title: f.title, description: f.description }).then(
        () => {
          this.setData({ form: { title: '', description: '' }, fields: {} });
          toast('已提交');
          return this.load();
        },
        (err) => showError(err)
      );
    },
    support(e) {
      return comm.supportNeed(dataOf(e, 'id')).then(() => this.load(), (err) => showError(err));
    },
  },
});
