// The router: each area under views/ brings its own routes.js, listed here once. An area
// whose API lands later (queues with ?status=, needs, consultations, dashboards,
// notifications) slots in as one more folder and one more line below.
// Route meta: `public` (no sign-in needed), `bare` (no menu: sign-in, the projector page),
// `nav` (a menu entry: {title, order, when(me)}).
import { createRouter, createWebHistory } from 'vue-router'
import { session } from '../session.js'
import auth from '../views/auth/routes.js'
import home from '../views/home/routes.js'
import orgs from '../views/orgs/routes.js'
import approvals from '../views/approvals/routes.js'
import activities from '../views/activities/routes.js'
import records from '../views/records/routes.js'
import contests from '../views/contests/routes.js'
import communities from '../views/communities/routes.js'
import audit from '../views/audit/routes.js'
import dashboard from '../views/dashboard/routes.js'
import needs from '../views/needs/routes.js'
import services from '../views/services/routes.js'
import consultations from '../views/consultations/routes.js'

export const routes = [
  ...auth,
  ...home,
  ...orgs,
  ...approvals,
  ...activities,
  ...records,
  ...contests,
  ...communities,
  ...audit,
  ...dashboard,
  ...needs,
  ...services,
  ...consultations,
]

export const router = createRouter({
  history: createWebHistory(),
  routes: [...routes, { path: '/:rest(.*)*', redirect: '/' }],
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { path: '/signin', query: { next: to.fullPath } }
  return true
})

// The menu: routes with meta.nav whose `when` holds for the signed-in person.
export function navItems(me) {
  return routes
    .filter((r) => r.meta && r.meta.nav && (!r.meta.nav.when || (me && r.meta.nav.when(me))))
    .sort((a, b) => a.meta.nav.order - b.meta.nav.order)
    .map((r) => ({ path: r.path, title: r.meta.nav.title }))
}
