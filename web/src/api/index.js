// The one place the console talks to the API (STYLE 23): `request` wraps fetch once and
// every call below goes through it.
//  - sends the bearer token and `Accept-Language: zh-CN` (Chinese messages and field reasons);
//  - a create (POST) carries an `Idempotency-Key`: the caller keeps one key per form
//    (`newIdempotencyKey`) and reuses it when the person retries after a 503, so a retry of a
//    create whose reply was lost replays the first reply instead of creating twice;
//  - any non-2xx reply becomes an `ApiError` with the contract's `code`, `message` and
//    `fields` (the 422 map, shown beside the fields by `useForm`);
//  - 401 drops the session and returns to sign-in; 503 says the service is busy and leaves
//    what the person typed where it is.
import { session, clearSession } from '../session.js'
import { t } from '../strings.js'

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code || String(status))
    this.status = status
    this.code = code || ''
    this.fields = fields || {}
  }
}

const hooks = { unauthorized: () => {}, busy: () => {} }

// setApiHooks({unauthorized, busy}): main.js connects the router and the message box
export function setApiHooks(h) {
  Object.assign(hooks, h)
}

// A key of 32 characters from [0-9a-f]; crypto.getRandomValues works on plain http too.
export function newIdempotencyKey() {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

function url(path, query) {
  if (!query) return path
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

// request(method, path, {query, body, idempotencyKey, raw, anonymous}) -> parsed JSON, the
// Response itself when raw, or null for 204.
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': 'zh-CN' }
  if (session.token && !opts.anonymous) headers.Authorization = `Bearer ${session.token}`
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey
  let body
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res
  try {
    res = await fetch(url(path, opts.query), { method, headers, body, cache: 'no-store' })
  } catch {
    // the network itself failed: as good as busy, and the input stays
    hooks.busy()
    throw new ApiError(0, 'network', t.app.busy)
  }
  if (res.ok) {
    if (opts.raw) return res
    if (res.status === 204) return null
    return res.json()
  }
  let err = {}
  try {
    err = (await res.json()).error || {}
  } catch {
    err = {}
  }
  const e = new ApiError(res.status, err.code, err.message, err.fields)
  if (res.status === 401 && !opts.anonymous) {
    clearSession()
    hooks.unauthorized()
  } else if (res.status === 503) {
    e.message = t.app.busy
    hooks.busy()
  }
  throw e
}

const get = (path, query, opts) => request('GET', path, { ...opts, query })
const post = (path, body, idempotencyKey) => request('POST', path, { body: body || {}, idempotencyKey })

export const api = {
  // sign-in and the caller
  wxLogin: (code) => request('POST', '/api/v1/auth/wx-login', { body: { code }, anonymous: true }),
  logout: () => request('POST', '/api/v1/auth/logout', { body: {} }),
  me: () => get('/api/v1/me'),
  qrTicket: () => request('POST', '/api/v1/auth/qr-tickets', { body: {}, anonymous: true }),
  qrTicketStatus: (ticket) =>
    request('GET', `/api/v1/auth/qr-tickets/${encodeURIComponent(ticket)}`, { anonymous: true }),

  // communities
  communities: (query) => get('/api/v1/communities', query),
  createCommunity: (body, key) => post('/api/v1/communities', body, key),

  // organizations
  orgs: (query) => get('/api/v1/orgs', query),
  org: (id) => get(`/api/v1/orgs/${id}`),
  fileOrg: (body, key) => post('/api/v1/orgs', body, key),
  approveOrg: (id) => post(`/api/v1/orgs/${id}/approve`),
  rejectOrg: (id, reason) => post(`/api/v1/orgs/${id}/reject`, { reason }),
  addMember: (id, body, key) => post(`/api/v1/orgs/${id}/members`, body, key),
  members: (id, query) => get(`/api/v1/orgs/${id}/members`, query),
  removeMember: (id, userId) => request('DELETE', `/api/v1/orgs/${id}/members/${userId}`),
  createInvite: (id, role, key) => post(`/api/v1/orgs/${id}/invites`, { role }, key),
  transferOrg: (id, userId, key) => post(`/api/v1/orgs/${id}/transfer`, { user_id: userId }, key),
  orgActivities: (id, query) => get(`/api/v1/orgs/${id}/activities`, query),
  // an image the API serves behind the token (an invite's svg_url) as a Blob
  imageBlob: (path) => request('GET', path, { raw: true }).then((r) => r.blob()),

  // activities
  activities: (query) => get('/api/v1/activities', query),
  activity: (id) => get(`/api/v1/activities/${id}`),
  createActivity: (orgId, body, key) => post(`/api/v1/orgs/${orgId}/activities`, body, key),
  updateActivity: (id, body) => request('PATCH', `/api/v1/activities/${id}`, { body }),
  publishActivity: (id) => post(`/api/v1/activities/${id}/publish`),
  cancelActivity: (id) => post(`/api/v1/activities/${id}/cancel`),
  roster: (id, query) => get(`/api/v1/activities/${id}/signups`, query),
  // purpose: 'checkin' (default) or 'checkout'
  checkinCode: (id, purpose) => get(`/api/v1/activities/${id}/checkin-code`, { purpose }),
  // the QR code as an image Blob (the SVG needs the bearer token, so no plain <img src>)
  checkinCodeSvg: (id, purpose) =>
    request('GET', `/api/v1/activities/${id}/checkin-code.svg`, { query: { purpose }, raw: true }).then((r) => r.blob()),

  // service records
  ledger: (id, query) => get(`/api/v1/activities/${id}/service-records`, query),
  correctRecord: (id, body, key) => post(`/api/v1/activities/${id}/service-records`, body, key),
  corrections: (query) => get('/api/v1/service-corrections', query),
  approveCorrection: (id, note, key) => post(`/api/v1/service-corrections/${id}/approve`, note ? { note } : {}, key),
  rejectCorrection: (id, note, key) => post(`/api/v1/service-corrections/${id}/reject`, note ? { note } : {}, key),

  // contests
  contests: (query) => get('/api/v1/contests', query),
  contest: (id) => get(`/api/v1/contests/${id}`),
  createContest: (body, key) => post('/api/v1/contests', body, key),
  contestProjects: (id, query) => get(`/api/v1/contests/${id}/projects`, query),
  submitProject: (id, body, key) => post(`/api/v1/contests/${id}/projects`, body, key),
  approveProject: (id) => post(`/api/v1/contest-projects/${id}/approve`),
  rejectProject: (id, reason) => post(`/api/v1/contest-projects/${id}/reject`, { reason }),
  contestResults: (id) => get(`/api/v1/contests/${id}/results`),

  // needs, service projects and resources
  needs: (query) => get('/api/v1/needs', query),
  need: (id) => get(`/api/v1/needs/${id}`),
  createNeed: (body, key) => post('/api/v1/needs', body, key),
  triageNeed: (id, body, key) => post(`/api/v1/needs/${id}/triage`, body, key),
  serviceProjects: (query) => get('/api/v1/service-projects', query),
  serviceProject: (id) => get(`/api/v1/service-projects/${id}`),
  createServiceProject: (body, key) => post('/api/v1/service-projects', body, key),
  // step: approve, start, complete or evaluate (evaluate carries {score, report})
  serviceProjectStep: (id, step, body, key) => post(`/api/v1/service-projects/${id}/${step}`, body, key),
  resources: (query) => get('/api/v1/resources', query),
  createResource: (body, key) => post('/api/v1/resources', body, key),
  matchResource: (id, body, key) => post(`/api/v1/service-projects/${id}/resources`, body, key),

  // consultations: step is resolve ({decision}), publicize or feedback ({body})
  consultations: (query) => get('/api/v1/consultations', query),
  consultation: (id) => get(`/api/v1/consultations/${id}`),
  createConsultation: (body, key) => post('/api/v1/consultations', body, key),
  consultationStep: (id, step, body, key) => post(`/api/v1/consultations/${id}/${step}`, body, key),
  commentConsultation: (id, body, key) => post(`/api/v1/consultations/${id}/comments`, { body }, key),

  // the content review queue: texts held by WeChat's content check wait for a person
  contentReviews: (query) => get('/api/v1/content-reviews', query),
  passContent: (id, key) => post(`/api/v1/content-reviews/${id}/pass`, {}, key),
  rejectContent: (id, key) => post(`/api/v1/content-reviews/${id}/reject`, {}, key),

  // the dashboard (?format=csv gives the same figures as CSV: fetched with the token, saved as a file)
  stats: (query) => get('/api/v1/stats', query),
  communityStats: (id, query) => get(`/api/v1/stats/communities/${id}`, query),
  statsCsv: (path, query) =>
    request('GET', path, { query: { ...query, format: 'csv' }, raw: true }).then((r) => r.blob()),

  // audit
  audit: (query) => get('/api/v1/audit', query),
}
