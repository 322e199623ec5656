// Team story allocation (seeds 000 and 002) through HTTP: "check the teams, set the maximum, save".
import { randomUUID } from 'node:crypto';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationList, SetAllocationsResult } from '@gatehouse/domain/contracts';
import { makeTenant, signIn, startTestGateway, type Browser, type TestGateway } from './support/gateway.js';
import { auditRecords, fingerprint, makeMember, makeTeam, system } from './support/people.js';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe.each(DATABASES)('story allocation API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`story allocation API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  const save = (b: Browser, teamIds: string[], maxStories: number | null) =>
    b.fetch('/api/allocations', { method: 'PUT', json: { teamIds, maxStories } });
  const createStory = (b: Browser, teamId: string, name: string) =>
    b.fetch(`/api/teams/${teamId}/stories`, { method: 'POST', json: { name } });

  it('the owner checks teams, sets a maximum and saves; the list shows used / limit for every team', async () => {
    const t = await makeTenant(gw);
    const [a, b, c] = [await makeTeam(gw, t), await makeTeam(gw, t), await makeTeam(gw, t)];
    await gw.services.stories.create(system(t), { teamId: a.id }, { name: 'Existing' });
    const owner = await signIn(gw, t.owner);
    const res = await save(owner, [a.id, b.id], 3);
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as SetAllocationsResult).items.map((r) => [r.teamId, r.used, r.limit]),
    ).toEqual(
      expect.arrayContaining([
        [a.id, 1, 3],
        [b.id, 0, 3],
      ]),
    );
    const list = (await (await owner.fetch('/api/allocations')).json()) as AllocationList;
    const expected: Record<string, { used: number; limit: number | null }> = {
      [a.id]: { used: 1, limit: 3 },
      [b.id]: { used: 0, limit: 3 },
      [c.id]: { used: 0, limit: null },
    };
    const byName = [a, b, c].sort((x, y) => (x.name < y.name ? -1 : 1));
    expect(list.items.map((r) => ({ teamId: r.teamId, used: r.used, limit: r.limit }))).toEqual(
      byName.map((team) => ({ teamId: team.id, ...expected[team.id] })),
    );
    const records = await auditRecords(gw, t.tenant.id, 'allocation.set');
    expect(records.map((r) => r.team_id).sort()).toEqual([a.id, b.id].sort());
    expect(JSON.parse(records[0]!.change)).toEqual({
      before: { maxStories: null },
      after: { maxStories: 3 },
    });
  });

  it('a manager may look at the allocations but not save them: 403 "Requires tenant owner."; a member may not look', async () => {
    const t = await makeTenant(gw);
    const team = await makeTeam(gw, t);
    const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
    expect((await manager.fetch('/api/allocations')).status).toBe(200);
    const before = await fingerprint(gw);
    const res = await save(manager, [team.id], 1);
    expect(res.status).toBe(403);
    expect(((await res.json()) as ApiError).error.message).toBe('Requires tenant owner.');
    expect(await fingerprint(gw)).toBe(before);
    const member = await signIn(gw, await makeMember(gw, t));
    expect((await member.fetch('/api/allocations')).status).toBe(403);
  });

  it('a story beyond the limit is refused with the limit in the message', async () => {
    const t = await makeTenant(gw);
    const team = await makeTeam(gw, t);
    const owner = await signIn(gw, t.owner);
    await save(owner, [team.id], 1);
    expect((await createStory(owner, team.id, 'First')).status).toBe(201);
    const before = await fingerprint(gw);
    const res = await createStory(owner, team.id, 'Second');
    expect(res.status).toBe(409);
    const { error } = (await res.json()) as ApiError;
    expect(error).toMatchObject({ code: 'allocation.limit_reached', details: { limit: 1, used: 1 } });
    expect(error.message).toContain('1 story');
    expect(await fingerprint(gw)).toBe(before);
  });

  it('lowering a limit below the current count keeps the stories and blocks new ones; clearing it lifts the block', async () => {
    const t = await makeTenant(gw);
    const team = await makeTeam(gw, t);
    const owner = await signIn(gw, t.owner);
    for (const name of ['One', 'Two', 'Three'])
      expect((await createStory(owner, team.id, name)).status).toBe(201);
    await save(owner, [team.id], 2);
    const list = (await (await owner.fetch('/api/allocations')).json()) as AllocationList;
    expect(list.items.find((r) => r.teamId === team.id)).toMatchObject({ used: 3, limit: 2 });
    const blocked = await createStory(owner, team.id, 'Four');
    expect(blocked.status).toBe(409);
    expect(((await blocked.json()) as ApiError).error.message).toContain('2 stories');
    const cleared = await save(owner, [team.id], null);
    expect(((await cleared.json()) as SetAllocationsResult).items[0]).toMatchObject({ used: 3, limit: null });
    expect((await createStory(owner, team.id, 'Four')).status).toBe(201);
    expect(await auditRecords(gw, t.tenant.id, 'allocation.cleared')).toHaveLength(1);
  });

  it('concurrent creates at limit - 1: exactly one succeeds', async () => {
    const t = await makeTenant(gw);
    const team = await makeTeam(gw, t);
    const owner = await signIn(gw, t.owner);
    await save(owner, [team.id], 3);
    await createStory(owner, team.id, 'One');
    await createStory(owner, team.id, 'Two');
    const editors = await Promise.all(
      [1, 2, 3, 4].map(async () =>
        signIn(gw, await makeMember(gw, t, 'member', [{ teamId: team.id, role: 'editor' }])),
      ),
    );
    const results = await Promise.all(editors.map((b, i) => createStory(b, team.id, `Race ${i}`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const list = (await (await owner.fetch('/api/allocations')).json()) as AllocationList;
    expect(list.items.find((r) => r.teamId === team.id)).toMatchObject({ used: 3, limit: 3 });
  });

  it('unknown team ids are not found and nothing is saved; bad maxima are a 400', async () => {
    const t = await makeTenant(gw);
    const team = await makeTeam(gw, t);
    const owner = await signIn(gw, t.owner);
    const before = await fingerprint(gw);
    const res = await save(owner, [team.id, randomUUID()], 5);
    expect(res.status).toBe(404);
    expect(await fingerprint(gw)).toBe(before);
    for (const bad of [-1, 1.5, '5']) {
      expect(
        (
          await owner.fetch('/api/allocations', {
            method: 'PUT',
            json: { teamIds: [team.id], maxStories: bad },
          })
        ).status,
      ).toBe(400);
    }
    expect((await save(owner, [], 5)).status).toBe(400);
    expect((await save(owner, [team.id, team.id], 5)).status).toBe(400);
  });

  it('pages every team by name with a keyset cursor', async () => {
    const t = await makeTenant(gw);
    const teams = [];
    for (let i = 0; i < 5; i += 1) teams.push(await makeTeam(gw, t));
    const owner = await signIn(gw, t.owner);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await owner.fetch(`/api/allocations?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as AllocationList;
      seen.push(...page.items.map((r) => r.teamName));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(teams.map((team) => team.name).sort());
  });
});
