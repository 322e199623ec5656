// Planner statistics after an IdP's first sync (Database.noteInserted): on PostgreSQL a replica
// that has grown a table by a tenth (at least 500 rows) analyses it itself, so a userName lookup
// on a freshly synced tenant is planned on the unique userName index, not on whichever index that
// begins with tenant_id happened to be smallest. SQLite plans without statistics: nothing runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupMember, Team, User } from '../src/entities/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type MadeTenant, type TestWorld } from './factories.js';
import { scimClient } from './scim-support.js';
import { statementsOf } from './statements.js';

const LOOKUP =
  'SELECT u.id FROM users u WHERE u.tenant_id = $1 AND u.user_name_key IS NOT NULL AND u.user_name_key = $2';

describe.each(DATABASES)('table statistics on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  let tn: MadeTenant;

  /** The statements `work` sends. */
  const sent = async (work: () => Promise<unknown>) => (await statementsOf(t.db, work)).map((s) => s.sql);

  const analyses = (statements: string[]) => statements.filter((s) => s.startsWith('ANALYZE'));

  async function rowsKnown(table: string): Promise<number> {
    const rows = (await t.db.dataSource.query('SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)', [
      table,
    ])) as Array<{ reltuples: number | string }>;
    return Number(rows[0]?.reltuples ?? -1);
  }

  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    tn = await makeTenant(w);
  });

  afterAll(async () => {
    await t.close();
  });

  it('a few rows are not worth an ANALYZE', async () => {
    const statements = await sent(async () => {
      // A table the sync below does not count, so these rows do not add to its.
      t.db.noteInserted(GroupMember, 499);
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(analyses(statements)).toEqual([]);
  });

  if (target.name === 'sqlite') {
    it('SQLite never analyses', async () => {
      const statements = await sent(async () => {
        t.db.noteInserted(GroupMember, 100_000);
        await new Promise((resolve) => setImmediate(resolve));
      });
      expect(analyses(statements)).toEqual([]);
    });
  }

  if (target.name === 'postgres') {
    it('after a sync of 600 users the lookup is planned on the userName index', async () => {
      const { call } = scimClient(w, tn.tenant.id);
      const statements = await sent(async () => {
        const made = await Promise.all(
          Array.from({ length: 600 }, (_, i) =>
            call('POST', '/Users', {
              schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
              userName: `synced${i}@x.test`,
            }),
          ),
        );
        expect(made.every((r) => r.status === 201)).toBe(true);
        // The ANALYZE runs in the background once the creates have committed.
        for (let i = 0; i < 100 && (await rowsKnown('users')) < 500; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      // Users (the 600 and the owner) and their drafts spaces, each table once.
      expect(analyses(statements).sort()).toEqual([
        'ANALYZE (SKIP_LOCKED) "teams"',
        'ANALYZE (SKIP_LOCKED) "users"',
      ]);
      // Analysed once 500 had committed; the last hundred wait for the next tenth or 10 s.
      expect(await rowsKnown('users')).toBeGreaterThanOrEqual(500);
      const plan = (await t.db.dataSource.query(`EXPLAIN ${LOOKUP}`, [
        tn.tenant.id,
        'synced7@x.test',
      ])) as Array<{
        'QUERY PLAN': string;
      }>;
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('uq_users_tenant_user_name');
    });

    it('a table is analysed again only after it grew by a tenth, and not within 10 s', async () => {
      const statements = await sent(async () => {
        // 600 rows known: a tenth is 60, but the last ANALYZE was a moment ago.
        t.db.noteInserted(User, 5_000);
        t.db.noteInserted(Team, 5_000);
        await new Promise((resolve) => setImmediate(resolve));
      });
      expect(analyses(statements)).toEqual([]);
    });
  }
});
