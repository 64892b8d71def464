// The whole roster of an activity (GET /api/v1/activities/{id}/signups, every page) and how
// many of it have checked in. Shared by the activity page and the projector page.
import { api } from '../../api/index.js'

export async function fetchRoster(activityId) {
  const all = []
  let cursor = null
  do {
    const page = await api.roster(activityId, { limit: 100, cursor })
    all.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return all
}

export function checkedInCount(roster) {
  return roster.filter((r) => r.checked_in_at).length
}
