// SCIM User ↔ the `users` row. Indexed and domain-relevant attributes live in columns (userName,
// externalId, names, active, the principal email); the whole SCIM document is kept in
// `scim_attributes` so nothing an IdP sends is lost, and columns win when they disagree (the admin
// API may have changed them).
import { foldKey } from '../repositories/users.repository.js';
import { scimInvalid } from './errors.js';
import type { ScimUserRow } from './repository/reads.js';
import { RESOURCE_TYPES } from './schemas.js';
import { validateDoc } from './validate.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface UserColumns {
  userName: string;
  userNameKey: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  active: boolean;
  email: string;
  emailKey: string | null;
  otherWorkEmails: boolean;
}

/** Column limits (entities/user.entity.ts); longer values are the IdP's mistake, not a 500. */
const LIMITS = {
  userName: 320,
  externalId: 255,
  givenName: 200,
  familyName: 200,
  displayName: 300,
  email: 320,
};

function limited(value: unknown, field: keyof typeof LIMITS): string | null {
  if (value === undefined || value === null) return null;
  const s = String(value);
  if (s.length > LIMITS[field])
    throw scimInvalid('invalidValue', `"${field}" is longer than ${LIMITS[field]} characters.`);
  return s;
}

/**
 * The email Gatehouse signs the user in with: the `work` one (Entra ID maps `mail` to
 * `emails[type eq "work"].value`), else the primary, else the first. Work is preferred so that
 * Entra's `emails[type eq "work"].value eq "…"` lookups are served by the email index.
 */
export function principalEmail(doc: Json): string | null {
  const emails = emailsOf(doc);
  const pick = emails.find(isWork) ?? emails.find((e) => e['primary'] === true) ?? emails[0];
  const value = pick?.['value'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

const emailsOf = (doc: Json): Json[] => (Array.isArray(doc['emails']) ? doc['emails'].filter(isObject) : []);
const isWork = (e: Json) => typeof e['type'] === 'string' && e['type'].toLowerCase() === 'work';

/** Validates a user document and derives the columns; `active` defaults to true (RFC 7643 §4.1.1). */
export function userColumns(raw: Json): { doc: Json; columns: UserColumns } {
  const doc = validateDoc(raw, RESOURCE_TYPES.User);
  const userName = typeof doc['userName'] === 'string' ? doc['userName'].trim() : '';
  if (!userName) throw scimInvalid('invalidValue', '"userName" is required.');
  const name = isObject(doc['name']) ? doc['name'] : {};
  const email = principalEmail(doc);
  const columns: UserColumns = {
    userName: limited(userName, 'userName') ?? userName,
    userNameKey: foldKey(userName),
    externalId: limited(doc['externalId'], 'externalId'),
    givenName: limited(name['givenName'], 'givenName'),
    familyName: limited(name['familyName'], 'familyName'),
    displayName: limited(doc['displayName'], 'displayName'),
    active: doc['active'] !== false,
    email: limited(email ?? userName, 'email') ?? userName,
    emailKey: email ? foldKey(email) : null,
    // Only the principal (first) work email is in the email index; the others are found through this.
    otherWorkEmails: emailsOf(doc).filter(isWork).length > 1,
  };
  return { doc: { ...doc, active: columns.active }, columns };
}

/** The SCIM document of a user as stored, with the columns laid over it. */
export function userDoc(user: ScimUserRow): Json {
  // Shallow: only top-level keys and a copy of `name` are written below, and callers that change
  // nested values clone first (applyPatch, projection's `drop`). A deep clone per user was a tenth
  // of a 100-user page's cost.
  const doc: Json = isObject(user.scimAttributes) ? { ...user.scimAttributes } : {};
  doc['userName'] = user.userName;
  doc['active'] = user.active;
  setOrDelete(doc, 'externalId', user.externalId);
  setOrDelete(doc, 'displayName', user.displayName);
  const name: Json = isObject(doc['name']) ? { ...doc['name'] } : {};
  setOrDelete(name, 'givenName', user.givenName);
  setOrDelete(name, 'familyName', user.familyName);
  setOrDelete(doc, 'name', Object.keys(name).length ? name : null);
  if (!Array.isArray(doc['emails']) && user.emailKey) {
    // Accounts made by invitation or SSO: their one email, as Entra and Okta expect it.
    doc['emails'] = [{ value: user.email, type: 'work', primary: true }];
  }
  return doc;
}

function setOrDelete(o: Json, key: string, value: unknown): void {
  if (value === null || value === undefined) delete o[key];
  else o[key] = value;
}

/** What `scim_attributes` keeps: the document without what columns or the server own. */
export function storedAttributes(doc: Json): Json {
  const stored = { ...doc };
  for (const k of ['id', 'meta', 'schemas', 'password', 'groups']) delete stored[k];
  return stored;
}

/** `password`, also URN-qualified (`urn:…:core:2.0:User:password`), in any case. */
const PASSWORD = /(^|:)\s*password\s*$/i;

/** The value of `key` in `o`, the key matched case-insensitively (`Path`, `path`). */
function field(o: Json, key: string): unknown {
  const k = Object.keys(o).find((name) => name.toLowerCase() === key);
  return k === undefined ? undefined : o[k];
}

/**
 * The raw request body as kept for debugging sync (`last_scim_payload`): never with a password, in
 * any of the forms a password travels in: a `password` key (POST, PUT, a path-less PATCH value, also
 * URN-qualified) and a PATCH operation whose `path` names it (`{"path":"password","value":"…"}`).
 */
export function redactedPayload(body: unknown): string {
  const json = JSON.stringify(body);
  // A replacer is called for every key and value (a 100-member PATCH has 200): only a body that
  // names a password anywhere is written again through one.
  if (!/password/i.test(json)) return json;
  return JSON.stringify(body, function (this: unknown, key, value: unknown) {
    if (PASSWORD.test(key)) return '[redacted]';
    if (key.toLowerCase() !== 'value' || !isObject(this)) return value;
    const path = field(this, 'path');
    return typeof path === 'string' && PASSWORD.test(path) ? '[redacted]' : value;
  });
}

/** A short diff for the provisioning log and audit: attribute → [before, after], no raw payloads. */
export function shortDiff(before: Json, after: Json): Record<string, [unknown, unknown]> {
  const diff: Record<string, [unknown, unknown]> = {};
  const a = flatten(before);
  const b = flatten(after);
  const compare = (key: string) => {
    if (key === 'password' || key.endsWith('.password')) return;
    const x = a.get(key);
    const y = b.get(key);
    if (JSON.stringify(x) !== JSON.stringify(y)) diff[key] = [x ?? null, y ?? null];
  };
  for (const key of a.keys()) compare(key);
  for (const key of b.keys()) if (!a.has(key)) compare(key);
  return diff;
}

/** Nested objects as dotted keys (`name.givenName`); arrays are values. */
function flatten(o: Json, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (isObject(v)) flatten(v, `${prefix}${k}.`, into);
    else into.set(`${prefix}${k}`, v);
  }
  return into;
}
