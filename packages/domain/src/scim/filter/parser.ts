import { scimInvalid, type ScimType } from '../errors.js';
import {
  COMPARE_OPS,
  type AttrPath,
  type CompValue,
  type CompareOp,
  type Filter,
  type PatchPath,
} from './ast.js';

/** Longer filters are refused before parsing: IdPs send a handful of clauses. */
const MAX_FILTER_LENGTH = 4096;
/** Bounds recursion, so a pathological filter is a 400 and never a stack overflow. */
const MAX_DEPTH = 64;

type Token =
  | { kind: '(' | ')' | '[' | ']'; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number };

const WORD = /[A-Za-z0-9_\-.:$]/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
// ATTRNAME = ALPHA *(nameChar); `$ref` is the one RFC 7643 name with another first character.
const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
// A schema URN prefix: `urn:` followed by colon-separated segments (they may contain dots: `2.0`).
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9._\-:]*$/i;

class Lexer {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly fail: (message: string) => never,
  ) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? '')) this.pos++;
      if (this.pos >= this.src.length) return out;
      out.push(this.next());
    }
  }

  private next(): Token {
    const at = this.pos;
    const c = this.src[at] ?? '';
    if (c === '(' || c === ')' || c === '[' || c === ']') {
      this.pos++;
      return { kind: c, at };
    }
    if (c === '"') return { kind: 'string', value: this.string(), at };
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = NUMBER.exec(this.src.slice(at));
      if (m && !WORD.test(this.src[at + m[0].length] ?? ' ')) {
        this.pos += m[0].length;
        const value = Number(m[0]);
        if (!Number.isFinite(value)) this.fail(`The number at ${at + 1} is out of range.`);
        return { kind: 'number', value: value === 0 ? 0 : value, at };
      }
    }
    if (WORD.test(c)) {
      let end = at;
      while (end < this.src.length && WORD.test(this.src[end] ?? '')) end++;
      this.pos = end;
      return { kind: 'word', text: this.src.slice(at, end), at };
    }
    return this.fail(`Unexpected character ${JSON.stringify(c)} at ${at + 1}.`);
  }

  /** A JSON string (RFC 7644 compValue = string, RFC 8259 §7). */
  private string(): string {
    const start = this.pos;
    let end = start + 1;
    while (end < this.src.length) {
      const ch = this.src[end];
      if (ch === '\\') end += 2;
      else if (ch === '"') break;
      else end++;
    }
    if (end >= this.src.length) this.fail(`Unterminated string at ${start + 1}.`);
    this.pos = end + 1;
    try {
      const value: unknown = JSON.parse(this.src.slice(start, end + 1));
      // PostgreSQL text cannot hold U+0000 (SQLite can): refused alike on both, before any SQL.
      if (typeof value === 'string' && value.includes('\u0000')) {
        return this.fail(`The string at ${start + 1} holds a NUL character (U+0000).`);
      }
      if (typeof value === 'string') return value;
    } catch {
      // fall through to the uniform message below
    }
    return this.fail(`Invalid string at ${start + 1}.`);
  }
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly fail: (message: string) => never,
  ) {}

  atEnd(): boolean {
    return this.i >= this.toks.length;
  }

  expectEnd(): void {
    const t = this.toks[this.i];
    if (t) this.fail(`Unexpected ${describe(t)} at ${t.at + 1}.`);
  }

  /** FILTER, with `or` binding looser than `and` (RFC 7644 §3.4.2.2: not, and, or). */
  filter(inValuePath: boolean): Filter {
    if (++this.depth > MAX_DEPTH) this.fail('The filter is nested too deeply.');
    let left = this.and(inValuePath);
    while (this.keyword('or')) left = { type: 'or', left, right: this.and(inValuePath) };
    this.depth--;
    return left;
  }

  private and(inValuePath: boolean): Filter {
    let left = this.unary(inValuePath);
    while (this.keyword('and')) left = { type: 'and', left, right: this.unary(inValuePath) };
    return left;
  }

  private unary(inValuePath: boolean): Filter {
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toLowerCase() === 'not' && this.toks[this.i + 1]?.kind === '(') {
      this.i++;
      return { type: 'not', filter: this.group(inValuePath) };
    }
    if (t?.kind === '(') return this.group(inValuePath);
    return this.attrExp(inValuePath);
  }

  private group(inValuePath: boolean): Filter {
    this.take('(');
    const inner = this.filter(inValuePath);
    this.take(')');
    return inner;
  }

  private attrExp(inValuePath: boolean): Filter {
    const path = this.attrPath();
    const next = this.peek();
    if (next?.kind === '[') {
      if (inValuePath) this.fail(`Value filters cannot be nested (at ${next.at + 1}).`);
      if (path.sub !== undefined)
        this.fail(`A value filter applies to an attribute, not to "${path.attr}.${path.sub}".`);
      this.i++;
      const filter = this.filter(true);
      this.take(']');
      const after = this.peek();
      if (after?.kind === 'word' && after.text.startsWith('.')) {
        this.i++;
        const sub = attrName(after.text.slice(1), this.fail);
        const op = this.operator();
        if (op === 'pr') return { type: 'valuePath', path, filter, then: { sub, op } };
        return { type: 'valuePath', path, filter, then: { sub, op, value: this.compValue() } };
      }
      return { type: 'valuePath', path, filter };
    }
    const op = this.operator();
    if (op === 'pr') return { type: 'present', path };
    return { type: 'compare', path, op, value: this.compValue() };
  }

  attrPath(): AttrPath {
    const t = this.peek();
    if (t?.kind !== 'word')
      return this.fail(t ? `Expected an attribute at ${t.at + 1}.` : 'Expected an attribute.');
    this.i++;
    return parseAttrPath(t.text, this.fail);
  }

  private operator(): CompareOp | 'pr' {
    const t = this.peek();
    const op = t?.kind === 'word' ? t.text.toLowerCase() : '';
    if (op === 'pr' || (COMPARE_OPS as readonly string[]).includes(op)) {
      this.i++;
      return op as CompareOp | 'pr';
    }
    return this.fail(t ? `Expected an operator at ${t.at + 1}.` : 'Expected an operator.');
  }

  private compValue(): CompValue {
    const t = this.peek();
    this.i++;
    if (t?.kind === 'string' || t?.kind === 'number') return t.value;
    if (t?.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    return this.fail(
      t
        ? `Expected a value (a "quoted string", number, true, false or null) at ${t.at + 1}.`
        : 'Expected a value.',
    );
  }

  private keyword(word: 'and' | 'or'): boolean {
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private take(kind: '(' | ')' | ']'): void {
    const t = this.peek();
    if (t?.kind !== kind) this.fail(t ? `Expected "${kind}" at ${t.at + 1}.` : `Expected "${kind}".`);
    this.i++;
  }

  peek(): Token | undefined {
    return this.toks[this.i];
  }
}

function describe(t: Token): string {
  if (t.kind === 'word') return `"${t.text}"`;
  if (t.kind === 'string') return 'string';
  if (t.kind === 'number') return 'number';
  return `"${t.kind}"`;
}

function attrName(name: string, fail: (m: string) => never): string {
  if (!ATTR_NAME.test(name)) fail(`"${name}" is not an attribute name.`);
  return name;
}

/** `userName`, `name.givenName`, `urn:…:enterprise:2.0:User:manager.value`. */
function parseAttrPath(text: string, fail: (m: string) => never): AttrPath {
  let uri: string | undefined;
  let rest = text;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    uri = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!URN.test(uri)) fail(`"${uri}" is not a schema URN.`);
  }
  const parts = rest.split('.');
  if (parts.length > 2) fail(`"${text}" has more than one sub-attribute.`);
  const [attr = '', sub] = parts;
  const path: AttrPath = { attr: attrName(attr, fail) };
  if (uri !== undefined) path.uri = uri;
  if (sub !== undefined) path.sub = attrName(sub, fail);
  return path;
}

function failWith(scimType: ScimType, what: string): (message: string) => never {
  return (message: string) => {
    throw scimInvalid(scimType, `Invalid ${what}: ${message}`);
  };
}

/** Parses a filter; anything else than RFC 7644 §3.4.2.2 is `InvalidInput` with scimType invalidFilter. */
export function parseFilter(src: string): Filter {
  const fail = failWith('invalidFilter', 'filter');
  if (src.length > MAX_FILTER_LENGTH) fail(`longer than ${MAX_FILTER_LENGTH} characters.`);
  const parser = new Parser(new Lexer(src, fail).tokens(), fail);
  if (parser.atEnd()) fail('the filter is empty.');
  const filter = parser.filter(false);
  parser.expectEnd();
  return filter;
}

/** Parses a PATCH path; mistakes are scimType invalidPath (RFC 7644 §3.5.2). */
export function parsePatchPath(src: string): PatchPath {
  const fail = failWith('invalidPath', 'path');
  if (src.length > MAX_FILTER_LENGTH) fail(`longer than ${MAX_FILTER_LENGTH} characters.`);
  const toks = new Lexer(src, fail).tokens();
  const parser = new Parser(toks, fail);
  const path = parser.attrPath();
  if (parser.atEnd()) return { path };
  if (path.sub !== undefined) fail(`a value filter applies to an attribute, not to a sub-attribute.`);
  if (parser.peek()?.kind !== '[') fail(`unexpected text after "${src.split(/[\s[]/)[0]}".`);
  const inner = toks.slice(1);
  // The bracket's content is a value filter; what follows "]" may only be ".subAttr".
  const close = findClosing(inner);
  if (close < 0) fail('missing "]".');
  const filterParser = new Parser(inner.slice(1, close), fail);
  if (filterParser.atEnd()) fail('the value filter is empty.');
  const filter = filterParser.filter(true);
  filterParser.expectEnd();
  const tail = inner.slice(close + 1);
  if (tail.length === 0) return { path, filter };
  const [subTok, ...extra] = tail;
  if (subTok?.kind === 'word' && subTok.text.startsWith('.') && extra.length === 0) {
    return { path, filter, sub: attrName(subTok.text.slice(1), fail) };
  }
  return fail('only ".subAttribute" may follow "]".');
}

function findClosing(toks: Token[]): number {
  let depth = 0;
  for (let k = 0; k < toks.length; k++) {
    const kind = toks[k]?.kind;
    if (kind === '[') depth++;
    if (kind === ']' && --depth === 0) return k;
  }
  return -1;
}
