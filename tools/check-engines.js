#!/usr/bin/env node
// Checks that every package in package-lock.json accepts the Node.js and npm versions Debian 12
// ships (nodejs 18.20.4, npm 9.2.0), so `npm ci` (engine-strict, see .npmrc) works there.
// Usage: node check-engines.js [lockfile] [node-version] [npm-version]; exits 1 listing the
// packages whose `engines` refuse them. Uses the semver module npm itself carries.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

function loadSemver() {
  try { return require('semver'); } catch (e) { /* not installed beside us: use npm's own */ }
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  for (const dir of [path.join(npmRoot, 'npm', 'node_modules', 'semver'),
                     '/usr/share/nodejs/semver', '/usr/lib/node_modules/npm/node_modules/semver']) {
    try { return require(dir); } catch (e) { /* next */ }
  }
  throw new Error('cannot find the semver module');
}

const semver = loadSemver();
const lockfile = process.argv[2] || path.join(__dirname, 'package-lock.json');
const want = { node: process.argv[3] || '18.20.4', npm: process.argv[4] || '9.2.0' };
const lock = JSON.parse(fs.readFileSync(lockfile, 'utf8'));
const bad = [];
for (const [where, pkg] of Object.entries(lock.packages || {})) {
  let engines = pkg.engines;
  if (!engines || Array.isArray(engines)) continue;   // the old array form is advisory only
  for (const tool of ['node', 'npm']) {
    const range = engines[tool];
    if (range && !semver.satisfies(want[tool], range, { includePrerelease: true }))
      bad.push(`${where || '(root)'}@${pkg.version}: ${tool} ${range} refuses ${want[tool]}`);
  }
}
if (bad.length) {
  console.error(`check-engines: ${bad.length} package(s) refuse node ${want.node} / npm ${want.npm}:`);
  for (const b of bad) console.error('  ' + b);
  process.exit(1);
}
console.log(`check-engines: all ${Object.keys(lock.packages || {}).length} packages accept node ${want.node} and npm ${want.npm}`);
