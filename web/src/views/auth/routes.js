import { t } from '../../strings.js'

export default [
  {
    path: '/signin',
    component: () => import('./SignInPage.vue'),
    meta: { public: true, bare: true, title: t.signin.title },
  },
]
