// The built console loads nothing from any host but its own. Every page the browser tests
// open is also watched for requests to other origins (console.test.mjs); this test reads
// the built files themselves: index.html and the CSS may point at no other host, and every
// absolute URL left in the JavaScript must be one of the known strings that are never
// requested (XML namespace names, links inside the libraries' warning messages).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { filesUnder } from './lib.mjs'

const DIST = process.env.SANSHE_WEB_DIST || new URL('../dist', import.meta.url).pathname
const NEVER_REQUESTED = [
  /^http:\/\/www\.w3\.org\//, // namespaces: svg, xlink, MathML
  /^https:\/\/element-plus\.org\//, // links in Element Plus's console warnings
  /^https:\/\/vuejs\.org\/error-reference\//, // Vue's production error messages
  /^https:\/\/github\.com\//, // comments and licence notes
]

test('index.html and the CSS point at no other host', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8')
  for (const m of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) {
    assert.match(m[1], /^\/(?!\/)/, `index.html loads ${m[1]}`)
  }
  for (const f of filesUnder(DIST).filter((p) => p.endsWith('.css'))) {
    const css = readFileSync(f, 'utf8')
    for (const m of css.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
      assert.doesNotMatch(m[1], /^(https?:)?\/\//, `${f} loads ${m[1]}`)
    }
    assert.doesNotMatch(css, /@import\s+(url\()?['"]?(https?:)?\/\//, `${f} imports from another host`)
  }
})

test('the JavaScript names no host but known never-requested strings', () => {
  const js = filesUnder(DIST).filter((p) => p.endsWith('.js'))
  assert.ok(js.length > 0, 'the console is built')
  const unknown = []
  for (const f of js) {
    const src = readFileSync(f, 'utf8')
    for (const m of src.matchAll(/https?:\/\/[^\s"'`)<>\\]+/g)) {
      if (!NEVER_REQUESTED.some((re) => re.test(m[0]))) unknown.push(`${f}: ${m[0]}`)
    }
    assert.doesNotMatch(src, /import\(\s*["'`]https?:/, `${f} imports code from another host`)
  }
  assert.deepEqual(unknown, [])
})
