// usePaged(fetchPage): a list that pages with the API's cursor. fetchPage(cursor) returns
// {items, next_cursor}; `more()` appends the next page, `reload()` starts again.
import { ref } from 'vue'
import { showError } from './form.js'

export function usePaged(fetchPage) {
  const items = ref([])
  const next = ref(null)
  const loading = ref(false)
  const loaded = ref(false)

  async function load(cursor) {
    loading.value = true
    try {
      const page = await fetchPage(cursor)
      items.value = cursor ? items.value.concat(page.items) : page.items
      next.value = page.next_cursor
      loaded.value = true
    } catch (e) {
      showError(e)
    } finally {
      loading.value = false
    }
  }

  return {
    items,
    next,
    loading,
    loaded,
    reload: () => load(null),
    more: () => (next.value ? load(next.value) : Promise.resolve()),
  }
}
