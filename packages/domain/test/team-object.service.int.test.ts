// Team objects and sharing in the domain (seed 002), on SQLite and PostgreSQL: what services refuse
// and what they store, whatever calls them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../src/errors.js';
import { FeatureFlag } from '../src/entities/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import {
  countRows,
  makeServices,
  makeTenant,
  makeUser,
  type MadeTenant,
  type TestWorld,
} from './factories.js';

describe.each(DATABASES)('team objects on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`team object service tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  const flag = (tn: MadeTenant, key: 'cases' | 'custom_object_sharing') =>
    t.db.transaction((tx) =>
      tx.insert(FeatureFlag, {
        tenantId: tn.tenant.id,
        key,
        enabled: true,
        updatedBy: null,
        updatedAt: new Date(),
      }),
    );

  it('a credential’s secret is stored sealed and never handed out by the service', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Sec' });
    const created = await w.services.credentials.create(tn.ownerActor, team.id, {
      name: 'Vault',
      kind: 'text',
      secret: 'plain-secret-value',
    });
    expect(JSON.stringify(created)).not.toContain('plain-secret-value');
    expect(
      JSON.stringify(await w.services.credentials.get(tn.ownerActor, team.id, created.id)),
    ).not.toContain('plain-secret');
    const [row] = await t.db.dataSource.query(
      `SELECT secret_encrypted FROM credentials WHERE id = '${created.id}'`,
    );
    expect(row.secret_encrypted).not.toContain('plain-secret');
  });

  it('credential and resource names are unique across the tenant, case-insensitively', async () => {
    const tn = await makeTenant(w);
    const a = await w.services.teams.create(tn.ownerActor, { name: 'A' });
    const b = await w.services.teams.create(tn.ownerActor, { name: 'B' });
    await w.services.credentials.create(tn.ownerActor, a.id, { name: 'Key', kind: 'text', secret: 's' });
    await expect(
      w.services.credentials.create(tn.ownerActor, b.id, { name: 'KEY', kind: 'text', secret: 's' }),
    ).rejects.toBeInstanceOf(Conflict);
    await w.services.resources.create(tn.ownerActor, a.id, { name: 'List', value: [] });
    await expect(
      w.services.resources.create(tn.ownerActor, b.id, { name: 'list', value: [] }),
    ).rejects.toBeInstanceOf(Conflict);
    // another tenant may use the same names
    const other = await makeTenant(w);
    const theirs = await w.services.teams.create(other.ownerActor, { name: 'A' });
    await expect(
      w.services.credentials.create(other.ownerActor, theirs.id, { name: 'Key', kind: 'text', secret: 's' }),
    ).resolves.toMatchObject({ name: 'Key' });
  });

  it('a member who is not in the team does not find it; an editor is refused what admins do', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Closed' });
    const outsider = await makeUser(w, tn);
    const editor = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'editor' }] });
    await expect(
      w.services.stories.list(await outsider.actor(), { teamId: team.id }, {}),
    ).rejects.toBeInstanceOf(NotFound);
    const story = await w.services.stories.create(
      await editor.actor(),
      { teamId: team.id },
      {
        name: 'S',
        changeManaged: true,
      },
    );
    await w.services.stories.update(await editor.actor(), { teamId: team.id }, story.id, {
      definition: { a: 1 },
    });
    const err = await w.services.stories
      .pushLive(await editor.actor(), { teamId: team.id }, story.id)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    expect(err.message).toBe('Requires team admin.');
  });

  it('sharing with chosen teams needs the flag; with it, share rows name only this tenant’s teams', async () => {
    const tn = await makeTenant(w);
    const home = await w.services.teams.create(tn.ownerActor, { name: 'Home' });
    const guest = await w.services.teams.create(tn.ownerActor, { name: 'Guest' });
    const c = await w.services.credentials.create(tn.ownerActor, home.id, {
      name: 'C',
      kind: 'text',
      secret: 's',
    });
    const access = { sharing: 'selected_teams' as const, teamIds: [guest.id] };
    const err = await w.services.credentials.setAccess(tn.ownerActor, home.id, c.id, access).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.code).toBe('sharing.custom_disabled');
    await flag(tn, 'custom_object_sharing');
    await w.services.credentials.setAccess(tn.ownerActor, home.id, c.id, access);
    expect(await countRows(t.db, `object_shares WHERE object_id = '${c.id}'`)).toBe(1);
    const other = await makeTenant(w);
    const foreign = await w.services.teams.create(other.ownerActor, { name: 'Foreign' });
    await expect(
      w.services.credentials.setAccess(tn.ownerActor, home.id, c.id, {
        sharing: 'selected_teams',
        teamIds: [foreign.id],
      }),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await countRows(t.db, `object_shares WHERE object_id = '${c.id}'`)).toBe(1);
    await w.services.credentials.delete(tn.ownerActor, home.id, c.id);
    expect(await countRows(t.db, `object_shares WHERE object_id = '${c.id}'`)).toBe(0);
  });

  it('with cases on, a case manager reads no credentials but sees those shared with all teams & drafts', async () => {
    const tn = await makeTenant(w);
    await flag(tn, 'cases');
    const home = await w.services.teams.create(tn.ownerActor, { name: 'Home' });
    const mine = await w.services.teams.create(tn.ownerActor, { name: 'Mine' });
    const cm = await makeUser(w, tn, { teams: [{ teamId: mine.id, role: 'case_manager' }] });
    const shared = await w.services.credentials.create(tn.ownerActor, home.id, {
      name: 'Shared',
      kind: 'text',
      secret: 's',
      access: { sharing: 'all_teams_and_drafts' },
    });
    await expect(w.services.credentials.list(await cm.actor(), mine.id, {})).rejects.toBeInstanceOf(
      PermissionDenied,
    );
    const page = await w.services.sharing.sharedWithTeam(await cm.actor(), mine.id, { type: 'credential' });
    expect(page.items.map((o) => o.id)).toEqual([shared.id]);
    const drafts = await w.services.drafts.sharedObjects(await cm.actor(), { type: 'credential' });
    expect(drafts.items.map((o) => o.id)).toEqual([shared.id]);
  });

  it('every change is audited in the same transaction, with the team', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Audited' });
    const before = await countRows(t.db, `audit_events WHERE team_id = '${team.id}'`);
    const d = await w.services.dashboards.create(tn.ownerActor, team.id, { name: 'D' });
    await w.services.dashboards.update(tn.ownerActor, team.id, d.id, { elements: [{ kind: 'chart' }] });
    await w.services.dashboards.delete(tn.ownerActor, team.id, d.id);
    expect(await countRows(t.db, `audit_events WHERE team_id = '${team.id}'`)).toBe(before + 3);
  });
});
