import type { AttrPath, CompValue, Filter, PatchPath, SubCompare } from './ast.js';

const PRECEDENCE: Record<Filter['type'], number> = {
  or: 1,
  and: 2,
  not: 3,
  compare: 3,
  present: 3,
  valuePath: 3,
};

export function printAttrPath(p: AttrPath): string {
  return `${p.uri !== undefined ? `${p.uri}:` : ''}${p.attr}${p.sub !== undefined ? `.${p.sub}` : ''}`;
}

const printValue = (v: CompValue): string => JSON.stringify(v);

function printThen(t: SubCompare): string {
  return t.op === 'pr' ? `.${t.sub} pr` : `.${t.sub} ${t.op} ${printValue(t.value)}`;
}

/**
 * Prints a filter so that `parseFilter(printFilter(f))` equals `f`: parentheses only where
 * precedence needs them, and around a right operand of the same operator (parsing is left-associative).
 */
export function printFilter(f: Filter): string {
  switch (f.type) {
    case 'compare':
      return `${printAttrPath(f.path)} ${f.op} ${printValue(f.value)}`;
    case 'present':
      return `${printAttrPath(f.path)} pr`;
    case 'not':
      return `not (${printFilter(f.filter)})`;
    case 'valuePath':
      return `${printAttrPath(f.path)}[${printFilter(f.filter)}]${f.then ? printThen(f.then) : ''}`;
    case 'and':
    case 'or': {
      const left =
        PRECEDENCE[f.left.type] < PRECEDENCE[f.type] ? `(${printFilter(f.left)})` : printFilter(f.left);
      const right =
        PRECEDENCE[f.right.type] <= PRECEDENCE[f.type] ? `(${printFilter(f.right)})` : printFilter(f.right);
      return `${left} ${f.type} ${right}`;
    }
  }
}

export function printPatchPath(p: PatchPath): string {
  const base = printAttrPath(p.path);
  if (!p.filter) return base;
  return `${base}[${printFilter(p.filter)}]${p.sub !== undefined ? `.${p.sub}` : ''}`;
}
