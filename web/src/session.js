// The signed-in person: the token (kept in localStorage so a reload stays signed in) and
// the last GET /api/v1/me. Reactive, so the layout and pages follow sign-in and sign-out.
import { reactive } from 'vue'

const KEY = 'sanshe.token'

export const session = reactive({
  token: localStorage.getItem(KEY) || '',
  me: null,
})

export function setSession(token, user) {
  session.token = token
  session.me = user || null
  localStorage.setItem(KEY, token)
}

export function clearSession() {
  session.token = ''
  session.me = null
  localStorage.removeItem(KEY)
}

// What the person may do, from GET /me (roles, community_admin_of, and `orgs` once the API
// sends it).
export function isAdmin() {
  return !!session.me && session.me.roles.includes('admin')
}

export function isApprover() {
  return !!session.me && (session.me.roles.includes('admin') || session.me.roles.includes('community_admin'))
}
