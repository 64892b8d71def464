// Rendering the mini-program's pages with miniprogram-simulate, and waiting for what a
// person would wait for (the page to show something).
const path = require('path');
const simulate = require('miniprogram-simulate');

const APP = path.resolve(__dirname, '../..');
const ids = {};

// Renders pages/<name>/<name> (loaded once per test file) attached to a document.
function render(name) {
  if (!ids[name]) ids[name] = simulate.load(path.join(APP, 'pages', name, name), { rootPath: APP });
  const page = simulate.render(ids[name]);
  page.attach(document.createElement('parent-wrapper'));
  return page;
}

function text(page, selector) {
  const node = selector ? page.querySelector(selector) : page;
  return node ? node.dom.textContent.replace(/\s+/g, ' ').trim() : null;
}

async function waitFor(what, fn, ms) {
  const until = Date.now() + (ms || 10000);
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error('timed out waiting for ' + what + (last instanceof Error ? ': ' + last.message : ''));
    await simulate.sleep(20);
  }
}

// Waits until the page has nothing left in flight (no request unanswered, twice in a row),
// so nothing updates a page after its test ended.
async function idle() {
  let quiet = 0;
  await waitFor('the page to settle', async () => {
    quiet = global.wx.$.inflight === 0 ? quiet + 1 : 0;
    return quiet >= 3;
  });
}

// A tap on the element, as a finger would.
function tap(page, selector) {
  const node = page.querySelector(selector);
  if (!node) throw new Error('nothing to tap at ' + selector + ' in: ' + text(page));
  node.dispatchEvent('tap');
}

// Typing into an input: the page's bindinput handler gets {detail: {value}}.
function type(page, selector, value) {
  const node = page.querySelector(selector);
  if (!node) throw new Error('no input at ' + selector);
  node.dispatchEvent('input', { detail: { value } });
}

module.exports = { simulate, render, text, waitFor, idle, tap, type, APP };
