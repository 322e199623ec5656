// The ranking that picks one role out of several (a manual grant and mapped groups) against the
// permission table: wherever the table orders two roles, the higher rank holds everything the lower does.
import { describe, expect, it } from 'vitest';
import { TEAM_ROLES, type TeamRole, type UserActor } from '../src/permissions/roles.js';
import { TEAM_TABLE, type TeamAction } from '../src/permissions/table.js';
import { highestTeamRole } from '../src/services/roles.js';

/** Cases on (the only setting in which a case manager can be granted); the creator rule holds. */
const actor = { kind: 'user', userId: 'u', features: { cases: true } } as unknown as UserActor;
const allowed = (role: TeamRole) =>
  new Set(
    (Object.keys(TEAM_TABLE) as TeamAction[]).filter((action) => {
      const cell = TEAM_TABLE[action][role];
      return typeof cell === 'boolean' ? cell : cell({ actor, target: { teamId: 't', createdBy: 'u' } });
    }),
  );
const contains = (a: TeamRole, b: TeamRole) => [...allowed(b)].every((action) => allowed(a).has(action));

describe('the highest of several team roles', () => {
  const pairs = TEAM_ROLES.flatMap((a) => TEAM_ROLES.filter((b) => a < b).map((b) => [a, b] as const));

  it.each(pairs)('%s and %s: the higher holds all of the lower where the table orders them', (a, b) => {
    const high = highestTeamRole(a, b);
    const low = high === a ? b : a;
    expect(highestTeamRole(b, a)).toBe(high);
    if (contains(a, b) || contains(b, a)) expect(contains(high as TeamRole, low)).toBe(true);
  });

  it('names the pairs one role cannot hold together, and which wins', () => {
    const incomparable = pairs
      .filter(([a, b]) => !contains(a, b) && !contains(b, a))
      .map(([a, b]) => `${a}+${b} → ${highestTeamRole(a, b)}`);
    expect(incomparable.sort()).toEqual([
      'case_manager+editor → editor',
      'case_manager+viewer → viewer',
      'dashboard_manager+viewer → viewer',
    ]);
  });
});
