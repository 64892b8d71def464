// Every <el-*> tag in the console's templates is an Element Plus component registered in
// src/plugins/element.js (only those are bundled; an unregistered tag would render as
// nothing at all).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { filesUnder } from './lib.mjs'

const SRC = new URL('../src', import.meta.url).pathname

const pascal = (tag) => tag.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')

test('every <el-*> tag used is registered', () => {
  const registered = new Set(readFileSync(join(SRC, 'plugins/element.js'), 'utf8').match(/\bEl[A-Z]\w+/g))
  const missing = new Set()
  let used = 0
  for (const f of filesUnder(SRC).filter((p) => p.endsWith('.vue'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/<(el-[a-z-]+)/g)) {
      used++
      if (!registered.has(pascal(m[1]))) missing.add(`${m[1]} (${f})`)
    }
  }
  assert.ok(used > 0)
  assert.deepEqual([...missing], [])
})
