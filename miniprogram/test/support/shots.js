// Screenshots of pages as the tests left them (STYLE 25): shot() writes the rendered page
// with the app's and the page's WXSS as an HTML file; after the run, screenshots.js (jest's
// globalTeardown) turns each into a PNG with headless Chromium where it is installed.
// Folder: $SANSHE_MP_SHOTS, else test/screenshots/ (ignored by git).
const fs = require('fs');
const path = require('path');

const APP = path.resolve(__dirname, '../..');
const DIR = process.env.SANSHE_MP_SHOTS || path.join(APP, 'test', 'screenshots');

const TAGS = ['view', 'text', 'button', 'input', 'picker', 'block', 'navigator', 'image'];

// WXSS -> CSS for the rendered DOM: classes get the page's prefix, rpx -> px on a 375 px
// wide phone, built-in components are wx-<tag> elements, `page` is the root.
function css(wxss, prefix) {
  return wxss
    .replace(/\.([A-Za-z_][\w-]*)/g, (m, c) => (/^\d/.test(c) ? m : '.' + prefix + '--' + c))
    .replace(/(-?\d*\.?\d+)rpx/g, (m, n) => Number(n) / 2 + 'px')
    .replace(/(^|[\s,}])page(?=[\s{,])/g, '$1main')
    .replace(new RegExp('(^|[\\s,}])(' + TAGS.join('|') + ')(?=[\\s{,.:])', 'g'), '$1wx-$2');
}

const BASE = `
body { margin: 0; width: 375px; font-family: "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
main { display: block; min-height: 700px; }
wx-view, wx-button, wx-picker, wx-navigator { display: block; }
wx-text { display: inline; }
wx-button { margin: 10px; padding: 10px; text-align: center; border-radius: 5px; background: #f8f8f8; border: 1px solid #ddd; }
wx-button[size="mini"] { display: inline-block; margin: 0; padding: 4px 12px; }
wx-input { flex: 1; min-height: 1.4em; border-bottom: 1px dashed #ccc; color: #999; }
wx-input::after { content: attr(placeholder); }
.bar { background: #c0392b; color: #fff; text-align: center; padding: 12px; font-size: 16px; }
`;

function shot(page, name, title) {
  const pageName = name.split('-')[0];
  const wxss = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
  const style = css(wxss(path.join(APP, 'app.wxss')) + '\n' + wxss(path.join(APP, 'pages', pageName, pageName + '.wxss')), 'main');
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${BASE}\n${style}</style></head>` +
    `<body><div class="bar">${title || ''}</div>${page.dom.outerHTML}</body></html>`;
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(path.join(DIR, name + '.html'), html);
}

module.exports = { shot, DIR, css };
