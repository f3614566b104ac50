// Client routes, in hash mode (/#/cadres/7): the server then serves one
// page, index.html at /, and every other path stays the API's, whose
// unknown paths answer a JSON 404. The guard lets a user open the pages
// their permissions allow (pages.ts).
import { createRouter, createWebHashHistory } from 'vue-router'
import { session, can } from './session'
import { pages, allowed, home } from './pages'
import { ensureMe } from './me'
import { loadVocab } from './vocab'
import { loadUnits } from './units'
import Layout from './components/Layout.vue'
import Login from './views/Login.vue'

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [{ path: '/login', component: Login, meta: { title: '登录' } }, { path: '/', component: Layout, children: pages }],
})

router.beforeEach(async (to) => {
  if (to.path === '/login') return session.token ? home() : true
  if (!session.token) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  try {
    await ensureMe()
    await loadVocab()
    if (can('GET /api/v1/units')) await loadUnits()
  } catch {
    // The pages show their own errors; a dead token already signed out.
  }
  if (!session.token) return { path: '/login' }
  if (to.path === '/') return home()
  if (!allowed(to.meta)) return { path: '/not-found', query: { from: to.fullPath } }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '干部现实表现电子档案系统'
})
