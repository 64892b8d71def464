// Community names by id, for pages that show an object's community_id: every page of
// GET /api/v1/communities, fetched again each time a page asks (communities are few).
import { reactive } from 'vue'
import { api } from './index.js'

const names = reactive({})

export function useCommunityNames() {
  ;(async () => {
    let cursor = null
    let pages = 0
    do {
      const page = await api.communities({ limit: 100, cursor })
      for (const c of page.items) names[c.id] = c.name
      cursor = page.next_cursor
    } while (cursor && ++pages < 20)
  })().catch(() => {})
  return names
}
