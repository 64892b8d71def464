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
        manualChunks: {
          vue: ['vue', 'vue-router'],
          'element-plus': ['element-plus'],
          echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'],
        },
      },
    },
  },
  server: {
    // `npm run dev` beside a running stack: the API stays on the stack's nginx
    proxy: { '/api/': process.env.SANSHE_URL || 'http://127.0.0.1:8080' },
  },
})
