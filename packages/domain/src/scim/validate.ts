import { scimInvalid } from './errors.js';
import { coreAttributes, findAttr, type AttrDef, type ResourceTypeDef } from './schemas.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a resource document against its schemas (types, multi-valuedness, sub-attributes) and
 * returns it with string attributes given as numbers turned into strings. Mistakes are
 * invalidValue naming the attribute, so the IdP's admin sees which mapping is wrong.
 */
export function validateDoc(doc: Json, type: ResourceTypeDef): Json {
  const out: Json = {};
  const core = coreAttributes(type.schema);
  for (const [key, value] of Object.entries(doc)) {
    const extension = type.extensions.find((s) => s.id === key);
    if (extension) {
      if (!isObject(value)) throw scimInvalid('invalidValue', `"${key}" must be an object.`);
      out[key] = checkObject(value, extension.attributes, key);
      continue;
    }
    const def = findAttr(core, key);
    if (!def) {
      if (key.startsWith('urn:') && isObject(value)) out[key] = value; // an extension Gatehouse keeps verbatim
      continue;
    }
    const checked = checkAttr(value, def, def.name);
    if (checked !== undefined) out[def.name] = checked;
  }
  return out;
}

function checkObject(o: Json, defs: readonly AttrDef[], where: string): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    const def = findAttr(defs, k);
    if (!def) continue;
    const checked = checkAttr(v, def, `${where}:${def.name}`);
    if (checked !== undefined) out[def.name] = checked;
  }
  return out;
}

function checkAttr(value: unknown, def: AttrDef, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) {
    if (!Array.isArray(value)) throw scimInvalid('invalidValue', `"${where}" must be a list.`);
    const items = value.map((v, i) => checkSingle(v, def, `${where}[${i}]`)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  return checkSingle(value, def, where);
}

function checkSingle(value: unknown, def: AttrDef, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'complex': {
      if (!isObject(value)) throw scimInvalid('invalidValue', `"${where}" must be an object.`);
      const out = checkObject(value, def.subAttributes ?? [], where);
      return Object.keys(out).length ? out : undefined;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw scimInvalid('invalidValue', `"${where}" must be true or false.`);
      return value;
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number') throw scimInvalid('invalidValue', `"${where}" must be a number.`);
      return value;
    default:
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string') throw scimInvalid('invalidValue', `"${where}" must be a string.`);
      return value;
  }
}
