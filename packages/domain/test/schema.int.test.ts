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
