// Client routes, in hash mode (/#/cadres/7): the server then serves one
// page, index.html at /, and every other path stays the API's, whose
// unknown paths answer a JSON 404. Each route names the roles whose pages
// it is; the API refuses anyway, the menu only spares people dead ends.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { session, hasRole } from './session'
import { loadVocab } from './vocab'
import { loadUnits } from './units'
import Layout from './components/Layout.vue'
import Login from './views/Login.vue'

declare module 'vue-router' {
  interface RouteMeta { roles?: string[]; personal?: boolean; title?: string }
}

const reviewer = ['org_reviewer']
const routes: RouteRecordRaw[] = [
  { path: '/login', component: Login, meta: { title: '登录' } },
  {
    path: '/', component: Layout, children: [
      { path: '', component: () => import('./views/Home.vue') },
      { path: 'password', component: () => import('./views/Password.vue'), meta: { title: '修改密码' } },
      { path: 'roster', component: () => import('./views/Roster.vue'), meta: { roles: ['org_reviewer', 'evaluator'], personal: true, title: '干部名册' } },
      { path: 'cadres/:id(\\d+)', component: () => import('./views/CadreFile.vue'), meta: { roles: ['org_reviewer', 'evaluator'], personal: true, title: '干部档案' } },
      { path: 'import', component: () => import('./views/Import.vue'), meta: { roles: reviewer, personal: true, title: '名册导入' } },
      { path: 'cycles', component: () => import('./views/Cycles.vue'), meta: { roles: reviewer, title: '考核周期' } },
      { path: 'cycles/:id(\\d+)', component: () => import('./views/CycleDetail.vue'), meta: { roles: reviewer, personal: true, title: '考核周期' } },
      { path: 'vetting', component: () => import('./views/VetBatch.vue'), meta: { roles: reviewer, personal: true, title: '批量审核' } },
      { path: 'appraisals', component: () => import('./views/MyAppraisals.vue'), meta: { roles: ['evaluator'], personal: true, title: '我的考核评价' } },
      { path: 'lookup', component: () => import('./views/Lookup.vue'), meta: { roles: ['auditor'], personal: true, title: '干部查询' } },
      { path: 'flags', component: () => import('./views/Flags.vue'), meta: { roles: ['auditor', 'org_reviewer'], personal: true, title: '问题线索' } },
      { path: 'flags/new', component: () => import('./views/FlagNew.vue'), meta: { roles: ['auditor'], personal: true, title: '报送问题' } },
      { path: 'users', component: () => import('./views/Users.vue'), meta: { roles: ['admin'], title: '用户管理' } },
      { path: 'units', component: () => import('./views/Units.vue'), meta: { roles: ['admin'], title: '单位管理' } },
      { path: 'access-log', component: () => import('./views/AccessLog.vue'), meta: { roles: ['security_auditor'], personal: true, title: '访问日志' } },
      { path: ':rest(.*)*', component: () => import('./views/NotFound.vue'), meta: { title: '未找到' } },
    ],
  },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

/** The first page of each role. */
export function home(): string {
  if (hasRole('org_reviewer', 'evaluator')) return '/roster'
  if (hasRole('auditor')) return '/lookup'
  if (hasRole('admin')) return '/users'
  if (hasRole('security_auditor')) return '/access-log'
  return '/password'
}

router.beforeEach(async (to) => {
  if (to.path === '/login') return session.token ? home() : true
  if (!session.token) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  try {
    await loadVocab()
    if (!hasRole('security_auditor')) await loadUnits()
  } catch {
    // The pages show their own errors; a dead token already signed out.
  }
  if (to.path === '/') return home()
  if (to.meta.roles && !hasRole(...to.meta.roles)) return { path: '/not-found', query: { from: to.fullPath } }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '干部现实表现电子档案系统'
})
