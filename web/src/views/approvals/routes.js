// Approval queues: filings (GET /api/v1/orgs?status=pending), contest projects
// (GET /api/v1/contests/{id}/projects?status=submitted), service-time corrections
// (GET /api/v1/service-corrections?status=pending) and content under review
// (GET /api/v1/content-reviews?status=pending).
import { t } from '../../strings.js'

const approver = (me) => me.roles.includes('admin') || me.roles.includes('community_admin')

export default [
  {
    path: '/approvals/filings',
    alias: '/approvals',
    component: () => import('./FilingApprovalPage.vue'),
    meta: { nav: { title: t.nav.approvals, order: 20, when: approver } },
  },
  { path: '/approvals/projects', component: () => import('./ProjectQueuePage.vue') },
  { path: '/approvals/corrections', component: () => import('./CorrectionQueuePage.vue') },
  { path: '/approvals/content', component: () => import('./ContentReviewPage.vue') },
]
