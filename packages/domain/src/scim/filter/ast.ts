// RFC 7644 §3.4.2.2 filter syntax tree. `parseFilter` builds it, `printFilter` prints it back, and
// `compileFilter` turns it into query-builder SQL.

export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export type CompValue = string | number | boolean | null;

/** `[uri:]attr[.sub]`; `uri` is a schema URN such as the enterprise extension's. */
export interface AttrPath {
  uri?: string;
  attr: string;
  sub?: string;
}

export type Filter =
  | { type: 'compare'; path: AttrPath; op: CompareOp; value: CompValue }
  | { type: 'present'; path: AttrPath }
  | { type: 'and' | 'or'; left: Filter; right: Filter }
  | { type: 'not'; filter: Filter }
  /**
   * `emails[type eq "work"]`. `then` is the `.value eq "…"` Entra ID appends after the bracket
   * (`emails[type eq "work"].value eq "a@b.c"`), outside RFC 7644's filter grammar but sent by it.
   */
  | { type: 'valuePath'; path: AttrPath; filter: Filter; then?: SubCompare };

export type SubCompare = { sub: string; op: CompareOp; value: CompValue } | { sub: string; op: 'pr' };

/** A PATCH target (RFC 7644 §3.5.2 `PATH = attrPath / valuePath [subAttr]`). */
export interface PatchPath {
  path: AttrPath;
  filter?: Filter;
  /** The sub-attribute after a value filter: `emails[type eq "work"].value`. */
  sub?: string;
}
