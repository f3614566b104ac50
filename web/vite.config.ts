import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The console is built into dist/, committed, and embedded in the Go binary
// (web/embed.go). CI rebuilds it and fails when dist/ differs from what was
// committed, so the build must be byte-for-byte deterministic: no
// timestamps, hashed names only, no generated .d.ts written during build.
export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    // Element Plus components are imported on demand, with their CSS, so the
    // first load carries only what the pages use.
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    target: 'es2020',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
