// Builds the console into dist/: hashed assets under assets/ (served with long cache
// headers by nginx), index.html without a hash (served no-cache). No CDN, no remote fonts:
// everything the console loads comes from its own origin.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // libraries in chunks of their own (cached across console releases); a function,
        // not a list of entries, so the parts of Element Plus and ECharts that the console
        // does not use are left out
        manualChunks(id) {
          if (!id.includes('/node_modules/')) return undefined
          if (/\/node_modules\/(echarts|zrender)\//.test(id)) return 'echarts'
          if (/\/node_modules\/(@vue|vue|vue-router)\//.test(id)) return 'vue'
          return 'element-plus'
        },
      },
    },
  },
  server: {
    // `npm run dev` beside a running stack: the API stays on the stack's nginx
    proxy: { '/api/': process.env.SANSHE_URL || 'http://127.0.0.1:8080' },
  },
})
