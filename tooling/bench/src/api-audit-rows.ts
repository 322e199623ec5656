// The synthetic audit log the `api` benchmark pages through: row i's time and id follow from i, so
// the runner can aim a keyset cursor anywhere in a million rows without reading them first.

/** A million by default; BENCH_API_ROWS makes a quick trial run smaller. */
export const AUDIT_ROWS = Number(process.env['BENCH_API_ROWS'] ?? 1_000_000);
/** 2025-01-01T00:00:00Z; rows are 30 s apart, so a million of them span 347 days. */
export const BASE_EPOCH_S = 1_735_689_600;
export const STEP_S = 30;
export const ACTORS = 100;
export const TEAMS = 20;
export const ACTIONS = [
  'user.invited',
  'team.member_added',
  'team.member_role_changed',
  'credential.updated',
  'story.updated',
] as const;

export const rowTime = (i: number): Date => new Date((BASE_EPOCH_S + i * STEP_S) * 1000);
export const rowId = (i: number): string =>
  `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** The API's opaque cursor for "after row i" (base64url JSON of its time and id, see domain cursor.ts). */
export const cursorAfter = (i: number): string =>
  Buffer.from(JSON.stringify([rowTime(i).toISOString(), rowId(i)])).toString('base64url');

const ZEROS = '0'.repeat(64);

/** One INSERT … SELECT that generates rows [from, from + count) in the database itself. */
export function seedSql(dialect: 'sqlite' | 'postgres', from: number, count: number): string {
  const action = (i: string) =>
    `CASE ${i} % ${ACTIONS.length} ${ACTIONS.map((a, k) => `WHEN ${k} THEN '${a}'`).join(' ')} END`;
  const columns =
    'id, tenant_id, seq, occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id, team_id, change, ip, prev_hash, hash';
  const select = (i: string, id: string, time: string, cat: (...parts: string[]) => string) => `SELECT
      ${id}, $TENANT, 100 + ${i}, ${time}, 'user', ${cat(`'actor-'`, `${i} % ${ACTORS}`)},
      ${cat(`'user'`, `${i} % ${ACTORS}`, `'@bench.test'`)}, ${action(i)}, 'user', ${cat(`'target-'`, `${i} % 5000`)},
      CASE WHEN ${i} % 3 = 0 THEN ${cat(`'team-'`, `${i} % ${TEAMS}`)} ELSE NULL END,
      ${cat(`'{"before":{"n":'`, `${i}`, `'},"after":{"n":'`, `${i} + 1`, `'}}'`)},
      ${cat(`'192.0.2.'`, `${i} % 250`)}, '${ZEROS}', '${ZEROS}'`;
  if (dialect === 'postgres') {
    const cat = (...parts: string[]) =>
      `(${parts.map((p) => (p.startsWith("'") ? p : `(${p})::text`)).join(' || ')})`;
    return `INSERT INTO audit_events (${columns}) ${select(
      'i',
      `lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0')`,
      `to_timestamp(${BASE_EPOCH_S} + i * ${STEP_S}) AT TIME ZONE 'UTC'`,
      cat,
    )} FROM generate_series(${from}, ${from + count - 1}) AS i`;
  }
  // `||` binds tighter than `%` and `+` in SQLite: every operand gets its own parentheses
  const cat = (...parts: string[]) => `(${parts.map((p) => `(${p})`).join(' || ')})`;
  return `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${from + count})
    INSERT INTO audit_events (${columns}) ${select(
      'i',
      `printf('%08x-0000-4000-8000-%012x', i, i)`,
      `strftime('%Y-%m-%d %H:%M:%f', ${BASE_EPOCH_S} + i * ${STEP_S}, 'unixepoch')`,
      cat,
    )} FROM n`;
}
