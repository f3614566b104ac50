// How the console reads and writes a cadre's profile (SPEC section 16):
// months as the form prints them, the photo as a picture, and the editor's
// values turned into the PUT's body. What is valid is the server's to say
// (its 400 names each field); nothing here checks a rule.
import type { Profile, ProfileBody, ResumeLine, FamilyMember } from './api/types'

/** A month YYYY-MM as the 干部任免审批表 prints it: 1997.07 ("" for none). */
export function dotted(m: string | null | undefined): string {
  return m ? m.replace('-', '.') : ''
}

/** A resume line's period as the form writes it: 1997.07--2010.03, the last open: 2010.03--. */
export function period(l: ResumeLine): string {
  return dotted(l.from) + '--' + dotted(l.to)
}

/**
 * A photo as an image address: the API answers plain base64 (a JPEG or a
 * PNG, told apart by the first bytes' base64), a file just chosen is
 * already a data URL. data: is what the page's CSP admits for images.
 */
export function photoURL(photo: string | null | undefined): string {
  if (!photo) return ''
  if (photo.startsWith('data:')) return photo
  return `data:image/${photo.startsWith('iVBOR') ? 'png' : 'jpeg'};base64,${photo}`
}

/** The decoded size in bytes of a photo given as base64 or a data URL. */
export function photoBytes(photo: string): number {
  const b64 = photo.replace(/^data:[^,]*,/, '')
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0)
}

/** A line of the editor's tables: to is "" while open (the picker's clear). */
export interface EditLine { from: string | null; to: string | null; text: string }
export interface EditMember { relation: string; name: string; born_on: string | null; political_status: string; work: string }

/** An empty profile, as a profile never written reads. */
export function emptyProfile(): Profile {
  const ed = () => ({ level: '', degree: '', school: '' })
  return {
    ethnicity: '', native_place: '', birthplace: '', party_joined_on: null, other_party: '', work_started_on: null,
    health: '', professional_title: '', expertise: '', full_time_education: ed(), in_service_education: ed(),
    resume: [], family: [], photo: null, version: 0,
  }
}

/** The editor's copy of a profile: nothing shared with what was read. */
export function editable(p: Profile): Profile & { resume: EditLine[]; family: EditMember[] } {
  return {
    ...p,
    full_time_education: { ...p.full_time_education },
    in_service_education: { ...p.in_service_education },
    resume: p.resume.map((l) => ({ from: l.from, to: l.to ?? null, text: l.text })),
    family: p.family.map((m) => ({ ...m, born_on: m.born_on ?? null })),
  }
}

/** The PUT's body from the editor's values: cleared months are null, as the API has them. */
export function body(p: Profile & { resume: EditLine[]; family: EditMember[] }): ProfileBody {
  const month = (m: string | null | undefined) => m || null
  return {
    ethnicity: p.ethnicity, native_place: p.native_place, birthplace: p.birthplace,
    party_joined_on: month(p.party_joined_on), other_party: p.other_party, work_started_on: p.work_started_on || '',
    health: p.health, professional_title: p.professional_title, expertise: p.expertise,
    full_time_education: { ...p.full_time_education }, in_service_education: { ...p.in_service_education },
    resume: p.resume.map((l): ResumeLine => ({ from: l.from ?? '', to: month(l.to), text: l.text })),
    family: p.family.map((m): FamilyMember => ({ ...m, born_on: month(m.born_on) })),
    photo: p.photo || null,
    version: p.version,
  }
}
