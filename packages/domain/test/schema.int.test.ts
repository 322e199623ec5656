import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';

describe.each(DATABASES)('migrations on $name', (target) => {
  let t: OpenedDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(target, { migrate: false });
    console.info(`schema test runs on ${t.label}`);
  });
  afterAll(() => t.close());

  /**
   * Users as an earlier migration left them (id → the value of `column`), written in SQL: the
   * entities describe the schema after every migration.
   */
  async function insertUsers(
    column: 'scim_attributes' | 'last_scim_payload',
    values: Record<string, string | null>,
  ) {
    const postgres = t.db.dialect === 'postgres';
    const now = postgres ? new Date() : new Date().toISOString().replace('T', ' ').slice(0, -1);
    for (const [id, value] of Object.entries(values)) {
      await t.db.dataSource.query(
        postgres
          ? `INSERT INTO users (id, tenant_id, email, user_name, active, tenant_role, source, ${column}, version, created_at, updated_at)
             VALUES ($1, 't', $1, $1, true, 'member', 'scim', $2, 1, $3, $3)`
          : `INSERT INTO users (id, tenant_id, email, user_name, active, tenant_role, source, ${column}, version, created_at, updated_at)
             VALUES (?, 't', ?, ?, 1, 'member', 'scim', ?, 1, ?, ?)`,
        postgres ? [id, value, now] : [id, id, id, value, now, now],
      );
    }
  }

  it('running every migration yields exactly the schema the entities describe', async () => {
    const applied = await t.db.migrate();
    expect(applied.length).toBeGreaterThan(0);
    const pending = await t.db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('AddUserOtherWorkEmails marks the stored users with more than one work email', async () => {
    // Back to just before it (the rows below are written in that schema), then forward again.
    const applied = async () =>
      (await t.db.dataSource.query('SELECT name FROM migrations')).map((r: { name: string }) => r.name);
    while ((await applied()).includes('AddUserOtherWorkEmails1796566970567')) {
      await t.db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    const emails = (types: string[]) =>
      JSON.stringify({ emails: types.map((type, i) => ({ type, value: `${i}@x.test` })) });
    const docs = {
      two: emails(['work', 'Work']),
      one: emails(['work', 'home']),
      none: null,
      odd: JSON.stringify({ emails: { type: 'work' } }),
    };
    await insertUsers('scim_attributes', docs);
    await t.db.migrate();
    const rows: Array<{ id: string; o: unknown }> = await t.db.dataSource.query(
      'SELECT id, other_work_emails AS o FROM users ORDER BY id',
    );
    expect(rows.map((r) => [r.id, r.o === true || Number(r.o) === 1])).toEqual([
      ['none', false],
      ['odd', false],
      ['one', false],
      ['two', true],
    ]);
    await t.db.dataSource.query('DELETE FROM users');
  });

  it('RedactStoredPasswords redacts the passwords kept payloads of earlier versions held', async () => {
    const name = (await t.db.dataSource.query('SELECT name FROM migrations ORDER BY id DESC')) as Array<{
      name: string;
    }>;
    expect(name[0]?.name).toMatch(/^RedactStoredPasswords/);
    await t.db.dataSource.undoLastMigration({ transaction: 'each' });
    const patch = (path: string, value: string) =>
      JSON.stringify({ schemas: ['x'], Operations: [{ op: 'replace', path, value }] });
    const payloads: Record<string, string | null> = {
      patched: patch('password', 'Old-secret-1'),
      urn: patch('urn:ietf:params:scim:schemas:core:2.0:User:password', 'Old-secret-2'),
      kept: patch('title', 'Password reset team'),
      posted: JSON.stringify({ userName: 'p', password: '[redacted]' }),
      broken: '{"password": not json',
      none: null,
    };
    await insertUsers('last_scim_payload', payloads);
    await t.db.migrate();
    const rows: Array<{ id: string; p: string | null }> = await t.db.dataSource.query(
      'SELECT id, last_scim_payload AS p FROM users ORDER BY id',
    );
    const after = Object.fromEntries(rows.map((r) => [r.id, r.p]));
    expect(after['patched']).toBe(patch('password', '[redacted]'));
    expect(after['urn']).toBe(patch('urn:ietf:params:scim:schemas:core:2.0:User:password', '[redacted]'));
    for (const id of ['kept', 'posted', 'broken', 'none']) expect(after[id]).toBe(payloads[id]);
    await t.db.dataSource.query('DELETE FROM users');
  });

  it('reverting every migration leaves only the migrations table', async () => {
    await t.db.revertAll();
    const tables =
      t.db.dialect === 'postgres'
        ? await t.db.dataSource.query(
            'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
          )
        : await t.db.dataSource.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          );
    expect(tables.map((r: { name: string }) => r.name)).toEqual(['migrations']);
  });
});
