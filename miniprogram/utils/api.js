// The one wrapper around wx.request (STYLE 24). Every call to the sanshe API goes through
// request(): the base URL comes from config.js, the token from storage, replies come back
// as promises of the JSON body, and any non-2xx reply becomes an ApiError carrying the
// API's error shape (see errors.js for turning it into Chinese).
//
// - A 401 on a signed-in call signs in again once, silently (wx.login -> POST
//   /api/v1/auth/wx-login), and repeats the call once with the new token.
// - `idempotencyKey` sends an Idempotency-Key header: the caller keeps the key and reuses
//   it when it retries after a network error, so the server counts the action once.
const config = require('./config');
const { fromReply, networkError } = require('./errors');

function getToken() {
  return wx.getStorageSync(config.tokenKey) || '';
}

function getUser() {
  return wx.getStorageSync(config.userKey) || null;
}

function clearSession() {
  wx.removeStorageSync(config.tokenKey);
  wx.removeStorageSync(config.userKey);
}

function query(params) {
  if (!params) return '';
  const parts = [];
  Object.keys(params).forEach((k) => {
    const v = params[k];
    if (v === undefined || v === null || v === '') return;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
  });
  return parts.length ? '?' + parts.join('&') : '';
}

// One HTTP exchange: resolves {statusCode, data, header}, rejects only on network failure.
function send(method, path, opts, token) {
  const header = { 'Accept-Language': 'zh-CN' };
  if (token) header.Authorization = 'Bearer ' + token;
  if (opts.data !== undefined) header['Content-Type'] = 'application/json';
  if (opts.idempotencyKey) header['Idempotency-Key'] = opts.idempotencyKey;
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.baseUrl + path + query(opts.query),
      method,
      data: opts.data,
      header,
      dataType: 'json',
      timeout: opts.timeout || 15000,
      success: resolve,
      fail: (e) => reject(networkError(e && e.errMsg)),
    });
  });
}

let signingIn = null; // one sign-in at a time, shared by every caller that needs it

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (r) => (r && r.code ? resolve(r.code) : reject(networkError('wx.login: no code'))),
      fail: (e) => reject(networkError(e && e.errMsg)),
    });
  });
}

// wx.login -> POST /api/v1/auth/wx-login -> token and user kept in storage.
function signIn() {
  if (signingIn) return signingIn;
  signingIn = wxLogin()
    .then((code) => request('POST', '/api/v1/auth/wx-login', { data: { code }, auth: false }))
    .then((body) => {
      wx.setStorageSync(config.tokenKey, body.token);
      wx.setStorageSync(config.userKey, body.user);
      return body.user;
    })
    .then(
      (user) => {
        signingIn = null;
        return user;
      },
      (err) => {
        signingIn = null;
        throw err;
      }
    );
  return signingIn;
}

function ensureSignedIn() {
  return getToken() ? Promise.resolve(getUser()) : signIn();
}

// request(method, path, {query, data, auth = true, idempotencyKey}) -> Promise of the body
// (null for 204). auth: false sends no token and never signs in.
function request(method, path, opts) {
  opts = opts || {};
  const auth = opts.auth !== false;
  const attempt = (token) =>
    send(method, path, opts, auth ? token : '').then((res) => {
      if (res.statusCode >= 200 && res.statusCode < 300) return res.statusCode === 204 ? null : res.data;
      throw fromReply(res.statusCode, res.data);
    });
  if (!auth) return attempt('');
  const token = getToken();
  const first = token ? attempt(token) : signIn().then(() => attempt(getToken()));
  return first.catch((err) => {
    if (err.status !== 401 || !token) throw err;
    // the token died (expired, revoked, server restarted): sign in again once, silently
    clearSession();
    return signIn().then(() => attempt(getToken()));
  });
}

function signOut() {
  const token = getToken();
  clearSession();
  if (!token) return Promise.resolve();
  return send('POST', '/api/v1/auth/logout', {}, token).then(
    () => undefined,
    () => undefined
  );
}

// A fresh Idempotency-Key (1-64 of [A-Za-z0-9._:-]): one per user action (a tap).
function newIdempotencyKey() {
  let r = '';
  for (let i = 0; i < 4; i++) r += Math.floor(Math.random() * 0x100000000).toString(36);
  return 'mp-' + Date.now().toString(36) + '-' + r;
}

module.exports = {
  request,
  get: (path, q, o) => request('GET', path, Object.assign({ query: q }, o)),
  post: (path, data, o) => request('POST', path, Object.assign({ data }, o)),
  put: (path, data, o) => request('PUT', path, Object.assign({ data }, o)),
  del: (path, o) => request('DELETE', path, o),
  signIn,
  signOut,
  ensureSignedIn,
  getToken,
  getUser,
  clearSession,
  newIdempotencyKey,
};
