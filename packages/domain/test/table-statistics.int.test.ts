// Planner statistics and the visibility map after an IdP's first sync (Database.noteInserted): on
// PostgreSQL a replica that has grown a table by a tenth (at least 500 rows) vacuums and analyses it
// itself, so a userName lookup on a freshly synced tenant is planned on the unique userName index,
// not on whichever index that begins with tenant_id happened to be smallest, and an offset page
// counts its offset in that index alone. SQLite plans without statistics: nothing runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupMember, User } from '../src/entities/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type MadeTenant, type TestWorld } from './factories.js';
import { scimClient } from './scim-support.js';
import { statementsOf } from './statements.js';
import { usersPage } from '../src/scim/repository/reads.js';

const LOOKUP =
  'SELECT u.id FROM users u WHERE u.tenant_id = $1 AND u.user_name_key IS NOT NULL AND u.user_name_key = $2';

describe.each(DATABASES)('table statistics on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  let tn: MadeTenant;

  /** The statements `work` sends. */
  const sent = async (work: () => Promise<unknown>) => (await statementsOf(t.db, work)).map((s) => s.sql);

  const vacuums = (statements: string[]) => statements.filter((s) => s.startsWith('VACUUM'));

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

  /**
   * The VACUUMs sent right after noting `rows` new rows in a table the sync below does not count
   * (so these rows do not add to its).
   */
  const vacuumsAfterNoting = async (rows: number) =>
    vacuums(
      await sent(async () => {
        t.db.noteInserted(GroupMember, rows);
        await new Promise((resolve) => setImmediate(resolve));
      }),
    );

  it('a few rows are not worth a VACUUM', async () => {
    expect(await vacuumsAfterNoting(499)).toEqual([]);
  });

  if (target.name === 'sqlite') {
    it('SQLite never vacuums', async () => {
      expect(await vacuumsAfterNoting(100_000)).toEqual([]);
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
        // The VACUUM runs in the background once the creates have committed.
        for (let i = 0; i < 100 && (await rowsKnown('users')) < 500; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      // Users (the 600 and the owner) and their drafts spaces, each table once.
      expect(vacuums(statements).sort()).toEqual([
        'VACUUM (ANALYZE, SKIP_LOCKED) "teams"',
        'VACUUM (ANALYZE, SKIP_LOCKED) "users"',
      ]);
      // Vacuumed once 500 had committed; the last hundred wait for the next tenth.
      expect(await rowsKnown('users')).toBeGreaterThanOrEqual(500);
      const plan = (await t.db.dataSource.query(`EXPLAIN ${LOOKUP}`, [
        tn.tenant.id,
        'synced7@x.test',
      ])) as Array<{
        'QUERY PLAN': string;
      }>;
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('uq_users_tenant_user_name');
    });

    it('growth within 2 s of the last VACUUM waits for them to pass; the last page of a sync then counts its offset in the index alone', async () => {
      let early: string[] = [];
      const statements = await sent(async () => {
        // 600 rows known: a tenth is 60, but the last VACUUM was a moment ago.
        t.db.noteInserted(User, 5_000);
        await new Promise((resolve) => setImmediate(resolve));
        early = vacuums(await sent(async () => {}));
        for (let i = 0; i < 100 && (await rowsKnown('users')) < 601; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      expect(early).toEqual([]);
      expect(vacuums(statements)).toEqual(['VACUUM (ANALYZE, SKIP_LOCKED) "users"']);
      const [page] = await statementsOf(t.db, () =>
        usersPage(t.db, tn.tenant.id, { descending: false, count: 100, offset: 450 }),
      );
      if (!page) throw new Error('the page sent no statement');
      const plan = (await t.db.dataSource.query(`EXPLAIN (ANALYZE) ${page.sql}`, page.params)) as Array<{
        'QUERY PLAN': string;
      }>;
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('Index Only Scan using uq_users_tenant_user_name');
      expect(text).toContain('Heap Fetches: 0');
    });
  }
});
