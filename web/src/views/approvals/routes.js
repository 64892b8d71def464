// Approval queues. Today the API decides filings by number (POST /api/v1/orgs/{id}/approve,
// /reject); the queues listed with ?status= (filings, contest projects, corrections, content
// under review) slot in here as more routes when their API lands.
import { t } from '../../strings.js'

const approver = (me) => me.roles.includes('admin') || me.roles.includes('community_admin')

export default [
  {
    path: '/approvals/filings',
    alias: '/approvals',
    component: () => import('./FilingApprovalPage.vue'),
    meta: { nav: { title: t.nav.approvals, order: 20, when: approver } },
  },
]
