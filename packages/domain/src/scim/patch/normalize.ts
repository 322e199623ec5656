// Every identity-provider quirk the SCIM PATCH endpoint tolerates, in one place (STYLE §6). Each is a
// named function whose comment names the IdP; its recorded request lives in `scim/__fixtures__/`
// (quirks.ts) and drives a test. `normalizePatch` turns any PATCH body into canonical operations:
// lower-case `op`, real booleans, typed paths, one operation per attribute for path-less values,
// `members[value eq "…"]` as a member removal. Applying them is `apply.ts`'s business.
import { scimInvalid } from '../errors.js';
import type { Filter, PatchPath } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parser.js';
import { printAttrPath, printFilter, printPatchPath } from '../filter/printer.js';
import {
  coreAttributes,
  ENTERPRISE_USER,
  extensionOf,
  findAttr,
  PATCH_OP,
  RESOURCE_TYPES,
  resolveAttr,
  singlePrimary,
  type AttrDef,
  type ResolvedAttr,
  type ResourceTypeDef,
} from '../schemas.js';

export type PatchVerb = 'add' | 'replace' | 'remove';

export interface CanonicalOp {
  op: PatchVerb;
  path: PatchPath;
  /** Absent for a plain `remove`; a list of `{ value }` for a member removal. */
  value?: unknown;
  /**
   * A removal written as a filter (`members[value eq "…"]`): it names members that must exist, so one
   * that matches nothing is reported (scimType noTarget) instead of answering a silent 200.
   */
  mustMatch?: true;
}

/** What a raw operation looks like once its envelope is checked. */
interface RawOp {
  op: string;
  path?: string;
  value?: unknown;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7644 §3.5.2 request body → canonical operations for `type` (Users or Groups). */
export function normalizePatch(body: unknown, type: ResourceTypeDef): CanonicalOp[] {
  const ops = readOperations(body)
    .map(lowerCaseOp)
    .flatMap((op) => expandPathless(op, type))
    .map((op) => typePath(op, type))
    .map(nullMeansRemove)
    .map((op) => coerceBooleanStrings(op, type))
    .map((op) => managerAsObject(op, type))
    .map(emptyManagerMeansRemove)
    .map((op) => wrapSingleValueForMultiValued(op, type))
    .map(memberFilterAsRemoval);
  // RFC 7644 §3.5.2: a PATCH carries one or more operations; path-less values naming only `schemas`
  // or `meta` leave none.
  if (ops.length === 0) throw scimInvalid('invalidValue', 'The PATCH names no attribute to change.');
  return ops;
}

/** The body's `Operations`, matched case-insensitively (RFC 7643 §2.1 applies to message attributes too). */
function readOperations(body: unknown): RawOp[] {
  if (!isObject(body)) throw scimInvalid('invalidSyntax', 'A PATCH body is a JSON object with "Operations".');
  const schemas = body['schemas'];
  if (Array.isArray(schemas) && !schemas.includes(PATCH_OP)) {
    throw scimInvalid('invalidSyntax', `A PATCH body lists the schema ${PATCH_OP}.`);
  }
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const ops = key === undefined ? undefined : body[key];
  if (!Array.isArray(ops) || ops.length === 0) {
    throw scimInvalid('invalidSyntax', 'A PATCH body has a non-empty "Operations" array.');
  }
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw scimInvalid('invalidSyntax', `Operations[${i}] is not an object.`);
    const get = (name: string) => raw[Object.keys(raw).find((k) => k.toLowerCase() === name) ?? name];
    const op = get('op');
    const path = get('path');
    if (typeof op !== 'string') throw scimInvalid('invalidSyntax', `Operations[${i}].op is missing.`);
    if (path !== undefined && path !== null && typeof path !== 'string') {
      throw scimInvalid('invalidPath', `Operations[${i}].path is not a string.`);
    }
    const out: RawOp = { op };
    if (typeof path === 'string' && path.trim() !== '') out.path = path.trim();
    if ('value' in raw || 'Value' in raw) out.value = get('value');
    return out;
  });
}

/** Entra ID sends `Add`, `Replace` and `Remove` (RFC 7644 §3.5.2 names them in lower case). */
export function lowerCaseOp(op: RawOp): RawOp & { op: PatchVerb } {
  const verb = op.op.toLowerCase();
  if (verb !== 'add' && verb !== 'replace' && verb !== 'remove') {
    throw scimInvalid('invalidSyntax', `"${op.op}" is not a PATCH operation (add, replace or remove).`);
  }
  // RFC 7644 §3.5.2.1 and §3.5.2.3: both MUST carry a value. Without this check a missing one read
  // as "clear" (`null` is how IdPs say that) and emptied the attribute, a group's members included.
  if (verb !== 'remove' && !('value' in op)) {
    throw scimInvalid('invalidValue', `An "${verb}" operation carries a "value" (RFC 7644 §3.5.2).`);
  }
  return { ...op, op: verb };
}

/**
 * A path-less add/replace carries an object of attributes. Entra ID (aadOptscim062020) puts dotted
 * (`name.givenName`) and URN-prefixed (`urn:…:enterprise:2.0:User:employeeNumber`) keys in it; Okta
 * deactivates with `{"op":"replace","value":{"active":false}}` and renames a group with
 * `{"op":"replace","value":{"id":"…","displayName":"…"}}`. Each key becomes its own operation;
 * an extension's object (`"urn:…:User": { "department": … }`) becomes one per attribute.
 */
export function expandPathless(
  op: RawOp & { op: PatchVerb },
  type: ResourceTypeDef,
): Array<RawOp & { op: PatchVerb }> {
  if (op.path !== undefined) return [op];
  if (op.op === 'remove')
    throw scimInvalid('noTarget', 'A "remove" operation needs a "path" (RFC 7644 §3.5.2.2).');
  if (!isObject(op.value)) {
    throw scimInvalid('invalidValue', `A path-less "${op.op}" carries an object of attributes.`);
  }
  return Object.entries(op.value).flatMap(([key, value]) => {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'meta') return [];
    const extension = extensionOf(type, key);
    if (extension && key.length === extension.id.length) {
      if (!isObject(value)) throw scimInvalid('invalidValue', `"${key}" carries an object of attributes.`);
      return Object.entries(value).map(([sub, v]) => ({
        op: op.op,
        path: `${extension.id}:${sub}`,
        value: v,
      }));
    }
    // An object under a URN Gatehouse does not define is an extension's attributes (Entra custom extensions).
    if (!extension && lower.startsWith('urn:') && isObject(value)) {
      return Object.entries(value).map(([sub, v]) => ({ op: op.op, path: `${key}:${sub}`, value: v }));
    }
    return [{ op: op.op, path: key, value }];
  });
}

interface TypedOp {
  op: PatchVerb;
  path: PatchPath;
  attr: ResolvedAttr | undefined;
  value?: unknown;
  hasValue: boolean;
}

/**
 * Parses the path and resolves it against the resource type, spelling names as the schema does
 * (`Name.GivenName` → `name.givenName`, RFC 7643 §2.1). Attributes of extensions Gatehouse does not
 * define are kept verbatim (Entra custom extension attributes); other unknown names are invalidPath.
 */
function typePath(op: RawOp & { op: PatchVerb }, type: ResourceTypeDef): TypedOp {
  const parsed = parsePatchPath(op.path ?? '');
  const attr = resolveAttr(type, parsed.path);
  const base = { op: op.op, hasValue: 'value' in op, ...('value' in op ? { value: op.value } : {}) };
  if (!attr) {
    const uri = parsed.path.uri?.toLowerCase();
    const foreign = uri !== undefined && uri !== type.schema.id.toLowerCase() && !extensionOf(type, uri);
    if (foreign && !parsed.filter && parsed.sub === undefined) return { ...base, path: parsed, attr };
    throw scimInvalid('invalidPath', `"${op.path}" is not an attribute of ${type.name}.`);
  }
  const canonical: PatchPath = { path: { attr: attr.def.name } };
  if (attr.schema && attr.schema !== type.schema.id) canonical.path.uri = attr.schema;
  if (attr.sub) canonical.path.sub = attr.sub.name;
  if (parsed.filter) {
    if (!attr.def.multiValued || attr.sub) {
      throw scimInvalid('invalidPath', `"${op.path}": only multi-valued attributes take a value filter.`);
    }
    canonical.filter = canonicalFilter(parsed.filter, attr.def);
  }
  if (parsed.sub !== undefined) {
    const sub = attr.def.subAttributes ? findAttr(attr.def.subAttributes, parsed.sub) : undefined;
    if (!sub)
      throw scimInvalid(
        'invalidPath',
        `"${op.path}": ${attr.def.name} has no sub-attribute "${parsed.sub}".`,
      );
    canonical.sub = sub.name;
  }
  return { ...base, path: canonical, attr };
}

/** Spells a value filter's sub-attributes as the schema does, so canonical ops compare equal. */
function canonicalFilter(f: Filter, parent: AttrDef): Filter {
  const name = (n: string) => {
    const sub = parent.subAttributes ? findAttr(parent.subAttributes, n) : undefined;
    if (!sub) throw scimInvalid('invalidPath', `${parent.name} has no sub-attribute "${n}".`);
    return sub.name;
  };
  switch (f.type) {
    case 'compare':
    case 'present':
      if (f.path.uri !== undefined || f.path.sub !== undefined) {
        throw scimInvalid(
          'invalidPath',
          `"${printAttrPath(f.path)}" is not a sub-attribute of ${parent.name}.`,
        );
      }
      return { ...f, path: { attr: name(f.path.attr) } };
    case 'and':
    case 'or':
      return { type: f.type, left: canonicalFilter(f.left, parent), right: canonicalFilter(f.right, parent) };
    case 'not':
      return { type: 'not', filter: canonicalFilter(f.filter, parent) };
    case 'valuePath':
      throw scimInvalid('invalidPath', `Value filters cannot be nested: ${printFilter(f)}.`);
  }
}

/**
 * JSON `null` means "clear" (RFC 7644 §3.5.2: unassigning is a remove). Entra ID sends
 * `{"op":"Replace","path":"title","value":null}` when an attribute is emptied in the directory.
 */
export function nullMeansRemove(op: TypedOp): TypedOp {
  if (op.op === 'remove' || !op.hasValue || op.value !== null) return op;
  return { op: 'remove', path: op.path, attr: op.attr, hasValue: false };
}

/**
 * Entra ID (without aadOptscim062020) sends booleans as strings: `"value": "False"` for `active`,
 * `"primary": "True"` inside emails. Strings spelling a boolean become one wherever the schema says
 * boolean; anything else stays and is rejected as invalidValue when applied.
 */
export function coerceBooleanStrings(op: TypedOp, _type: ResourceTypeDef): TypedOp {
  if (!op.hasValue || !op.attr) return op;
  const target =
    op.path.sub && op.attr.def.subAttributes ? findAttr(op.attr.def.subAttributes, op.path.sub) : undefined;
  const def = op.attr.sub ?? target ?? op.attr.def;
  return { ...op, value: coerceValue(op.value, def, op.attr.sub !== undefined || target !== undefined) };
}

/**
 * Also drops read-only sub-attributes from a complex value (a manager's `displayName`, a member's
 * `display`): the server sets them, and RFC 7644 §3.3/§3.5.1 has a client's values ignored.
 */
function coerceValue(value: unknown, def: AttrDef, isSub: boolean): unknown {
  if (def.type === 'boolean') return toBoolean(value);
  if (def.type !== 'complex' || isSub || !def.subAttributes) return value;
  const subs = def.subAttributes;
  const coerceObject = (o: unknown) => {
    if (!isObject(o)) return o;
    const out: Json = {};
    for (const [k, v] of Object.entries(o)) {
      const sub = findAttr(subs, k);
      if (sub?.mutability === 'readOnly') continue;
      out[sub?.name ?? k] = sub?.type === 'boolean' ? toBoolean(v) : v;
    }
    return out;
  };
  return Array.isArray(value) ? value.map(coerceObject) : coerceObject(value);
}

function toBoolean(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : v;
}

const isManager = (op: TypedOp) => op.attr?.def.name === 'manager' && op.attr.schema !== null && !op.path.sub;

/**
 * The enterprise `manager` is complex (`{ "value": id }`), but Entra ID sends the bare id
 * (`"value": "26118915-…"`) and some connectors send a one-element array (`[{ "value": id }]`).
 */
export function managerAsObject(op: TypedOp, _type: ResourceTypeDef): TypedOp {
  if (!isManager(op) || !op.hasValue || op.attr?.sub) return op;
  const v = Array.isArray(op.value) && op.value.length <= 1 ? op.value[0] : op.value;
  if (typeof v === 'string') return { ...op, value: { value: v } };
  if (v === undefined) return { ...op, value: null };
  return { ...op, value: v };
}

/**
 * Entra ID clears a manager with an empty value (`"value": ""`, `{"value": ""}` or `[]`) instead of a
 * remove; each means the manager is gone.
 */
export function emptyManagerMeansRemove(op: TypedOp): TypedOp {
  if (!isManager(op) || op.op === 'remove' || !op.hasValue) return op;
  const v = op.value;
  const empty =
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && (v['value'] === undefined || v['value'] === null || v['value'] === ''));
  return empty ? { op: 'remove', path: op.path, attr: op.attr, hasValue: false } : op;
}

/**
 * Okta and OneLogin send one member as an object (`"value": { "value": id }`) where RFC 7644 has a
 * list; a multi-valued attribute's value is always a list from here on.
 */
export function wrapSingleValueForMultiValued(op: TypedOp, _type: ResourceTypeDef): TypedOp {
  if (!op.attr?.def.multiValued || op.attr.sub || op.path.filter || op.path.sub || !op.hasValue) return op;
  return Array.isArray(op.value) ? op : { ...op, value: [op.value] };
}

/** `value eq "id"` or an `or` of them: the ids a member filter names, else undefined. */
function memberIds(f: Filter): string[] | undefined {
  if (f.type === 'compare' && f.op === 'eq' && f.path.attr === 'value' && typeof f.value === 'string')
    return [f.value];
  if (f.type !== 'or') return undefined;
  const left = memberIds(f.left);
  const right = memberIds(f.right);
  return left && right ? [...left, ...right] : undefined;
}

/**
 * Entra ID (aadOptscim062020), Okta and Google remove a member with `members[value eq "id"]`; Entra's
 * older form is `{"op":"Remove","path":"members","value":[{"value":"id"}]}`. Both become a removal
 * of listed ids; the filtered form must match (a member that is not there is reported).
 */
export function memberFilterAsRemoval(op: TypedOp): CanonicalOp {
  const isMembers = op.attr?.def.name === 'members' && op.attr.schema !== null && !op.attr.sub;
  if (isMembers && op.op === 'remove' && op.path.filter && op.path.sub === undefined) {
    const ids = memberIds(op.path.filter);
    if (!ids) throw scimInvalid('invalidFilter', 'Members are removed by `members[value eq "<id>"]`.');
    return {
      op: 'remove',
      path: { path: { attr: 'members' } },
      value: ids.map((value) => ({ value })),
      mustMatch: true,
    };
  }
  const out: CanonicalOp = { op: op.op, path: op.path };
  // A remove keeps its value only as a list of values to take out of a multi-valued attribute.
  const valueList = op.attr?.def.multiValued === true && !op.attr.sub && !op.path.filter && !op.path.sub;
  if (op.hasValue && (op.op !== 'remove' || valueList)) out.value = op.value;
  return out;
}

/** The PATCH body that normalises to `ops` (for the normaliser's idempotence property and the provisioning log). */
export function toPatchBody(ops: CanonicalOp[]): { schemas: string[]; Operations: RawOp[] } {
  return {
    schemas: [PATCH_OP],
    Operations: ops.map((o) => {
      if (o.mustMatch) {
        const ids = (o.value as Array<{ value: string }>).map((m) => `value eq ${JSON.stringify(m.value)}`);
        return { op: 'remove', path: `members[${ids.join(' or ')}]` };
      }
      const raw: RawOp = { op: o.op, path: printPatchPath(o.path) };
      if ('value' in o) raw.value = o.value;
      return raw;
    }),
  };
}

/**
 * A POST or PUT body, with the same quirks a PATCH value has: attribute names spelt as the schema
 * does, `null` meaning unassigned, boolean strings, `manager` as a bare id, single values for
 * multi-valued attributes. Read-only (`id`, `meta`, `groups`) and write-only (`password`: Okta sends
 * it when password push is on; Gatehouse never stores one) attributes are dropped, and so are
 * attributes no schema defines (RFC 7644 §3.3); extensions Gatehouse does not define are kept whole.
 */
export function normalizeResource(body: unknown, type: ResourceTypeDef): Json {
  if (!isObject(body)) throw scimInvalid('invalidSyntax', `A ${type.name} is a JSON object.`);
  // RFC 7643 §3: the schemas a body lists include its type's. A body without the attribute is taken
  // as the endpoint's type (lenient clients omit it); one naming another type (a Group sent to
  // /Users) is refused rather than read as something it is not.
  const schemas = Object.entries(body).find(([k]) => k.toLowerCase() === 'schemas')?.[1];
  const id = type.schema.id.toLowerCase();
  if (
    schemas !== undefined &&
    schemas !== null &&
    !(Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === id))
  ) {
    throw scimInvalid('invalidSyntax', `A ${type.name}'s "schemas" lists ${type.schema.id}.`);
  }
  const out: Json = {};
  const core = coreAttributes(type.schema);
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    const extension = extensionOf(type, key);
    if (extension) {
      const ext = (out[extension.id] ??= {}) as Json;
      if (key.length === extension.id.length) {
        if (!isObject(value)) throw scimInvalid('invalidValue', `"${key}" is an object of attributes.`);
        for (const [k, v] of Object.entries(value)) putAttr(ext, extension.attributes, k, v);
      } else {
        putAttr(ext, extension.attributes, key.slice(extension.id.length + 1), value);
      }
      continue;
    }
    if (key.toLowerCase().startsWith('urn:')) {
      if (isObject(value) && key.toLowerCase() !== type.schema.id.toLowerCase()) out[key] = value;
      continue;
    }
    putAttr(out, core, key, value);
  }
  for (const [k, v] of Object.entries(out)) if (isObject(v) && Object.keys(v).length === 0) delete out[k];
  return out;
}

function putAttr(into: Json, defs: readonly AttrDef[], key: string, value: unknown): void {
  const def = findAttr(defs, key);
  if (!def || value === null || value === undefined) return;
  if (def.mutability === 'readOnly' || def.mutability === 'writeOnly') return;
  const normalised = resourceValue(def, value);
  if (normalised !== undefined) into[def.name] = normalised;
}

/** One attribute's value in a resource body, through the same quirks as a PATCH value. */
function resourceValue(def: AttrDef, value: unknown): unknown {
  if (def.name === 'manager' && def.type === 'complex') {
    const op: TypedOp = {
      op: 'replace',
      path: { path: { attr: 'manager' } },
      attr: { schema: ENTERPRISE_USER, def },
      value,
      hasValue: true,
    };
    const fixed = emptyManagerMeansRemove(managerAsObject(op, RESOURCE_TYPES.User));
    return fixed.op === 'remove' ? undefined : withoutNulls(coerceValue(fixed.value, def, false));
  }
  if (!def.multiValued) return withoutNulls(coerceValue(value, def, false));
  const listed = withoutNulls(coerceValue(Array.isArray(value) ? value : [value], def, false));
  return singlePrimary(listed as unknown[], def);
}

/** Drops `null` sub-attributes (unassigned) from objects and lists of objects. */
function withoutNulls(value: unknown): unknown {
  const clean = (o: unknown) =>
    isObject(o) ? Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) : o;
  return Array.isArray(value) ? value.filter((v) => v !== null).map(clean) : clean(value);
}
