// The HTTP permission matrix, team half: every team endpoint of the people-and-teams API, called by
// every tenant role (owner, manager, member) with every team role (admin, editor, viewer, case
// manager with cases on, dashboard manager, none), against the expectations written by hand from
// seed 002 in permission-matrix.endpoints.ts. Refused calls answer 403, or 404 for a team the caller
// is not part of, and write nothing.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TeamRole, TenantRole } from '@gatehouse/domain';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import {
  PERSONAS,
  TEAM_ENDPOINTS,
  callAndCheck,
  makeTeamFixture,
  personas,
} from './permission-matrix.endpoints.js';

/** Seed 002: a tenant owner reaches every team as its admin ("unless they are a tenant owner"); others by their role. */
function expectedFor(
  allowed: readonly TeamRole[],
  tenantRole: TenantRole,
  teamRole: TeamRole | null,
  ok: number,
) {
  const acting = tenantRole === 'owner' ? 'admin' : teamRole;
  if (acting === null) return 404; // a team one is not part of is not there (STYLE §3)
  return allowed.includes(acting) ? ok : 403;
}

describe.each(DATABASES)('permission matrix, team endpoints, on $name', (target) => {
  let gw: TestGateway;
  const persona = personas(() => gw);
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`permission matrix (team endpoints) runs on ${gw.label}`);
  });
  afterAll(() => gw.close());

  const cases = TEAM_ENDPOINTS.flatMap((endpoint) =>
    PERSONAS.map(({ tenantRole, teamRole }) => ({
      endpoint,
      tenantRole,
      teamRole,
      expected: expectedFor(endpoint.allowed, tenantRole, teamRole, endpoint.status),
    })),
  );
  it.each(cases)(
    '$endpoint.name as $tenantRole with team role $teamRole → $expected',
    async ({ endpoint, tenantRole, teamRole, expected }) => {
      const p = await persona(tenantRole, teamRole);
      const fixture = await makeTeamFixture(
        gw,
        p.t,
        p.cast,
        { user: p.user, role: teamRole },
        endpoint.needs,
      );
      await callAndCheck(gw, p, endpoint.call(fixture), expected, endpoint.status);
    },
  );
});
