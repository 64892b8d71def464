// Activities near me: published activities, filtered by community, category and dates;
// nearest first when the person lets us read the position.
const acts = require('../../utils/activities');
const { CATEGORIES } = require('../../utils/format');
const { messageFor } = require('../../utils/errors');
const { dataOf } = require('../../utils/ui');

Component({
  data: {
    communities: [{ id: 0, name: '全部社区' }],
    communityIndex: 0,
    categories: CATEGORIES,
    categoryIndex: 0,
    from: '',
    to: '',
    items: [],
    nextCursor: null,
    here: null,
    loading: false,
    error: '',
  },
  methods: {
    onLoad() {
      const communities = acts.listCommunities().then(
        (list) => this.setData({ communities: [{ id: 0, name: '全部社区' }].concat(list) }),
        () => {}
      );
      const here = new Promise((resolve) => {
        wx.getLocation({
          type: 'gcj02',
          success: (r) => resolve({ lat: r.latitude, lng: r.longitude }),
          fail: () => resolve(null), // no position: the list is by start time
        });
      }).then((h) => this.setData({ here: h }));
      return Promise.all([communities, here]).then(() => this.load());
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh && wx.stopPullDownRefresh());
    },
    onReachBottom() {
      return this.data.nextCursor ? this.load(this.data.nextCursor) : Promise.resolve();
    },
    filters(cursor) {
      const d = this.data;
      return {
        community_id: d.communities[d.communityIndex] ? d.communities[d.communityIndex].id : 0,
        category: d.categories[d.categoryIndex].value,
        from: d.from,
        to: d.to,
        cursor,
      };
    },
    load(cursor) {
      this.setData({ loading: true, error: '' });
      return acts.listActivities(this.filters(cursor), this.data.here).then(
        (page) => this.setData({
          loading: false,
          items: cursor ? this.data.items.concat(page.items) : page.items,
          nextCursor: page.next_cursor,
        }),
        (err) => this.setData({ loading: false, error: messageFor(err) })
      );
    },
    onCommunityChange(e) {
      this.setData({ communityIndex: Number(e.detail.value) });
      return this.load();
    },
    onCategoryChange(e) {
      this.setData({ categoryIndex: Number(e.detail.value) });
      return this.load();
    },
    onFromChange(e) {
      this.setData({ from: e.detail.value });
      return this.load();
    },
    onToChange(e) {
      this.setData({ to: e.detail.value });
      return this.load();
    },
    open(e) {
      wx.navigateTo({ url: '/pages/activity/activity?id=' + dataOf(e, 'id') });
    },
  },
});
