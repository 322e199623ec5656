// Story allocation in the domain (seed 002 "Team story allocation"), on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvariantViolated, NotFound, PermissionDenied } from '../src/errors.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { countRows, makeServices, makeTenant, makeUser, type TestWorld } from './factories.js';

describe.each(DATABASES)('story allocation on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`allocation service tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  it('only an owner sets a maximum; a manager is refused with "Requires tenant owner."', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Ops' });
    const { actor } = await makeUser(w, tn, { tenantRole: 'manager' });
    const err = await w.services.allocations
      .set(await actor(), { teamIds: [team.id], maxStories: 2 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    expect(err.message).toBe('Requires tenant owner.');
    expect(await countRows(t.db, `team_allocations WHERE team_id = '${team.id}'`)).toBe(0);
  });

  it('concurrent creates at limit - 1 through the service: exactly one succeeds', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Busy' });
    await w.services.allocations.set(tn.ownerActor, { teamIds: [team.id], maxStories: 2 });
    await w.services.stories.create(tn.ownerActor, { teamId: team.id }, { name: 'One' });
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((i) =>
        w.services.stories.create(tn.ownerActor, { teamId: team.id }, { name: `Race ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InvariantViolated);
      expect((r as PromiseRejectedResult).reason.code).toBe('allocation.limit_reached');
    }
    expect(await countRows(t.db, `stories WHERE team_id = '${team.id}'`)).toBe(2);
  });

  it('a save racing a create never leaves more stories than the limit it saved', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Racing' });
    await w.services.stories.create(tn.ownerActor, { teamId: team.id }, { name: 'One' });
    const [saved] = await Promise.allSettled([
      w.services.allocations.set(tn.ownerActor, { teamIds: [team.id], maxStories: 1 }),
      w.services.stories.create(tn.ownerActor, { teamId: team.id }, { name: 'Two' }),
    ]);
    expect(saved.status).toBe('fulfilled');
    const stories = await countRows(t.db, `stories WHERE team_id = '${team.id}'`);
    // either the create came first (2 stories, kept: a lowered limit keeps them) or it was refused
    expect([1, 2]).toContain(stories);
    await expect(
      w.services.stories.create(tn.ownerActor, { teamId: team.id }, { name: 'Three' }),
    ).rejects.toBeInstanceOf(InvariantViolated);
  });

  it('teams of another tenant are not found, and nothing is saved', async () => {
    const tn = await makeTenant(w);
    const other = await makeTenant(w);
    const theirs = await w.services.teams.create(other.ownerActor, { name: 'Theirs' });
    await expect(
      w.services.allocations.set(tn.ownerActor, { teamIds: [theirs.id], maxStories: 1 }),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await countRows(t.db, `team_allocations WHERE team_id = '${theirs.id}'`)).toBe(0);
  });

  it('drafts do not count against any team’s allocation', async () => {
    const tn = await makeTenant(w);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Capped' });
    await w.services.allocations.set(tn.ownerActor, { teamIds: [team.id], maxStories: 0 });
    await expect(
      w.services.stories.create(tn.ownerActor, { teamId: team.id }, { name: 'No room' }),
    ).rejects.toBeInstanceOf(InvariantViolated);
    const draft = await w.services.stories.create(tn.ownerActor, 'drafts', { name: 'Still fine' });
    expect(draft.teamId).not.toBe(team.id);
  });
});
