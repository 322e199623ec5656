// Filter AST → a parameterised SQL condition for TypeORM's query builder (RFC 7644 §3.4.2.2).
// Attribute paths resolve through an allowlist per resource type (scim/repository/*-targets.ts) to a
// column, a JSON path inside `scim_attributes`, or a membership row; anything else is invalidFilter.
// Every leaf compiles to a two-valued predicate (never SQL NULL), so `not (…)` means what it says.
import { caseFold, lowerCase } from '../../case-fold.js';
import type { Dialect } from '../../database.js';
import { foldKey } from '../../repositories/users.repository.js';
import { scimInvalid } from '../errors.js';
import type { AttrPath, CompValue, CompareOp, Filter } from './ast.js';
import { printAttrPath, printFilter } from './printer.js';

export type LeafType = 'string' | 'boolean' | 'dateTime' | 'number';

/** One value in SQL: a column, or an expression over JSON. */
export interface Leaf {
  kind: 'leaf';
  /** SQL for the value; may reference parameters the scope registered. */
  expr: string;
  type: LeafType;
  caseExact: boolean;
  /** The column holds `foldKey(value)`: compare with folded values, no lower() at query time. */
  folded?: boolean;
  /** JSON booleans read back as 1/0 (SQLite json_extract) or 'true'/'false' (PostgreSQL ->>). */
  jsonBoolean?: boolean;
  /** Which operators the attribute answers (members: only eq). Default: all. */
  ops?: ReadonlyArray<CompareOp | 'pr'>;
}

/** A multi-valued attribute: a condition on its elements becomes an EXISTS over them. */
export interface Collection {
  kind: 'collection';
  exists(condition: string): string;
  element: Scope;
  /** Additional, index-served condition implied by an element condition (see users' work email). */
  hint?(inner: Filter, params: Params): string | undefined;
}

export interface Scope {
  resolve(path: AttrPath, params: Params): Leaf | Collection | undefined;
}

/** Registers parameter values under generated names (`:f0`, `:f1`…). */
export class Params {
  readonly values: Record<string, unknown> = {};
  private n = 0;
  private subqueries = 0;
  constructor(private readonly prefix = 'f') {}
  add(value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.values[name] = value;
    return `:${name}`;
  }
  /** A fresh alias for a correlated subquery. */
  alias(base: string): string {
    return `${base}${this.subqueries++}`;
  }
}

export interface CompileOptions {
  dialect: Dialect;
  /** Root searches span resource types: a path one of them lacks is false there, not an error. */
  unknownIsFalse?: boolean;
}

const FALSE = '(1 = 0)';
const TRUE = '(1 = 1)';

export function compileFilter(f: Filter, scope: Scope, params: Params, opts: CompileOptions): string {
  switch (f.type) {
    case 'and':
    case 'or':
      return `(${compileFilter(f.left, scope, params, opts)} ${f.type.toUpperCase()} ${compileFilter(f.right, scope, params, opts)})`;
    case 'not':
      return `(NOT ${compileFilter(f.filter, scope, params, opts)})`;
    case 'present':
    case 'compare':
      return compileAttrExp(f, scope, params, opts);
    case 'valuePath':
      return compileValuePath(f, scope, params, opts);
  }
}

function unknownPath(path: AttrPath, opts: CompileOptions): string {
  if (opts.unknownIsFalse) return FALSE;
  throw scimInvalid('invalidFilter', `Filtering on "${printAttrPath(path)}" is not supported.`);
}

function compileAttrExp(
  f: Extract<Filter, { type: 'present' | 'compare' }>,
  scope: Scope,
  params: Params,
  opts: CompileOptions,
): string {
  const target = scope.resolve(f.path, params);
  if (!target) return unknownPath(f.path, opts);
  if (target.kind === 'leaf') return compileLeaf(target, f, params, opts.dialect);
  // `emails co "x"` and `emails.value co "x"`: a comparison with the elements' `value` (RFC 7644 §3.4.2.2).
  const element: Filter = { ...f, path: { attr: f.path.sub ?? 'value' } };
  if (f.type === 'present' && f.path.sub === undefined) return target.exists(TRUE);
  return target.exists(compileFilter(element, target.element, params, { ...opts, unknownIsFalse: false }));
}

function compileValuePath(
  f: Extract<Filter, { type: 'valuePath' }>,
  scope: Scope,
  params: Params,
  opts: CompileOptions,
): string {
  const target = scope.resolve({ ...(f.path.uri ? { uri: f.path.uri } : {}), attr: f.path.attr }, params);
  if (!target) return unknownPath(f.path, opts);
  if (target.kind !== 'collection') {
    throw scimInvalid('invalidFilter', `"${printAttrPath(f.path)}" is not multi-valued: ${printFilter(f)}.`);
  }
  // Entra ID's `emails[type eq "work"].value eq "x"` is the element condition `type eq "work" and value eq "x"`.
  const then: Filter | undefined = f.then
    ? f.then.op === 'pr'
      ? { type: 'present', path: { attr: f.then.sub } }
      : { type: 'compare', path: { attr: f.then.sub }, op: f.then.op, value: f.then.value }
    : undefined;
  const inner: Filter = then ? { type: 'and', left: f.filter, right: then } : f.filter;
  const exists = target.exists(
    compileFilter(inner, target.element, params, { ...opts, unknownIsFalse: false }),
  );
  const hint = target.hint?.(inner, params);
  return hint ? `(${hint} AND ${exists})` : exists;
}

function compileLeaf(
  leaf: Leaf,
  f: Extract<Filter, { type: 'present' | 'compare' }>,
  params: Params,
  dialect: Dialect,
): string {
  const op = f.type === 'present' ? 'pr' : f.op;
  if (leaf.ops && !leaf.ops.includes(op)) {
    throw scimInvalid('invalidFilter', `"${printAttrPath(f.path)}" does not support "${op}".`);
  }
  const x = leaf.expr;
  if (f.type === 'present')
    return leaf.type === 'string' ? `(${x} IS NOT NULL AND ${x} <> '')` : `(${x} IS NOT NULL)`;
  if (f.value === null) {
    if (op === 'eq') return leaf.type === 'string' ? `(${x} IS NULL OR ${x} = '')` : `(${x} IS NULL)`;
    if (op === 'ne') return compileLeaf(leaf, { type: 'present', path: f.path }, params, dialect);
    throw scimInvalid('invalidFilter', `"${op} null" compares with nothing.`);
  }
  switch (leaf.type) {
    case 'boolean':
      return booleanLeaf(leaf, f.op, f.value, params, dialect);
    case 'dateTime':
      return dateLeaf(x, f.op, f.value, params);
    case 'number':
      return numberLeaf(x, f.op, f.value, params);
    case 'string':
      return stringLeaf(leaf, f.op, f.value, params, dialect);
  }
}

const ORDERING: Partial<Record<CompareOp, string>> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

function booleanLeaf(leaf: Leaf, op: CompareOp, value: CompValue, params: Params, dialect: Dialect): string {
  const v = typeof value === 'string' ? { true: true, false: false }[value.toLowerCase()] : value;
  if (typeof v !== 'boolean')
    throw scimInvalid('invalidFilter', `A boolean attribute compares with true or false.`);
  if (op !== 'eq' && op !== 'ne')
    throw scimInvalid('invalidFilter', `A boolean attribute takes eq or ne, not ${op}.`);
  const stored = leaf.jsonBoolean && dialect === 'postgres' ? String(v) : v;
  const p = params.add(stored);
  const x = leaf.expr;
  return op === 'eq' ? `(${x} IS NOT NULL AND ${x} = ${p})` : `(${x} IS NULL OR ${x} <> ${p})`;
}

/** Whether `YYYY-MM-DD` names a day of the calendar: the Date parser takes 2026-02-30 as 2 March. */
function isCalendarDate([, y, m, d]: RegExpExecArray): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

function dateLeaf(x: string, op: CompareOp, value: CompValue, params: Params): string {
  const day = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  const at = day ? new Date(value as string) : undefined;
  if (!day || !at || Number.isNaN(at.getTime()) || !isCalendarDate(day)) {
    throw scimInvalid(
      'invalidFilter',
      'A dateTime attribute compares with an xsd:dateTime string ("2026-01-31T12:00:00Z").',
    );
  }
  if (op === 'ne') return `(${x} IS NULL OR ${x} <> ${params.add(at)})`;
  const sql = ORDERING[op];
  if (!sql)
    throw scimInvalid('invalidFilter', `A dateTime attribute takes eq, ne, gt, ge, lt or le, not ${op}.`);
  return `(${x} IS NOT NULL AND ${x} ${sql} ${params.add(at)})`;
}

function numberLeaf(x: string, op: CompareOp, value: CompValue, params: Params): string {
  if (typeof value !== 'number')
    throw scimInvalid('invalidFilter', 'A number attribute compares with a number.');
  if (op === 'ne') return `(${x} IS NULL OR ${x} <> ${params.add(value)})`;
  const sql = ORDERING[op];
  if (!sql)
    throw scimInvalid('invalidFilter', `A number attribute takes eq, ne, gt, ge, lt or le, not ${op}.`);
  return `(${x} IS NOT NULL AND ${x} ${sql} ${params.add(value)})`;
}

/** `%`, `_` and the escape character itself are literal in LIKE patterns built from client values. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function stringLeaf(leaf: Leaf, op: CompareOp, value: CompValue, params: Params, dialect: Dialect): string {
  if (typeof value === 'boolean')
    throw scimInvalid('invalidFilter', 'A string attribute compares with a string.');
  const raw = String(value);
  const exact = leaf.caseExact;
  const v = leaf.folded ? foldKey(raw) : exact ? raw : caseFold(raw);
  const col = leaf.expr;
  const x = leaf.folded || exact ? col : lowerCase(dialect, col);
  const nn = (cond: string) => `(${col} IS NOT NULL AND ${cond})`;
  if ((op === 'co' || op === 'sw' || op === 'ew') && v === '') return nn('1 = 1');
  switch (op) {
    case 'eq':
      return nn(`${x} = ${params.add(v)}`);
    case 'ne':
      return `(${col} IS NULL OR ${x} <> ${params.add(v)})`;
    case 'co':
    case 'sw':
    case 'ew': {
      if (!exact) {
        const pattern = `${op === 'sw' ? '' : '%'}${escapeLike(v)}${op === 'ew' ? '' : '%'}`;
        return nn(`${x} LIKE ${params.add(pattern)} ESCAPE '\\'`);
      }
      // Case-sensitive substring tests: SQLite's LIKE ignores ASCII case, so neither dialect uses it here.
      const p = params.add(v);
      const len = params.add([...v].length);
      if (op === 'co')
        return nn(dialect === 'postgres' ? `strpos(${col}, ${p}) > 0` : `instr(${col}, ${p}) > 0`);
      if (op === 'sw') return nn(`substr(${col}, 1, ${len}) = ${p}`);
      return nn(dialect === 'postgres' ? `right(${col}, ${len}) = ${p}` : `substr(${col}, -${len}) = ${p}`);
    }
    default:
      return nn(`${x} ${ORDERING[op] ?? '='} ${params.add(v)}`);
  }
}
