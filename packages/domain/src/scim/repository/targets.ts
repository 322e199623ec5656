// The filter allowlist (STYLE §6): which SCIM attribute paths a filter or sortBy may use, and what
// SQL each one reads. Index-served lookups: users by id, userName (uq_users_tenant_user_name on the
// folded key), externalId (uq_users_tenant_external_id), work email (uq_users_tenant_email, see
// `workEmailHint`), group membership (group_members' primary key); groups by id, displayName
// (uq_groups_tenant_display_name) and externalId (idx_groups_tenant_external_id). Other readable
// attributes are compared in SQL over the tenant's rows (never loaded into memory); write-only
// ones (password) and unknown paths are invalidFilter.
import { lowerCase } from '../../case-fold.js';
import type { Dialect } from '../../database.js';
import { foldKey } from '../../repositories/users.repository.js';
import type { AttrPath, CompValue, Filter } from '../filter/ast.js';
import type { Collection, Leaf, LeafType, Params, Scope } from '../filter/compile.js';
import { equalities } from '../filter/evaluate.js';
import {
  findAttr,
  RESOURCE_TYPES,
  resolveAttr,
  type AttrDef,
  type ResolvedAttr,
  type ResourceTypeDef,
} from '../schemas.js';
import { GROUP_ALIAS, USER_ALIAS, type KeyEquality } from './reads.js';

const leafType = (def: AttrDef): LeafType | undefined =>
  def.type === 'boolean'
    ? 'boolean'
    : def.type === 'dateTime'
      ? 'dateTime'
      : def.type === 'string' || def.type === 'reference'
        ? 'string'
        : undefined;

/** A value inside `scim_attributes` at `keys` (parameterised: schema URNs contain colons). */
function jsonLeaf(
  alias: string,
  keys: string[],
  def: AttrDef,
  params: Params,
  dialect: Dialect,
): Leaf | undefined {
  const type = leafType(def);
  if (!type || type === 'dateTime') return undefined;
  const expr = jsonText(alias, keys, params, dialect);
  return { kind: 'leaf', expr, type, caseExact: def.caseExact, jsonBoolean: type === 'boolean' };
}

/** The text at `keys` in `scim_attributes` (an object's as its JSON), NULL where there is none. */
function jsonText(alias: string, keys: string[], params: Params, dialect: Dialect): string {
  return dialect === 'postgres'
    ? `(CAST(${alias}.scim_attributes AS jsonb) #>> ${params.add(keys)})`
    : `json_extract(${alias}.scim_attributes, ${params.add(`$${keys.map((k) => `."${k}"`).join('')}`)})`;
}

/**
 * `name pr`: a complex attribute without a `value` is present when it holds a non-empty node (RFC
 * 7644 §3.4.2.2); only `pr` applies. `name` also counts its columns, which GET shows for accounts made
 * without a SCIM document.
 */
function jsonPresence(alias: string, keys: string[], params: Params, dialect: Dialect): Leaf {
  const node = `NULLIF(${jsonText(alias, keys, params, dialect)}, '{}')`;
  const expr =
    keys.length === 1 && keys[0] === 'name'
      ? `COALESCE(${node}, ${alias}.given_name, ${alias}.family_name)`
      : node;
  return { kind: 'leaf', expr, type: 'string', caseExact: true, ops: ['pr'] };
}

/** Elements of a JSON array in `scim_attributes` (emails, phoneNumbers…), one EXISTS per condition. */
function jsonCollection(
  alias: string,
  key: string,
  def: AttrDef,
  params: Params,
  dialect: Dialect,
  hint?: Collection['hint'],
  otherwise?: string,
): Collection {
  const e = params.alias('je');
  const path = dialect === 'postgres' ? params.add([key]) : params.add(`$."${key}"`);
  const orElse = otherwise ? ` ELSE ${otherwise}` : '';
  const source =
    dialect === 'postgres'
      ? `jsonb_array_elements(CASE WHEN jsonb_typeof(CAST(${alias}.scim_attributes AS jsonb) #> ${path}) = 'array' THEN CAST(${alias}.scim_attributes AS jsonb) #> ${path}${orElse} END)`
      : otherwise
        ? `json_each(CASE WHEN json_type(${alias}.scim_attributes, ${path}) = 'array' THEN json_extract(${alias}.scim_attributes, ${path})${orElse} END)`
        : `json_each(${alias}.scim_attributes, ${path})`;
  const element: Scope = {
    resolve(p: AttrPath) {
      if (p.uri !== undefined || p.sub !== undefined) return undefined;
      const sub = def.subAttributes ? findAttr(def.subAttributes, p.attr) : undefined;
      const type = sub ? leafType(sub) : undefined;
      if (!sub || !type || type === 'dateTime') return undefined;
      // Sub-attribute names come from the schema ([A-Za-z$]), so they are safe to inline.
      const expr =
        dialect === 'postgres'
          ? `(${e}.value ->> '${sub.name}')`
          : `json_extract(${e}.value, '$."${sub.name}"')`;
      return { kind: 'leaf', expr, type, caseExact: sub.caseExact, jsonBoolean: type === 'boolean' };
    },
  };
  const collection: Collection = {
    kind: 'collection',
    exists: (condition) => `EXISTS (SELECT 1 FROM ${source} AS ${e} WHERE ${condition})`,
    element,
  };
  if (hint) collection.hint = hint;
  return collection;
}

/** Group membership rows: `members[value eq "id"]` on groups, `groups[value eq "id"]` on users. */
function membershipCollection(alias: string, params: Params, side: 'group' | 'user'): Collection {
  const m = params.alias('gm');
  const own = side === 'group' ? 'group_id' : 'user_id';
  const other = side === 'group' ? 'user_id' : 'group_id';
  return {
    kind: 'collection',
    exists: (condition) =>
      `EXISTS (SELECT 1 FROM group_members ${m} WHERE ${m}.${own} = ${alias}.id AND ${condition})`,
    element: {
      resolve(p: AttrPath) {
        if (p.uri !== undefined || p.sub !== undefined || p.attr.toLowerCase() !== 'value') return undefined;
        return {
          kind: 'leaf',
          expr: `${m}.${other}`,
          type: 'string',
          caseExact: true,
          ops: ['eq', 'ne', 'pr'],
        };
      },
    },
  };
}

function column(expr: string, type: LeafType, caseExact: boolean, folded = false): Leaf {
  return folded ? { kind: 'leaf', expr, type, caseExact, folded } : { kind: 'leaf', expr, type, caseExact };
}

function stringValue(eqs: Record<string, CompValue>, name: string): string | undefined {
  const key = Object.keys(eqs).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : eqs[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * What a work-email lookup needs to know of the tenant before it is compiled (queries.ts reads it
 * when `wanted` says a filter asked).
 */
export interface WorkEmailKeys {
  /** Set by the compile when a filter looks users up by work email. */
  wanted: boolean;
  /** The principal email keys of the tenant's users with more than one work email (`otherWorkEmails`). */
  others?: readonly string[];
}

/** Past this many users with several work emails, a work-email lookup reads the tenant's rows. */
export const MAX_OTHER_WORK_EMAIL_USERS = 200;

/**
 * `emails[type eq "work"].value eq "x"` (how Entra ID matches users by mail): a user with that
 * work email has it as their principal email (users.ts `principalEmail` takes the first work email),
 * or is one of the few with more than one work email, whose principal keys were read first. Either
 * way a list of keys narrows the search through the unique (tenant, email) index to a handful of rows
 * before the JSON condition confirms it. A list of values, not an OR or a subquery: SQLite keeps no
 * statistics, takes a tenant for ten rows, and walked the tenant's userName index for those.
 */
function workEmailHint(alias: string, keys: WorkEmailKeys): Collection['hint'] {
  return (inner: Filter, params: Params) => {
    const eqs = equalities(inner);
    const type = eqs && stringValue(eqs, 'type');
    const value = eqs && stringValue(eqs, 'value');
    if (type?.toLowerCase() !== 'work' || value === undefined) return undefined;
    keys.wanted = true;
    const others = keys.others ?? [];
    if (others.length > MAX_OTHER_WORK_EMAIL_USERS) return undefined;
    const listed = [foldKey(value), ...others].map((key) => params.add(key));
    return listed.length === 1
      ? `${alias}.email_key = ${listed[0]}`
      : `${alias}.email_key IN (${listed.join(', ')})`;
  };
}

/**
 * The emails of a user whose SCIM document has none (an account made by invitation or SSO): their one
 * email as work and primary, as `userDoc` shows it, so a filter finds what a GET answers. Entra
 * matching by mail found no such account, and its create then collided on the email.
 */
function accountEmail(alias: string, dialect: Dialect): string {
  const email = `${alias}.email`;
  return dialect === 'postgres'
    ? `CASE WHEN ${alias}.email_key IS NOT NULL THEN jsonb_build_array(jsonb_build_object('value', ${email}, 'type', 'work', 'primary', true)) END`
    : `CASE WHEN ${alias}.email_key IS NOT NULL THEN json_array(json_object('value', ${email}, 'type', 'work', 'primary', json('true'))) END`;
}

const USER_COLUMNS: Record<string, (a: string) => Leaf> = {
  id: (a) => column(`${a}.id`, 'string', true),
  externalId: (a) => column(`${a}.external_id`, 'string', true),
  'meta.created': (a) => column(`${a}.created_at`, 'dateTime', true),
  'meta.lastModified': (a) => column(`${a}.updated_at`, 'dateTime', true),
  userName: (a) => column(`${a}.user_name_key`, 'string', false, true),
  displayName: (a) => column(`${a}.display_name`, 'string', false),
  'name.givenName': (a) => column(`${a}.given_name`, 'string', false),
  'name.familyName': (a) => column(`${a}.family_name`, 'string', false),
  active: (a) => column(`${a}.active`, 'boolean', true),
};

const GROUP_COLUMNS: Record<string, (a: string) => Leaf> = {
  id: (a) => column(`${a}.id`, 'string', true),
  externalId: (a) => column(`${a}.external_id`, 'string', true),
  'meta.created': (a) => column(`${a}.created_at`, 'dateTime', true),
  'meta.lastModified': (a) => column(`${a}.updated_at`, 'dateTime', true),
  displayName: (a) => column(`${a}.display_name_key`, 'string', false, true),
};

const columnKey = (r: ResolvedAttr) => (r.sub ? `${r.def.name}.${r.sub.name}` : r.def.name);

export function userScope(
  alias: string,
  dialect: Dialect,
  workEmails: WorkEmailKeys = { wanted: false },
): Scope {
  return {
    resolve(path, params) {
      const r = resolveAttr(RESOURCE_TYPES.User, path);
      if (!r || r.def.mutability === 'writeOnly') return undefined;
      const col = USER_COLUMNS[columnKey(r)];
      if (col && (r.schema === null || r.schema === RESOURCE_TYPES.User.schema.id)) return col(alias);
      if (r.def.name === 'meta') return undefined;
      if (r.def.name === 'groups' && r.schema !== null) return membershipCollection(alias, params, 'user');
      if (r.def.multiValued) {
        if (r.def.name !== 'emails') return jsonCollection(alias, r.def.name, r.def, params, dialect);
        const hint = workEmailHint(alias, workEmails);
        return jsonCollection(alias, 'emails', r.def, params, dialect, hint, accountEmail(alias, dialect));
      }
      const keys = r.schema === RESOURCE_TYPES.User.schema.id || r.schema === null ? [] : [r.schema];
      if (r.def.type === 'complex') {
        // `manager eq "id"` compares the complex attribute's `value` (RFC 7644 §3.4.2.2).
        const sub = r.sub ?? (r.def.subAttributes ? findAttr(r.def.subAttributes, 'value') : undefined);
        if (sub) return jsonLeaf(alias, [...keys, r.def.name, sub.name], sub, params, dialect);
        return r.sub ? undefined : jsonPresence(alias, [...keys, r.def.name], params, dialect);
      }
      return jsonLeaf(alias, [...keys, r.def.name], r.def, params, dialect);
    },
  };
}

export function groupScope(alias: string): Scope {
  return {
    resolve(path, params) {
      const r = resolveAttr(RESOURCE_TYPES.Group, path);
      if (!r) return undefined;
      const col = GROUP_COLUMNS[columnKey(r)];
      if (col) return col(alias);
      if (r.def.name === 'members') return membershipCollection(alias, params, 'group');
      return undefined;
    },
  };
}

/**
 * `attr eq "value"` on an attribute whose column is unique in the tenant: the filter names at most one
 * resource, so it is answered by one statement and its total is the number of rows found
 * (reads.ts). The comparison is the generic one's: the folded key where the index holds one,
 * else the exact value (`caseExact` attributes only).
 */
function uniqueKey(
  f: Filter,
  type: ResourceTypeDef,
  columns: Record<string, (a: string) => Leaf>,
  unique: ReadonlySet<string>,
  alias: string,
): KeyEquality | undefined {
  if (f.type !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string') return undefined;
  const r = resolveAttr(type, f.path);
  if (!r || (r.schema !== null && r.schema !== type.schema.id) || !unique.has(columnKey(r))) return undefined;
  const leaf = columns[columnKey(r)]?.(alias);
  if (!leaf || !(leaf.folded || leaf.caseExact)) return undefined;
  return { expr: leaf.expr, value: leaf.folded ? foldKey(f.value) : f.value };
}

/** The primary key, uq_users_tenant_user_name and uq_users_tenant_external_id. */
const UNIQUE_USER_ATTRIBUTES = new Set(['id', 'userName', 'externalId']);
/** The primary key and uq_groups_tenant_display_name (a group's externalId is not unique). */
const UNIQUE_GROUP_ATTRIBUTES = new Set(['id', 'displayName']);

export const uniqueUserKey = (f: Filter): KeyEquality | undefined =>
  uniqueKey(f, RESOURCE_TYPES.User, USER_COLUMNS, UNIQUE_USER_ATTRIBUTES, USER_ALIAS);

export const uniqueGroupKey = (f: Filter): KeyEquality | undefined =>
  uniqueKey(f, RESOURCE_TYPES.Group, GROUP_COLUMNS, UNIQUE_GROUP_ATTRIBUTES, GROUP_ALIAS);

/** sortBy: columns only (RFC 7644 §3.4.2.3 lets a provider choose); multi-valued emails sort by the principal one. */
export function userSortColumn(alias: string, path: AttrPath, dialect: Dialect): string | undefined {
  const r = resolveAttr(RESOURCE_TYPES.User, path);
  if (!r) return undefined;
  if (r.def.name === 'emails' && (!r.sub || r.sub.name === 'value')) return `${alias}.email_key`;
  const leaf = USER_COLUMNS[columnKey(r)]?.(alias);
  if (!leaf) return undefined;
  return leaf.caseExact || leaf.folded || leaf.type !== 'string' ? leaf.expr : lowerCase(dialect, leaf.expr);
}

export function groupSortColumn(alias: string, path: AttrPath): string | undefined {
  const r = resolveAttr(RESOURCE_TYPES.Group, path);
  return r ? GROUP_COLUMNS[columnKey(r)]?.(alias).expr : undefined;
}
