// Data-only migration shared by both dialects: users' kept SCIM payloads (`last_scim_payload`)
// written before every form of a password was redacted (a PATCH's `{"path":"password","value":…}`
// was kept as sent) are redacted now. It uses the live `redactedPayload`: redaction only ever
// grows, and a database created after this migration has no such rows to read.
import type { QueryRunner } from 'typeorm';
import { redactedPayload } from '../scim/users.js';

const CHUNK = 500;

export async function redactStoredPasswords(q: QueryRunner, mark: (n: number) => string): Promise<void> {
  let after = '';
  for (;;) {
    const rows: Array<{ id: string; payload: string }> = await q.query(
      `SELECT id, last_scim_payload AS payload FROM users
        WHERE id > ${mark(1)} AND lower(last_scim_payload) LIKE '%password%' ORDER BY id LIMIT ${CHUNK}`,
      [after],
    );
    for (const { id, payload } of rows) {
      let body: unknown;
      try {
        body = JSON.parse(payload);
      } catch {
        continue; // not JSON: nothing Gatehouse wrote
      }
      const redacted = redactedPayload(body);
      if (redacted !== payload) {
        await q.query(`UPDATE users SET last_scim_payload = ${mark(1)} WHERE id = ${mark(2)}`, [
          redacted,
          id,
        ]);
      }
    }
    if (rows.length < CHUNK) return;
    after = rows[rows.length - 1]?.id ?? after;
  }
}
