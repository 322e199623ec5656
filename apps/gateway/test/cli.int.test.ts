import { createDatabase, type Database } from '@gatehouse/domain';
import { DATABASES, type PreparedDatabase } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlFor, runCli } from './support/cli.js';

const json = (stdout: string): Record<string, unknown> => {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1); // exactly one JSON document
  return JSON.parse(lines[0] ?? '');
};

describe.each(DATABASES)('the gatehouse CLI on $name', (target) => {
  let prepared: PreparedDatabase;
  let env: Record<string, string>;
  let db: Database;
  const count = async (table: string) =>
    Number((await db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    prepared = await target.prepare();
    env = { DATABASE_URL: databaseUrlFor(prepared) };
    const migrated = await runCli(['migrate', '--json'], env);
    expect(migrated.code).toBe(0);
    expect(json(migrated.stdout).applied).not.toHaveLength(0);
    db = await createDatabase({ url: prepared.url, schema: prepared.schema });
    console.info(`CLI tests run on ${prepared.label}`);
  });
  afterAll(async () => {
    await db.close();
    await prepared.cleanup();
  });

  it('tenant create prints the ids and the owner’s one-time sign-in URL', async () => {
    const r = await runCli(
      ['tenant', 'create', '--name', 'Acme', '--slug', 'acme', '--owner-email', 'o@acme.test', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['ownerSignInUrl', 'ownerUserId', 'slug', 'tenantId']);
    expect(doc.slug).toBe('acme');
    expect(doc.ownerSignInUrl).toMatch(/^https:\/\/gatehouse\.example\/accept-invitation#token=ghi_/);
  });

  it('a duplicate slug, an invalid email or a bad slug fail clearly and write nothing', async () => {
    const before = await count('tenants');
    const cases = [
      ['--name', 'Again', '--slug', 'acme', '--owner-email', 'x@acme.test'],
      ['--name', 'Bad', '--slug', 'bad-email', '--owner-email', 'nope'],
      ['--name', 'Bad', '--slug', 'Not A Slug', '--owner-email', 'x@y.test'],
    ];
    for (const args of cases) {
      const r = await runCli(['tenant', 'create', ...args, '--json'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: /);
    }
    expect(await count('tenants')).toBe(before);
  });

  it('a missing required option is a usage error', async () => {
    const r = await runCli(['tenant', 'create', '--name', 'X', '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option/);
  });

  it('scim-token create shows the token once and stores only its hash', async () => {
    const r = await runCli(['scim-token', 'create', '--tenant', 'acme', '--name', 'Entra', '--json'], env);
    expect(r.code).toBe(0);
    const doc = json(r.stdout) as { token: string; scimBaseUrl: string };
    expect(doc.scimBaseUrl).toBe('https://gatehouse.example/scim/v2');
    expect(doc.token).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
    const rows: Array<{ token_hash: string }> = await db.dataSource.query(
      'SELECT token_hash FROM scim_tokens',
    );
    expect(rows.some((row) => row.token_hash.includes(doc.token))).toBe(false);
  });

  it('an unknown tenant is a clear error', async () => {
    const r = await runCli(['scim-token', 'create', '--tenant', 'nobody', '--json'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No tenant with slug "nobody"');
  });

  it('sso configure returns the redirect URIs and never stores the secret in clear', async () => {
    const args = [
      'sso',
      'configure',
      '--tenant',
      'acme',
      '--issuer',
      'https://login.example/v2',
      '--client-id',
      'cid',
    ];
    const r = await runCli(
      [...args, '--client-secret', 'super-secret-value', '--domain', 'acme.test', '--jit', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.redirectUri).toBe('https://gatehouse.example/auth/callback');
    expect(doc.postLogoutRedirectUri).toBe('https://gatehouse.example/sign-in');
    const [row] = await db.dataSource.query('SELECT client_secret_encrypted AS s FROM sso_connections');
    expect(row.s).not.toContain('super-secret-value');
  });

  it('a domain another connection holds is refused', async () => {
    await runCli(
      ['tenant', 'create', '--name', 'Other', '--slug', 'other', '--owner-email', 'o@other.test'],
      env,
    );
    const r = await runCli(
      [
        'sso',
        'configure',
        '--tenant',
        'other',
        '--issuer',
        'https://idp.other',
        '--client-id',
        'c',
        '--client-secret',
        's',
        '--domain',
        'acme.test',
      ],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already claimed');
  });

  it('audit verify passes on an intact chain and names the first broken link', async () => {
    const ok = await runCli(['audit', 'verify', '--tenant', 'acme', '--json'], env);
    expect(ok.code).toBe(0);
    expect(json(ok.stdout)).toMatchObject({ ok: true });
    await db.dataSource.query(
      "UPDATE audit_events SET action = 'tampered' WHERE seq = 2 AND tenant_id = (SELECT id FROM tenants WHERE slug = 'acme')",
    );
    const broken = await runCli(['audit', 'verify', '--tenant', 'acme', '--json'], env);
    expect(broken.code).toBe(1);
    expect(json(broken.stdout)).toMatchObject({ ok: false, brokenAt: { seq: 2 } });
  });
});
