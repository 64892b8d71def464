// The `wx` test double. Everything is a stand-in that records what the page asked for,
// EXCEPT wx.request, which makes real HTTP calls (Node http) to the stack under test.
//
// - wx.login gives the code "test:<openid>", which the stack's fake WeChat server turns into
//   that openid: so the mini-program signs in for real.
// - wx.scanCode returns what the test put in `wx.$.scan` (the text of a QR code).
// - wx.getLocation returns `wx.$.location` ({latitude, longitude}) or fails with `wx.$.locationFail`.
// - `wx.$.loseNextReplies = n`: the next n requests reach the server and are answered, but
//   the page gets a network error instead of the reply (a reply lost on a bad connection).
const http = require('http');
const https = require('https');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { URL } = require('url'); // Node's (jsdom's global URL is not one http.request accepts on Node 18)

function realRequest(opts, onSent) {
  const url = new URL(opts.url);
  const method = (opts.method || 'GET').toUpperCase();
  const header = Object.assign({}, opts.header || {});
  let body = null;
  if (opts.data !== undefined && opts.data !== null) {
    if (method === 'GET') {
      Object.keys(opts.data).forEach((k) => url.searchParams.set(k, opts.data[k]));
    } else {
      body = typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data);
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['Content-Type'] = 'application/json';
    }
  }
  if (body !== null) header['Content-Length'] = Buffer.byteLength(body);
  const lib = url.protocol === 'https:' ? https : http;
  let done = false;
  const finish = (fn, arg) => {
    if (done) return;
    done = true;
    if (fn) fn(arg);
    if (opts.complete) opts.complete(arg);
  };
  const req = lib.request(url.toString(), { method, headers: header, timeout: opts.timeout || 15000 }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let data = text;
      if ((opts.dataType || 'json') === 'json') {
        try {
          data = JSON.parse(text);
        } catch (e) {
          data = text;
        }
      }
      const reply = { statusCode: res.statusCode, data, header: res.headers, errMsg: 'request:ok' };
      if (onSent && onSent(reply)) return finish(opts.fail, { errMsg: 'request:fail reply lost (test double)' });
      finish(opts.success, reply);
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => finish(opts.fail, { errMsg: 'request:fail ' + e.message }));
  if (body !== null) req.write(body);
  req.end();
  return { abort: () => req.destroy(new Error('abort')) };
}

function createWx(openid) {
  const store = new Map();
  const $ = {
    openid,
    scan: null,
    location: { latitude: 30.6598, longitude: 104.0633 },
    locationFail: null,
    loseNextReplies: 0,
    requests: [], // every request made: {method, url, header, data, statusCode, lost}
    modals: [],
    toasts: [],
    navigations: [],
    logins: 0,
    inflight: 0, // requests sent and not yet answered
    modalConfirm: false, // what the person taps in wx.showModal
    subscribeAnswer: {}, // wx.requestSubscribeMessage: template id -> 'accept' | 'reject' (default)
    subscribeAsks: [], // the tmplIds of each wx.requestSubscribeMessage call
    downloads: [], // wx.downloadFile: {url, header, statusCode, tempFilePath}
    opened: [], // wx.openDocument: {filePath, fileType}
  };
  const later = (fn, arg) => setTimeout(() => fn && fn(arg), 0);
  const cb = (o, ok, arg) => later(() => {
    if (ok && o.success) o.success(arg);
    if (!ok && o.fail) o.fail(arg);
    if (o.complete) o.complete(arg);
  });
  const nav = (kind) => (o) => {
    $.navigations.push({ kind, url: o.url });
    cb(o, true, { errMsg: kind + ':ok' });
  };
  const wx = {
    $,
    login(o) {
      $.logins++;
      cb(o, true, { code: 'test:' + $.openid, errMsg: 'login:ok' });
    },
    getStorageSync: (k) => (store.has(k) ? store.get(k) : ''),
    setStorageSync: (k, v) => store.set(k, JSON.parse(JSON.stringify(v))),
    removeStorageSync: (k) => store.delete(k),
    clearStorageSync: () => store.clear(),
    request(o) {
      const rec = { method: o.method || 'GET', url: o.url, header: o.header, data: o.data };
      $.requests.push(rec);
      $.inflight++;
      const end = (fn) => (arg) => {
        $.inflight--;
        if (fn) fn(arg);
      };
      o = Object.assign({}, o, { success: end(o.success), fail: end(o.fail) });
      return realRequest(o, (reply) => {
        rec.statusCode = reply.statusCode;
        rec.reply = reply.data;
        rec.replyHeader = reply.header;
        if ($.loseNextReplies > 0) {
          $.loseNextReplies--;
          rec.lost = true;
          return true;
        }
        return false;
      });
    },
    scanCode(o) {
      if ($.scan === null) cb(o, false, { errMsg: 'scanCode:fail cancel' });
      else cb(o, true, { result: $.scan, scanType: 'QR_CODE', charSet: 'utf-8', errMsg: 'scanCode:ok' });
    },
    getLocation(o) {
      if ($.locationFail) cb(o, false, { errMsg: $.locationFail });
      else cb(o, true, Object.assign({ accuracy: 10, errMsg: 'getLocation:ok' }, $.location));
    },
    showModal(o) {
      $.modals.push({ title: o.title, content: o.content });
      cb(o, true, { confirm: $.modalConfirm, cancel: !$.modalConfirm });
    },
    // a real download (Node http) into a temporary file, as WeChat would
    downloadFile(o) {
      const rec = { url: o.url, header: o.header };
      $.downloads.push(rec);
      $.inflight++;
      const url = new URL(o.url);
      const lib = url.protocol === 'https:' ? https : http;
      const end = (fn, arg) => {
        $.inflight--;
        if (fn) fn(arg);
        if (o.complete) o.complete(arg);
      };
      const req = lib.get(url.toString(), { headers: o.header || {} }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const file = path.join(os.tmpdir(), 'wxfile-' + process.pid + '-' + $.downloads.length);
          fs.writeFileSync(file, Buffer.concat(chunks));
          rec.statusCode = res.statusCode;
          rec.tempFilePath = file;
          rec.contentType = res.headers['content-type'];
          end(o.success, { statusCode: res.statusCode, tempFilePath: file, errMsg: 'downloadFile:ok' });
        });
      });
      req.on('error', (e) => end(o.fail, { errMsg: 'downloadFile:fail ' + e.message }));
    },
    openDocument(o) {
      $.opened.push({ filePath: o.filePath, fileType: o.fileType });
      cb(o, true, { errMsg: 'openDocument:ok' });
    },
    requestSubscribeMessage(o) {
      $.subscribeAsks.push(o.tmplIds);
      if (o.tmplIds.length > 3) return cb(o, false, { errMsg: 'requestSubscribeMessage:fail TmplIds can\'t be more than 3', errCode: 20003 });
      const res = { errMsg: 'requestSubscribeMessage:ok' };
      o.tmplIds.forEach((id) => (res[id] = $.subscribeAnswer[id] || 'reject'));
      cb(o, true, res);
    },
    showToast(o) {
      $.toasts.push(o.title);
      cb(o, true, {});
    },
    navigateTo: nav('navigateTo'),
    redirectTo: nav('redirectTo'),
    reLaunch: nav('reLaunch'),
    switchTab: nav('switchTab'),
    stopPullDownRefresh() {},
  };
  return wx;
}

// Puts a double in place of the global wx (over what miniprogram-simulate installed): a
// fresh one for an openid, or one made before (another person picks up the phone).
// Returns the double, whose own storage and records stay with it.
function installWx(who) {
  const w = typeof who === 'string' ? createWx(who) : who;
  global.wx = Object.assign(global.wx || {}, w);
  return w;
}

module.exports = { createWx, installWx, realRequest };
