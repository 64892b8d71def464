// How pages tell people about errors and results (wx.showModal / wx.showToast).
const { messageFor } = require('./errors');

function showError(err, title) {
  const content = typeof err === 'string' ? err : messageFor(err);
  return new Promise((resolve) => {
    wx.showModal({ title: title || '提示', content, showCancel: false, complete: () => resolve(content) });
  });
}

function toast(title, icon) {
  wx.showToast({ title, icon: icon || 'success' });
}

// The value of a tapped element's data-<name>, as a number where it looks like one.
function dataOf(e, name) {
  const ds = (e && (e.currentTarget || e.target) && (e.currentTarget || e.target).dataset) || {};
  const v = ds[name];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
}

module.exports = { showError, toast, dataOf };
