export default [
  { path: '/orgs/:orgId(\\d+)/activities/new', component: () => import('./ActivityCreatePage.vue'), props: true },
  { path: '/activities/:id(\\d+)/edit', component: () => import('./ActivityCreatePage.vue'), props: true },
  { path: '/activities/:id(\\d+)', component: () => import('./ActivityPage.vue'), props: true },
  {
    path: '/activities/:id(\\d+)/projector',
    component: () => import('./ProjectorPage.vue'),
    props: true,
    meta: { bare: true },
  },
]
