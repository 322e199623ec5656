// Applies canonical PATCH operations (normalize.ts) to one resource's SCIM representation, as
// RFC 7644 §3.5.2 describes. Group members never pass through here: they are rows, changed by set
// operations in the database (see `memberChanges`).
import { scimInvalid } from '../errors.js';
import { equalities, matchesElement } from '../filter/evaluate.js';
import { printPatchPath } from '../filter/printer.js';
import { resolveAttr, singlePrimary, type AttrDef, type ResourceTypeDef } from '../schemas.js';
import type { CanonicalOp } from './normalize.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ApplyContext {
  type: ResourceTypeDef;
  /** The resource's id: an IdP may "replace" it with the same value (Okta's group rename does). */
  id: string;
}

/** Returns a new document; `doc` is left as it was. */
export function applyPatch(doc: Json, ops: CanonicalOp[], ctx: ApplyContext): Json {
  const out = structuredClone(doc);
  for (const op of ops) applyOne(out, op, ctx);
  return withoutEmpty(out);
}

/**
 * RFC 7643 §2.5: an empty list or object is the attribute unassigned, so it leaves the document:
 * removing the enterprise manager leaves no `{}` behind, nor the extension in `schemas`.
 */
function withoutEmpty(doc: Json): Json {
  for (const [key, value] of Object.entries(doc)) {
    if (isObject(value)) withoutEmpty(value);
    const empty = Array.isArray(value)
      ? value.length === 0
      : isObject(value) && Object.keys(value).length === 0;
    if (empty) delete doc[key];
  }
  return doc;
}

function applyOne(doc: Json, op: CanonicalOp, ctx: ApplyContext): void {
  const { path } = op;
  const resolved = resolveAttr(ctx.type, path.path);
  const where = printPatchPath(path);
  if (resolved?.def.name === 'id' && resolved.schema === null) {
    if (op.op !== 'remove' && op.value === ctx.id) return;
    throw scimInvalid('mutability', '"id" is assigned by Gatehouse and cannot change.');
  }
  const def = resolved?.def;
  const target = resolved?.sub ?? def;
  if (def?.mutability === 'writeOnly') return; // password: accepted, never stored
  if (def?.mutability === 'readOnly' || target?.mutability === 'readOnly') {
    throw scimInvalid('mutability', `"${where}" is read-only.`);
  }
  const container = containerFor(doc, path.path.uri, ctx, op.op !== 'remove');
  if (!container) return;
  const key = def?.name ?? path.path.attr;
  if (path.filter && def) return applyFiltered(container, key, def, op, where);
  const sub = path.path.sub ?? path.sub;
  if (sub !== undefined) return applySub(container, key, def, sub, op);
  if (def?.multiValued) return applyMulti(container, key, def, op);
  applySingle(container, key, def, op);
}

/** Core attributes live at the top; an extension's under its URN (created on write). */
function containerFor(
  doc: Json,
  uri: string | undefined,
  ctx: ApplyContext,
  create: boolean,
): Json | undefined {
  if (uri === undefined || uri.toLowerCase() === ctx.type.schema.id.toLowerCase()) return doc;
  const existing = doc[uri];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Json = {};
  doc[uri] = fresh;
  return fresh;
}

function applySingle(container: Json, key: string, def: AttrDef | undefined, op: CanonicalOp): void {
  if (op.op === 'remove') {
    delete container[key];
    return;
  }
  if (def?.type === 'complex') {
    if (!isObject(op.value)) throw scimInvalid('invalidValue', `"${key}" takes an object.`);
    // RFC 7644 §3.5.2.3: sub-attributes not in the value are left unchanged.
    const current = isObject(container[key]) ? (container[key] as Json) : {};
    container[key] = dropEmpty({ ...current, ...op.value });
    return;
  }
  container[key] = op.value;
}

function applySub(
  container: Json,
  key: string,
  def: AttrDef | undefined,
  sub: string,
  op: CanonicalOp,
): void {
  const current = container[key];
  if (def?.multiValued) {
    // `emails.value` without a filter addresses every element.
    const list = Array.isArray(current) ? current.filter(isObject) : [];
    if (op.op === 'remove') {
      container[key] = list.map((e) => omit(e, sub)).filter((e) => Object.keys(e).length > 0);
    } else {
      container[key] = list.length ? list.map((e) => ({ ...e, [sub]: op.value })) : [{ [sub]: op.value }];
    }
    return;
  }
  const obj = isObject(current) ? { ...current } : {};
  if (op.op === 'remove') delete obj[sub];
  else obj[sub] = op.value;
  if (Object.keys(obj).length === 0) delete container[key];
  else container[key] = obj;
}

function applyMulti(container: Json, key: string, def: AttrDef, op: CanonicalOp): void {
  const current = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
  if (op.op === 'remove') {
    if (!Array.isArray(op.value)) {
      delete container[key];
      return;
    }
    // Entra ID's value-list removal: the elements whose `value` is listed go.
    const gone = new Set(op.value.map((v) => keyOf(isObject(v) ? v['value'] : v)));
    const kept = current.filter((e) => !gone.has(keyOf(isObject(e) ? e['value'] : e)));
    if (kept.length) container[key] = kept;
    else delete container[key];
    return;
  }
  if (!Array.isArray(op.value)) throw scimInvalid('invalidValue', `"${key}" takes a list.`);
  const incoming = op.value;
  const merged =
    op.op === 'replace'
      ? incoming
      : [...current, ...incoming.filter((v) => !current.some((c) => sameValue(c, v)))];
  container[key] = singlePrimary(merged, def);
}

function applyFiltered(container: Json, key: string, def: AttrDef, op: CanonicalOp, where: string): void {
  const filter = op.path.filter;
  if (!filter) return;
  const list = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
  const matches = list.map((e) => matchesElement(e, filter, def));
  const sub = op.path.sub;
  if (op.op === 'remove') {
    // Removing `emails[type eq "work"].value` leaves nothing worth keeping of that email.
    const hasValue = def.subAttributes?.some((s) => s.name === 'value') ?? false;
    const kept = sub
      ? list
          .map((e, i) => (matches[i] && isObject(e) ? omit(e, sub) : e))
          .filter((e, i) => !(matches[i] && hasValue && isObject(e) && !('value' in e)))
      : list.filter((_, i) => !matches[i]);
    if (kept.length) container[key] = kept;
    else delete container[key];
    return;
  }
  if (!matches.some(Boolean)) {
    // Entra ID replaces `emails[type eq "work"].value` on users that have no work email yet: a filter
    // made of equalities describes the element to create.
    const eqs = equalities(filter);
    if (!eqs) throw scimInvalid('noTarget', `"${where}" matches no value.`);
    const created = sub ? { ...eqs, [sub]: op.value } : { ...eqs, ...(isObject(op.value) ? op.value : {}) };
    container[key] = singlePrimary([...list, created], def);
    return;
  }
  const updated = list.map((e, i) => {
    if (!matches[i]) return e;
    if (sub) return { ...(isObject(e) ? e : {}), [sub]: op.value };
    if (!isObject(op.value)) throw scimInvalid('invalidValue', `"${where}" takes an object.`);
    return { ...(isObject(e) ? e : {}), ...op.value };
  });
  container[key] = singlePrimary(updated, def);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b)) return keyOf(a['value']) === keyOf(b['value']) && a['type'] === b['type'];
  return keyOf(a) === keyOf(b);
}

function keyOf(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v ?? null);
}

function omit(o: Json, key: string): Json {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

function dropEmpty(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}
