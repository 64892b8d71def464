// Service projects (GET /api/v1/service-projects) with their lifecycle and resources; a leader
// proposes one with POST /api/v1/service-projects.
import { t } from '../../strings.js'

export default [
  { path: '/services', component: () => import('./ServiceListPage.vue'), meta: { nav: { title: t.nav.services, order: 26 } } },
  { path: '/services/new', component: () => import('./ServiceCreatePage.vue') },
  { path: '/services/:id(\\d+)', component: () => import('./ServicePage.vue'), props: true },
]
