// The one HTTP client of the console. Routes and bodies are typed from
// schema.d.ts, which openapi-typescript generates from the server's own
// /openapi.json (CI regenerates it and fails on drift), so the console
// cannot call a route or send a field that the API does not have.
import type { paths } from './schema'
import { session, signOut } from '../session'

export interface FieldError { field: string; message: string }

/** An error envelope of SPEC section 3, with the HTTP status. */
export class ApiError extends Error {
  status: number
  code: string
  details: FieldError[]
  constructor(status: number, code: string, message: string, details: FieldError[] = []) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
  }
}

type Method = 'get' | 'post' | 'patch' | 'put'
type JSONOf<T> = T extends { content: { 'application/json': infer R } } ? R : never
type Ok<O> = O extends { responses: infer Rs }
  ? Rs extends { 200: infer R } ? JSONOf<R> : Rs extends { 201: infer R } ? JSONOf<R> : never
  : never
type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
type Op<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never
/** The paths that answer method M. */
export type PathWith<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never }[keyof paths]
export type Response<P extends keyof paths, M extends Method> = Ok<Op<P, M>>
export type Body<P extends keyof paths, M extends Method> = BodyOf<Op<P, M>>

let forbidden: (() => void) | null = null
/** fn runs when the API refuses a request with 403: the user's roles may have changed. */
export function onForbidden(fn: () => void) { forbidden = fn }

export type Query = Record<string, string | number | boolean | null | undefined>
export interface Options { params?: Record<string, string | number>; query?: Query; headers?: Record<string, string> }

function fill(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in params)) throw new Error('missing path parameter ' + k)
    return encodeURIComponent(String(params[k]))
  })
}

export function url(path: string, o: Options = {}): string {
  let u = fill(path, o.params)
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(o.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  if (s) u += '?' + s
  return u
}

/** raw sends one request and decodes the JSON answer or its error envelope. */
export async function raw<T>(method: string, path: string, o: Options & { body?: unknown; form?: FormData } = {}): Promise<T> {
  // The console speaks Chinese, so the server's messages should too,
  // whatever language the browser itself asks for (SPEC section 12).
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': 'zh-CN', ...(o.headers ?? {}) }
  if (session.token) headers.Authorization = 'Bearer ' + session.token
  let body: BodyInit | undefined
  if (o.form) body = o.form
  else if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(o.body)
  }
  let res: globalThis.Response
  try {
    res = await fetch(url(path, o), { method: method.toUpperCase(), headers, body, credentials: 'omit', cache: 'no-store' })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  session.touch()
  const text = await res.text()
  let data: unknown = null
  try { data = text ? JSON.parse(text) : null } catch { data = null }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: FieldError[] } } | null)?.error
    const err = new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? '服务器返回 ' + res.status, e?.details ?? [])
    // A token that is no longer valid (expired, revoked, user disabled) ends the session.
    if (res.status === 401 && session.token && path !== '/api/v1/auth/login') signOut('登录已失效，请重新登录')
    if (res.status === 403 && path !== '/api/v1/me') forbidden?.()
    throw err
  }
  return data as T
}

export function get<P extends PathWith<'get'>>(path: P, o: Options = {}): Promise<Response<P, 'get'>> {
  return raw('get', path, o)
}
export function post<P extends PathWith<'post'>>(path: P, body: Body<P, 'post'> | undefined, o: Options = {}): Promise<Response<P, 'post'>> {
  return raw('post', path, { ...o, body })
}
export function patch<P extends PathWith<'patch'>>(path: P, body: Body<P, 'patch'>, o: Options = {}): Promise<Response<P, 'patch'>> {
  return raw('patch', path, { ...o, body })
}
export function put<P extends PathWith<'put'>>(path: P, body: Body<P, 'put'>, o: Options = {}): Promise<Response<P, 'put'>> {
  return raw('put', path, { ...o, body })
}
export function upload<P extends PathWith<'post'>>(path: P, form: FormData, o: Options = {}): Promise<Response<P, 'post'>> {
  return raw('post', path, { ...o, form })
}

/** download fetches a file with the bearer token and hands it to the browser under the server's name. */
export async function download(path: PathWith<'get'>, o: Options = {}, fallbackName = 'download.xlsx'): Promise<void> {
  const res = await fetch(url(path, o), { headers: { Authorization: 'Bearer ' + session.token, 'Accept-Language': 'zh-CN' }, cache: 'no-store' })
  if (!res.ok) {
    // The error envelope, when there is one: its code and details put a 400 on the fields of the form that asked.
    let e: { code?: string; message?: string; details?: FieldError[] } | undefined
    try { e = (await res.json()).error } catch { /* not JSON */ }
    throw new ApiError(res.status, e?.code ?? 'download', e?.message ?? '下载失败（' + res.status + '）', e?.details ?? [])
  }
  const blob = await res.blob()
  const cd = res.headers.get('Content-Disposition') ?? ''
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd)
  const name = m ? decodeURIComponent(m[1]) : fallbackName
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 10000)
}

/** A message for people: the server's, with each field's complaint. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) {
    const d = e.details.slice(0, 5).map((x) => x.message || x.field).join('；')
    return d ? e.message + '：' + d : e.message
  }
  return e instanceof Error ? e.message : String(e)
}
