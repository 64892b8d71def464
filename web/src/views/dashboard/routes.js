// The dashboard: the policy figures per community, street and district (GET /api/v1/stats)
// and one community's (GET /api/v1/stats/communities/{id}), for admins and community admins.
import { t } from '../../strings.js'

const viewer = (me) => me.roles.includes('admin') || me.roles.includes('community_admin')

export default [
  {
    path: '/dashboard',
    component: () => import('./DashboardPage.vue'),
    meta: { nav: { title: t.nav.dashboard, order: 35, when: viewer } },
  },
  { path: '/dashboard/communities/:id(\\d+)', component: () => import('./CommunityStatsPage.vue'), props: true },
]
