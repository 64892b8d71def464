import { createApp } from 'vue'
import ElementPlus, { ElMessage } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router/index.js'
import { setApiHooks } from './api/index.js'
import { t } from './strings.js'

setApiHooks({
  unauthorized() {
    const here = router.currentRoute.value
    if (here.path !== '/signin') {
      ElMessage.warning({ message: t.app.signInAgain, grouping: true })
      router.push({ path: '/signin', query: { next: here.fullPath } })
    }
  },
  busy() {
    ElMessage.warning({ message: t.app.busy, grouping: true, duration: 5000 })
  },
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
