import { t } from '../../strings.js'

export default [
  {
    path: '/communities',
    component: () => import('./CommunitiesPage.vue'),
    meta: { nav: { title: t.nav.communities, order: 50, when: (me) => me.roles.includes('admin') } },
  },
]
