// jest globalTeardown: the pages the tests left (test/screenshots/*.html, see shots.js) are put
// side by side on one sheet, screens.html, which headless Chromium (where the machine has it)
// turns into screens.png: one browser start for all of them.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { DIR } = require('./shots');

const W = 375;
const H = 700;
const COLS = 4;

function chromium() {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (fs.existsSync(p)) return p;
  return null;
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

module.exports = async function () {
  if (!fs.existsSync(DIR)) return;
  const pages = fs.readdirSync(DIR).filter((x) => x.endsWith('.html') && x !== 'screens.html').sort();
  if (!pages.length) return;
  const cells = pages.map((f) =>
    `<figure><iframe width="${W}" height="${H}" srcdoc="${esc(fs.readFileSync(path.join(DIR, f), 'utf8'))}"></iframe>` +
    `<figcaption>${f.replace(/\.html$/, '')}</figcaption></figure>`);
  const sheet = `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; padding: 10px; background: #ddd; display: grid; grid-template-columns: repeat(${COLS}, ${W + 10}px); font: 14px sans-serif; }
figure { margin: 0 0 10px; } iframe { border: 1px solid #999; background: #fff; } figcaption { text-align: center; }
</style></head><body>${cells.join('\n')}</body></html>`;
  const index = path.join(DIR, 'screens.html');
  fs.writeFileSync(index, sheet);
  const bin = chromium();
  if (!bin) return;
  const rows = Math.ceil(pages.length / COLS);
  try {
    execFileSync(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
      '--window-size=' + (COLS * (W + 10) + 20) + ',' + (rows * (H + 30) + 20),
      '--screenshot=' + path.join(DIR, 'screens.png'), 'file://' + index], { stdio: 'ignore', timeout: 60000 });
  } catch (e) {
    // no screenshot is no test failure: the HTML sheet stays
  }
};
