// The HTTP permission matrix, tenant half: every user, team-list, allocation and drafts endpoint,
// called by every tenant role with every team role (a team role adds no tenant authority), against
// the expectations written by hand from seeds 000, 001 and 002 in permission-matrix.endpoints.ts.
// Refused calls answer 403, or 404 for an account the caller may not see, and write nothing.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { PERSONAS, TENANT_ENDPOINTS, callAndCheck, personas } from './permission-matrix.endpoints.js';

describe.each(DATABASES)('permission matrix, tenant endpoints, on $name', (target) => {
  let gw: TestGateway;
  const persona = personas(() => gw);
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`permission matrix (tenant endpoints) runs on ${gw.label}`);
  });
  afterAll(() => gw.close());

  const cases = TENANT_ENDPOINTS.flatMap((endpoint) =>
    PERSONAS.map(({ tenantRole, teamRole }) => ({
      endpoint,
      tenantRole,
      teamRole,
      expected: endpoint.expected[tenantRole],
    })),
  );
  it.each(cases)(
    '$endpoint.name as $tenantRole with team role $teamRole → $expected',
    async ({ endpoint, tenantRole, teamRole, expected }) => {
      const p = await persona(tenantRole, teamRole);
      const fixture = await endpoint.setup(gw, p.t, p.user);
      // every row allows someone, and success statuses sort below refusals
      const allowedStatus = Math.min(...Object.values(endpoint.expected));
      await callAndCheck(gw, p, endpoint.call(fixture), expected, allowedStatus);
    },
  );
});
