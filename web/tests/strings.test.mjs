// Every audit action and object type the API writes has a Chinese label in src/strings.js:
// read from the C handlers themselves, so a new action without a label fails here rather than
// showing a raw key such as `org.transfer` on the audit page or the review queue.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { t } from '../src/strings.js'
import { filesUnder } from './lib.mjs'

const HANDLERS = new URL('../../src/handlers', import.meta.url).pathname
const sources = filesUnder(HANDLERS)
  .filter((p) => p.endsWith('.c'))
  .map((p) => readFileSync(p, 'utf8'))
  .join('\n')

// the argument text of every `ss_audit(req, ...)` call, up to its closing parenthesis
const auditCalls = [...sources.matchAll(/ss_audit\(req,([\s\S]*?)\)\)/g)].map((m) => m[1])
const literals = (text) => [...text.matchAll(/"([a-z_]+(?:\.[a-z_%]+)?)"/g)].map((m) => m[1])
// the call's arguments split at the commas outside parentheses: [action, object_type, ...]
const args = (text) => {
  const out = ['']
  let depth = 0
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) out.push('')
    else out[out.length - 1] += ch
  }
  return out.map((a) => a.trim())
}

test('every literal audit action has a label', () => {
  const actions = new Set(auditCalls.flatMap((c) => literals(args(c)[0])).filter((s) => s.includes('.') && !s.includes('%')))
  assert.ok(actions.size >= 20, `found ${actions.size} actions`)
  const missing = [...actions].filter((a) => !(a in t.audit.actions))
  assert.deepEqual(missing, [])
})

test('actions built at run time (service_project.%s, consultation.%s) have a label for each step', () => {
  // the service-project steps (src/domain/project.c) and the consultation stages after deliberating
  const project = readFileSync(new URL('../../src/domain/project.c', import.meta.url), 'utf8')
  const steps = [...project.matchAll(/\{"([a-z_]+)", SS_PROJECT_[A-Z_]+\}/g)].map((m) => m[1])
  assert.ok(steps.length >= 4)
  const stages = [...sources.matchAll(/advance\(req, "[a-z_]+", "([a-z_]+)"/g)].map((m) => m[1])
  assert.ok(stages.length >= 3)
  const missing = [...steps.map((s) => `service_project.${s}`), ...stages.map((s) => `consultation.${s}`)].filter(
    (a) => !(a in t.audit.actions),
  )
  assert.deepEqual(missing, [])
})

test('every object type audited or held for review has a label', () => {
  const types = new Set()
  for (const c of auditCalls) for (const s of literals(args(c)[1])) types.add(s)
  for (const m of sources.matchAll(/ss_content_hold\(req, review, "([a-z_]+)"/g)) types.add(m[1])
  types.add('nickname') // held by /me (the review queue's own kind)
  assert.ok(types.size >= 10, `found ${types.size} types`)
  const missing = [...types].filter((x) => !(x in t.audit.objectTypes) || !(x in t.contentReview.objectTypes))
  assert.deepEqual(missing, [])
})
