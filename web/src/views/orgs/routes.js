import { t } from '../../strings.js'

export default [
  { path: '/orgs', component: () => import('./OrgListPage.vue'), meta: { nav: { title: t.nav.orgs, order: 10 } } },
  { path: '/orgs/new', component: () => import('./OrgFilePage.vue') },
  { path: '/orgs/:id(\\d+)', component: () => import('./OrgPage.vue'), props: true },
]
