// Service records. Correction proposals and their queue (Round 2) slot in here.
export default [{ path: '/activities/:id(\\d+)/ledger', component: () => import('./LedgerPage.vue'), props: true }]
