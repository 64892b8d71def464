import { t } from '../../strings.js'

export default [
  { path: '/contests', component: () => import('./ContestListPage.vue'), meta: { nav: { title: t.nav.contests, order: 30 } } },
  { path: '/contests/new', component: () => import('./ContestCreatePage.vue') },
  { path: '/contests/:id(\\d+)', component: () => import('./ContestPage.vue'), props: true },
]
