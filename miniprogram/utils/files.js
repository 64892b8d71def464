// Files the API serves to the signed-in person (certificate PDFs, the personal code's QR
// image): wx.downloadFile with the token, then a local path. Their domain must be in the
// mini-program's downloadFile合法域名 (the API's own).
const api = require('./api');
const config = require('./config');
const { ApiError, networkError } = require('./errors');

// "/api/v1/..." or an absolute URL -> absolute URL on the API's origin.
function absolute(url) {
  return /^https?:\/\//.test(url) ? url : config.baseUrl + url;
}

function once(url) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: absolute(url),
      header: { Authorization: 'Bearer ' + api.getToken(), 'Accept-Language': 'zh-CN' },
      success: (r) => {
        if (r.statusCode >= 200 && r.statusCode < 300) resolve(r.tempFilePath);
        else reject(new ApiError(r.statusCode, r.statusCode === 401 ? 'unauthorized' : 'download_failed', '文件下载失败，请稍后重试。'));
      },
      fail: (e) => reject(networkError(e && e.errMsg)),
    });
  });
}

// -> Promise of the temporary file path. Like api.request, a 401 signs in again once.
function download(url) {
  return api.ensureSignedIn()
    .then(() => once(url))
    .catch((err) => {
      if (err.status !== 401) throw err;
      api.clearSession();
      return api.signIn().then(() => once(url));
    });
}

function openPdf(filePath) {
  return new Promise((resolve, reject) => {
    wx.openDocument({
      filePath,
      fileType: 'pdf',
      showMenu: true, // so the person can forward or save it
      success: () => resolve(filePath),
      fail: () => reject(new ApiError(0, 'open_failed', '无法打开文件，请稍后重试。')),
    });
  });
}

module.exports = { absolute, download, openPdf };
