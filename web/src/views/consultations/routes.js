// Community consultations (社区协商) and their stages: deliberating → resolved → publicized → feedback.
import { t } from '../../strings.js'

export default [
  { path: '/consultations', component: () => import('./ConsultationListPage.vue'), meta: { nav: { title: t.nav.consultations, order: 27 } } },
  { path: '/consultations/new', component: () => import('./ConsultationCreatePage.vue') },
  { path: '/consultations/:id(\\d+)', component: () => import('./ConsultationPage.vue'), props: true },
]
