// useForm(): the state every form shares. `run(fn)` calls the API; a 422 (or a 400 naming
// fields) puts each reason from `error.fields` beside its field (el-form-item :error), any
// other error shows its message once. The model is never cleared on failure, so after a 503
// the person just presses the button again — with the same Idempotency-Key, so a create
// whose reply was lost is not made twice. The key is renewed after a success.
import { reactive, ref } from 'vue'
import { ElMessage } from '../plugins/element.js'
import { ApiError, newIdempotencyKey } from './index.js'
import { t } from '../strings.js'

export function useForm() {
  const errors = reactive({})
  const busy = ref(false)
  const error = ref(null) // the last ApiError, for a page that puts a conflict beside a field
  const key = ref(newIdempotencyKey())

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
  }

  async function run(fn) {
    clear()
    error.value = null
    busy.value = true
    try {
      const out = await fn(key.value)
      key.value = newIdempotencyKey()
      return out
    } catch (e) {
      if (e instanceof ApiError) error.value = e
      showError(e, errors)
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { errors, busy, error, run, clear }
}

// showError(e, errors?): field reasons into `errors` when there are any, else one message.
// 401 and 503 were already handled by the API module (sign-in page, busy message).
export function showError(e, errors) {
  if (!(e instanceof ApiError)) {
    ElMessage.error(t.app.failed)
    throw e
  }
  if (e.status === 401 || e.status === 503 || e.status === 0) return
  const fields = Object.entries(e.fields || {})
  if (errors && fields.length) {
    for (const [k, v] of fields) errors[k] = v
    ElMessage.error({ message: e.message, grouping: true })
    return
  }
  ElMessage.error({ message: e.message || t.app.failed, grouping: true })
}
