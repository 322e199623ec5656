import { findAttr, type AttrDef } from '../schemas.js';
import type { CompValue, CompareOp, Filter } from './ast.js';

type Json = Record<string, unknown>;

function field(o: Json, name: string): unknown {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

/** RFC 7644 §3.4.2.2 operator semantics for one value; strings fold unless the attribute is caseExact. */
function compareValue(actual: unknown, op: CompareOp, expected: CompValue, caseExact: boolean): boolean {
  if (expected === null) return op === 'eq' ? !isPresent(actual) : op === 'ne' ? isPresent(actual) : false;
  if (actual === undefined || actual === null) return op === 'ne';
  if (typeof expected === 'string' && typeof actual === 'string') {
    const a = caseExact ? actual : actual.toLowerCase();
    const e = caseExact ? expected : expected.toLowerCase();
    switch (op) {
      case 'eq':
        return a === e;
      case 'ne':
        return a !== e;
      case 'co':
        return a.includes(e);
      case 'sw':
        return a.startsWith(e);
      case 'ew':
        return a.endsWith(e);
      case 'gt':
        return a > e;
      case 'ge':
        return a >= e;
      case 'lt':
        return a < e;
      case 'le':
        return a <= e;
    }
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (op === 'gt') return actual > expected;
    if (op === 'ge') return actual >= expected;
    if (op === 'lt') return actual < expected;
    if (op === 'le') return actual <= expected;
  }
  return false;
}

/**
 * Evaluates a value filter (`type eq "work" and primary eq true`) against one element of a
 * multi-valued attribute — a handful of values on one resource, never a collection.
 */
export function matchesElement(element: unknown, f: Filter, parent: AttrDef): boolean {
  if (typeof element !== 'object' || element === null) {
    // A multi-valued attribute of simple values: its sub-attribute `value` is the value itself.
    return matchesElement({ value: element }, f, parent);
  }
  const o = element as Json;
  switch (f.type) {
    case 'and':
      return matchesElement(o, f.left, parent) && matchesElement(o, f.right, parent);
    case 'or':
      return matchesElement(o, f.left, parent) || matchesElement(o, f.right, parent);
    case 'not':
      return !matchesElement(o, f.filter, parent);
    case 'present':
      return isPresent(field(o, f.path.attr));
    case 'compare': {
      const sub = parent.subAttributes ? findAttr(parent.subAttributes, f.path.attr) : undefined;
      return compareValue(field(o, f.path.attr), f.op, f.value, sub?.caseExact ?? false);
    }
    case 'valuePath':
      return false;
  }
}

/** The `attr eq value` pairs of a filter made only of `eq` joined by `and`; undefined otherwise. */
export function equalities(f: Filter): Record<string, CompValue> | undefined {
  if (f.type === 'compare' && f.op === 'eq') return { [f.path.attr]: f.value };
  if (f.type !== 'and') return undefined;
  const left = equalities(f.left);
  const right = equalities(f.right);
  return left && right ? { ...left, ...right } : undefined;
}
