import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';

describe.each(DATABASES)('migrations on $name', (target) => {
  let t: OpenedDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(target, { migrate: false });
    console.info(`schema test runs on ${t.label}`);
  });
  afterAll(() => t.close());

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
    const postgres = t.db.dialect === 'postgres';
    const now = postgres ? new Date() : new Date().toISOString().replace('T', ' ').slice(0, -1);
    for (const [id, doc] of Object.entries(docs)) {
      await t.db.dataSource.query(
        postgres
          ? `INSERT INTO users (id, tenant_id, email, user_name, active, tenant_role, source, scim_attributes, version, created_at, updated_at)
             VALUES ($1, 't', $1, $1, true, 'member', 'scim', $2, 1, $3, $3)`
          : `INSERT INTO users (id, tenant_id, email, user_name, active, tenant_role, source, scim_attributes, version, created_at, updated_at)
             VALUES (?, 't', ?, ?, 1, 'member', 'scim', ?, 1, ?, ?)`,
        postgres ? [id, doc, now] : [id, id, id, doc, now, now],
      );
    }
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
