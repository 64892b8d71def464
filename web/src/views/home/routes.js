import { t } from '../../strings.js'

export default [{ path: '/', component: () => import('./HomePage.vue'), meta: { nav: { title: t.nav.home, order: 0 } } }]
