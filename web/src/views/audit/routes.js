import { t } from '../../strings.js'

const approver = (me) => me.roles.includes('admin') || me.roles.includes('community_admin')

export default [
  {
    path: '/audit',
    component: () => import('./AuditPage.vue'),
    meta: { nav: { title: t.nav.audit, order: 40, when: approver } },
  },
]
