// useNarrow(): true while the window is phone-sized (the width App.vue's media query uses),
// for layouts CSS alone cannot change (a descriptions table's number of columns).
import { onBeforeUnmount, ref } from 'vue'

export const NARROW_QUERY = '(max-width: 640px)'

export function useNarrow() {
  const mq = window.matchMedia(NARROW_QUERY)
  const narrow = ref(mq.matches)
  const update = (e) => (narrow.value = e.matches)
  mq.addEventListener('change', update)
  onBeforeUnmount(() => mq.removeEventListener('change', update))
  return narrow
}
