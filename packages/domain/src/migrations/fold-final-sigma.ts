import type { QueryRunner } from 'typeorm';

/** The case-folded key columns, each unique in its tenant. */
const KEYS = [
  ['users', 'user_name_key'],
  ['users', 'email_key'],
  ['groups', 'display_name_key'],
  ['teams', 'name_key'],
  ['credentials', 'name_key'],
  ['resources', 'name_key'],
] as const;

/**
 * Keys folded before `caseFold` folded ς to σ (case-fold.ts) hold a word-final ς where a value was
 * written in capitals (`ΟΔΟΣ` → `οδος`), and missed `οδοσ`. Each such key is folded again, unless
 * its tenant already holds the refolded key: then both rows are the duplicates the old folding let
 * in, and the older-folded one keeps its key until it is renamed. The same statements on both dialects.
 */
export async function foldFinalSigma(q: QueryRunner): Promise<void> {
  for (const [table, column] of KEYS) {
    await q.query(
      `UPDATE ${table} SET ${column} = REPLACE(${column}, 'ς', 'σ')
        WHERE ${column} LIKE '%ς%'
          AND NOT EXISTS (SELECT 1 FROM ${table} o
                           WHERE o.tenant_id = ${table}.tenant_id AND o.${column} = REPLACE(${table}.${column}, 'ς', 'σ'))`,
    );
  }
}
