// The one place that says where the API is. In WeChat DevTools and in production this is
// the HTTPS domain configured as the mini-program's request 合法域名; the tests set
// baseUrl to the throw-away stack (SANSHE_TEST_URL) before any request.
module.exports = {
  baseUrl: 'https://sanshe.example.cn',
  // WeChat subscribe-message template ids the server sends (its config wx_tpl_*): the ones
  // this mini-program asks people to allow, at most three per wx.requestSubscribeMessage call.
  // Replace with the template ids from the WeChat console (订阅消息), the same as the server's.
  subscribeTemplates: ['tpl_activity_reminder', 'tpl_activity_update', 'tpl_review_result'],
  // storage keys
  tokenKey: 'sanshe_token',
  userKey: 'sanshe_user',
};
