// The console's pages. Each names the API routes it needs (meta.needs,
// route keys as GET /api/v1/me lists them); the guard and the menu show a
// page to whoever may use them, and name no role. The API refuses anyway:
// the menu only spares people dead ends.
import type { RouteMeta, RouteRecordRaw } from 'vue-router'
import { can, session, type RouteKey } from './session'

declare module 'vue-router' {
  // department: a user of another department may not use the page, though
  // their role may use its routes (the server's rule, copied here until /me
  // says so: the discipline department's inbox, SPEC 13).
  interface RouteMeta { needs?: RouteKey[]; department?: string; personal?: boolean; title?: string; menu?: string; menuUnless?: RouteKey[] }
}

export const pages: RouteRecordRaw[] = [
  { path: '', component: () => import('./views/Home.vue') },
  { path: 'roster', component: () => import('./views/Roster.vue'), meta: { needs: ['GET /api/v1/cadres', 'GET /api/v1/cadres/:id'], personal: true, title: '干部名册', menu: '干部名册' } },
  { path: 'cadres/:id(\\d+)', component: () => import('./views/CadreFile.vue'), meta: { needs: ['GET /api/v1/cadres/:id'], personal: true, title: '干部档案' } },
  { path: 'import', component: () => import('./views/Import.vue'), meta: { needs: ['POST /api/v1/cadres/import'], personal: true, title: '名册导入', menu: '名册导入' } },
  { path: 'import-lrmx', component: () => import('./views/LrmxImport.vue'), meta: { needs: ['POST /api/v1/cadres/import-lrmx', 'GET /api/v1/units'], personal: true, title: '任免审批表导入', menu: '任免审批表导入' } },
  { path: 'cycles', component: () => import('./views/Cycles.vue'), meta: { needs: ['GET /api/v1/appraisal-cycles', 'POST /api/v1/appraisal-cycles'], title: '考核周期', menu: '考核周期' } },
  { path: 'cycles/:id(\\d+)', component: () => import('./views/CycleDetail.vue'), meta: { needs: ['GET /api/v1/appraisal-cycles/:id', 'GET /api/v1/appraisal-cycles/:id/progress'], personal: true, title: '考核周期' } },
  { path: 'vetting', component: () => import('./views/VetBatch.vue'), meta: { needs: ['POST /api/v1/vettings/batch'], personal: true, title: '批量审核', menu: '任前审核' } },
  { path: 'oversight', component: () => import('./views/Oversight.vue'), meta: { needs: ['GET /api/v1/oversight/top-leaders', 'GET /api/v1/units'], personal: true, title: '一把手监督', menu: '一把手监督' } },
  { path: 'appraisals', component: () => import('./views/MyAppraisals.vue'), meta: { needs: ['GET /api/v1/appraisal-cycles', 'POST /api/v1/appraisal-cycles/:id/appraisals'], personal: true, title: '我的考核评价', menu: '我的考核评价' } },
  { path: 'lookup', component: () => import('./views/Lookup.vue'), meta: { needs: ['GET /api/v1/cadres', 'POST /api/v1/flags'], personal: true, title: '干部查询', menu: '干部查询', menuUnless: ['GET /api/v1/cadres/:id'] } },
  { path: 'flags/new', component: () => import('./views/FlagNew.vue'), meta: { needs: ['POST /api/v1/flags'], personal: true, title: '报送问题', menu: '报送问题' } },
  { path: 'flags', component: () => import('./views/Flags.vue'), meta: { needs: ['GET /api/v1/flags'], personal: true, title: '问题线索', menu: '问题线索' } },
  { path: 'opinions', component: () => import('./views/Opinions.vue'), meta: { needs: ['GET /api/v1/integrity-opinions'], department: 'discipline', personal: true, title: '廉政意见', menu: '廉政意见' } },
  { path: 'users', component: () => import('./views/Users.vue'), meta: { needs: ['GET /api/v1/users'], title: '用户管理', menu: '用户管理' } },
  { path: 'units', component: () => import('./views/Units.vue'), meta: { needs: ['POST /api/v1/units'], title: '单位管理', menu: '单位管理' } },
  { path: 'unit-history', component: () => import('./views/UnitChanges.vue'), meta: { needs: ['GET /api/v1/units', 'GET /api/v1/units/:id/history'], title: '单位沿革', menu: '单位沿革' } },
  { path: 'access-log', component: () => import('./views/AccessLog.vue'), meta: { needs: ['GET /api/v1/access-log'], personal: true, title: '访问日志', menu: '访问日志' } },
  { path: 'alerts', component: () => import('./views/Alerts.vue'), meta: { needs: ['GET /api/v1/alerts'], personal: true, title: '提醒事项', menu: '提醒事项' } },
  { path: 'password', component: () => import('./views/Password.vue'), meta: { needs: ['POST /api/v1/me/password'], title: '修改密码', menu: '修改密码' } },
  { path: ':rest(.*)*', component: () => import('./views/NotFound.vue'), meta: { title: '未找到' } },
]

export const allowed = (meta: RouteMeta | undefined) =>
  (!meta?.needs || can(...meta.needs)) && (!meta?.department || !session.user?.department || session.user.department === meta.department)

/**
 * The pages of the menu the user may use, in the menu's order; a page with
 * menuUnless is left out for whoever may use those routes (the look-up is for
 * those who cannot open the roster's e-files).
 */
export function menu(): { path: string; title: string }[] {
  return pages.filter((r) => r.meta?.menu && allowed(r.meta) && !(r.meta.menuUnless && can(...r.meta.menuUnless))).map((r) => ({ path: '/' + r.path, title: r.meta?.menu as string }))
}

/** The first page of the menu the user may use. */
export function home(): string {
  return menu()[0]?.path ?? '/password'
}

