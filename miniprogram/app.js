// The mini-program: signs in silently at launch (wx.login -> the API's wx-login), so pages
// that need the caller find a token in storage; any page's call that gets a 401 signs in
// again once by itself (utils/api.js).
const api = require('./utils/api');

App({
  onLaunch() {
    api.ensureSignedIn().catch(() => {
      // browsing activities works signed out; pages that need the caller sign in on demand
    });
  },
});
