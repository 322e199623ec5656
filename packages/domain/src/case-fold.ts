// Case-insensitive comparison, the same in JavaScript, SQLite and PostgreSQL. JavaScript's
// toLowerCase() turns a word-final Σ into ς, PostgreSQL's lower() into σ, and SQLite's own lower()
// leaves every non-ASCII letter alone; Unicode case folding (CaseFolding.txt) makes ς σ as well. So
// every folded value and every folded column goes through these, and `ΟΔΟΣ`, `οδοσ` and `οδος` are
// one userName.
import type { Dialect } from './database.js';

/** Lower case with ς folded to σ (Unicode simple case folding for the letters that differ). */
export function caseFold(value: string): string {
  return value.toLowerCase().replace(/ς/g, 'σ');
}

/**
 * The SQLite function registered on every connection (`database.ts`) that folds as `caseFold`.
 * Only compared expressions use it; no index is built on it.
 */
export const SQLITE_CASE_FOLD = 'unicode_lower';

/** SQL folding `expr` as `caseFold` does, on either dialect (for caseExact=false comparisons). */
export function lowerCase(dialect: Dialect, expr: string): string {
  return dialect === 'postgres' ? `translate(lower(${expr}), 'ς', 'σ')` : `${SQLITE_CASE_FOLD}(${expr})`;
}
