// Residents' needs (GET /api/v1/needs), triaged by community staff; raised with POST /api/v1/needs.
import { t } from '../../strings.js'

export default [
  { path: '/needs', component: () => import('./NeedsPage.vue'), meta: { nav: { title: t.nav.needs, order: 25 } } },
  { path: '/needs/new', component: () => import('./NeedCreatePage.vue') },
]
