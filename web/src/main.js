import { createApp } from 'vue'
import { ElMessage } from './plugins/element.js'
import 'element-plus/dist/index.css'
import element from './plugins/element.js'
import App from './App.vue'
import { router } from './router/index.js'
import { setApiHooks } from './api/index.js'
import { t } from './strings.js'

setApiHooks({
  unauthorized() {
    // the address bar, not the router: on the first load the router may not have resolved
    // the page yet when GET /me already came back 401
    const here = window.location.pathname + window.location.search
    if (!window.location.pathname.startsWith('/signin')) {
      ElMessage.warning({ message: t.app.signInAgain, grouping: true })
      router.push({ path: '/signin', query: { next: here } })
    }
  },
  busy() {
    ElMessage.warning({ message: t.app.busy, grouping: true, duration: 5000 })
  },
})

createApp(App).use(element).use(router).mount('#app')
