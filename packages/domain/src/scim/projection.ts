// RFC 7644 §3.9 `attributes` / `excludedAttributes`: which attributes a response carries.
import type { AttrPath } from './filter/ast.js';
import { findAttr, resolveAttr, type AttrDef, type ResourceTypeDef } from './schemas.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

interface Target {
  /** The key the attribute sits under in the resource: `null` for core, else the extension URN. */
  container: string | null;
  attr: string;
  sub?: string;
}

/** Comma-separated attribute paths (RFC 7644 §3.9), as a list; empty entries are dropped. */
export function parseAttributeList(value: unknown): string[] | undefined {
  const raw = Array.isArray(value) ? value.join(',') : value;
  if (typeof raw !== 'string') return undefined;
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

function targetOf(type: ResourceTypeDef, text: string): Target | 'extension' | undefined {
  const extension = type.extensions.find((s) => s.id.toLowerCase() === text.toLowerCase());
  if (extension) return 'extension';
  const colon = text.lastIndexOf(':');
  const path: AttrPath = { attr: '' };
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  if (colon >= 0) path.uri = text.slice(0, colon);
  const [attr = '', sub] = rest.split('.');
  path.attr = attr;
  if (sub !== undefined) path.sub = sub;
  const r = resolveAttr(type, path);
  if (!r) return undefined;
  const container = r.schema === null || r.schema === type.schema.id ? null : r.schema;
  return r.sub ? { container, attr: r.def.name, sub: r.sub.name } : { container, attr: r.def.name };
}

/**
 * Whether a response for `type` will carry `attr` (a core attribute), so callers load only what is
 * shown. Naming a sub-attribute (`members.value`) in `attributes` keeps the attribute; excluding one
 * (`members.display`) does not drop it.
 */
export function includes(type: ResourceTypeDef, p: Projection, attr: string): boolean {
  const def = findAttr(type.schema.attributes, attr);
  const named = (list: string[] | undefined, whole: boolean) =>
    (list ?? []).some((text) => {
      const t = targetOf(type, text);
      return (
        t !== undefined &&
        t !== 'extension' &&
        t.container === null &&
        t.attr === def?.name &&
        (!whole || t.sub === undefined)
      );
    });
  if (p.attributes) return named(p.attributes, false);
  if (def?.returned === 'request') return false;
  return !named(p.excludedAttributes, true);
}

/** Applies a projection; `id` and `schemas` are always returned (RFC 7643 §7 "returned": "always"). */
export function project(resource: Json, type: ResourceTypeDef, p: Projection): Json {
  if (p.attributes) return keepOnly(resource, type, p.attributes);
  if (p.excludedAttributes) return drop(resource, type, p.excludedAttributes);
  return resource;
}

function keepOnly(resource: Json, type: ResourceTypeDef, list: string[]): Json {
  const out: Json = { schemas: resource['schemas'], id: resource['id'] };
  for (const text of list) {
    // meta is no schema attribute (RFC 7643 §3.1 common attributes); its sub-attributes are picked alike.
    const named = text.toLowerCase();
    if (named === 'meta' || named.startsWith('meta.')) {
      const meta = resource['meta'];
      const sub = isObject(meta)
        ? Object.keys(meta).find((k) => `meta.${k.toLowerCase()}` === named)
        : undefined;
      if (named === 'meta') out['meta'] = meta;
      else if (sub !== undefined) out['meta'] = pickSub(meta, sub, out['meta']);
      continue;
    }
    const t = targetOf(type, text);
    if (t === undefined) continue;
    if (t === 'extension') {
      const ext = type.extensions.find((s) => s.id.toLowerCase() === text.toLowerCase());
      if (ext && resource[ext.id] !== undefined) out[ext.id] = resource[ext.id];
      continue;
    }
    const from = t.container === null ? resource : (resource[t.container] as Json | undefined);
    if (!isObject(from) || from[t.attr] === undefined) continue;
    const into = t.container === null ? out : ((out[t.container] ??= {}) as Json);
    into[t.attr] = t.sub ? pickSub(from[t.attr], t.sub, into[t.attr]) : from[t.attr];
  }
  return out;
}

function pickSub(value: unknown, sub: string, already: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((e, i) => ({
      ...(Array.isArray(already) && isObject(already[i]) ? already[i] : {}),
      ...(isObject(e) && e[sub] !== undefined ? { [sub]: e[sub] } : {}),
    }));
  }
  if (!isObject(value) || value[sub] === undefined) return already;
  return { ...(isObject(already) ? already : {}), [sub]: value[sub] };
}

function drop(resource: Json, type: ResourceTypeDef, list: string[]): Json {
  const out: Json = structuredClone(resource);
  for (const text of list) {
    const t = targetOf(type, text);
    if (t === undefined) continue;
    if (t === 'extension') {
      delete out[type.extensions.find((s) => s.id.toLowerCase() === text.toLowerCase())?.id ?? ''];
      continue;
    }
    const def: AttrDef | undefined = findAttr(type.schema.attributes, t.attr);
    if (t.attr === 'id' || def?.returned === 'always') continue;
    const from = t.container === null ? out : (out[t.container] as Json | undefined);
    if (!isObject(from)) continue;
    if (!t.sub) delete from[t.attr];
    else if (Array.isArray(from[t.attr]))
      from[t.attr] = (from[t.attr] as unknown[]).map((e) => (isObject(e) ? omit(e, t.sub ?? '') : e));
    else if (isObject(from[t.attr])) from[t.attr] = omit(from[t.attr] as Json, t.sub);
  }
  return out;
}

function omit(o: Json, key: string): Json {
  const copy = { ...o };
  delete copy[key];
  return copy;
}
