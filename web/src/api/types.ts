// Names for the generated schemas the pages use.
import type { components } from './schema'

type S = components['schemas']
export type Cadre = S['cadreResponse']
export type CadreList = S['cadreResponseList']
export type RecordItem = S['recordResponse']
export type EFile = S['efileResponse']
export type Unit = S['unitResponse']
export type User = S['userResponse']
export type SessionUser = S['sessionUser']
export type AccessEntry = S['accessEntryResponse']
export type Verdict = S['Verdict']
export type ImportReport = S['ImportReport']
export type CreateUser = S['createUserRequest']
export type UpdateUser = S['updateUserRequest']
/** A cadre as a picker or a list names it: the look-up's few fields. */
export interface Picked { id: number; name: string; unit_id?: number | null; position?: string; id_number?: string }
export type Profile = S['profileResponse']
export type ProfileBody = S['profileRequest']
export type ResumeLine = S['resumeLineDTO']
export type FamilyMember = S['familyMemberDTO']
export type Education = S['educationDTO']
export type LrmxReport = S['lrmxImportResponse']
/** Codes of the API's enums, as the document lists them (SPEC 12). */
export type Gender = S['cadreResponse']['gender']
export type RecordCategory = S['recordResponse']['category']
export type Grade = S['resultResponse']['grade']
export type Role = S['userResponse']['roles'][number]
export type Department = NonNullable<S['userResponse']['department']>
export type PetitionType = NonNullable<S['flagResponse']['petition_type']>
export type SanctionType = S['sanctionRequest']['type']
