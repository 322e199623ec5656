import type { TeamRole, TenantRole } from '../permissions/index.js';

/**
 * Breadth of each team role, for "a user in several mapped groups gets the highest role" and for
 * combining a manual grant with a mapped one. A member holds one role (seed 002), so the higher of
 * two must hold everything the lower does wherever the table orders them: admin ⊃ editor ⊃ viewer,
 * editor ⊃ dashboard manager, and case manager ⊃ dashboard manager (the case manager role exists only
 * with cases on, and there it includes the dashboard manager's, seed 002). The narrow roles rank below
 * viewer because they see less of the team; viewer against either narrow role, and editor against the
 * case manager (who may delete cases), are incomparable: one of the two is given, the other's extra
 * rights are not (test/roles.test.ts pins which).
 */
const RANK: Record<TeamRole, number> = {
  admin: 5,
  editor: 4,
  viewer: 3,
  case_manager: 2,
  dashboard_manager: 1,
};

export function highestTeamRole(...roles: Array<TeamRole | null | undefined>): TeamRole | null {
  let best: TeamRole | null = null;
  for (const r of roles) if (r && (!best || RANK[r] > RANK[best])) best = r;
  return best;
}

const TENANT_RANK: Record<TenantRole, number> = { owner: 3, manager: 2, member: 1 };

/**
 * The tenant role an account acts with: the higher of the one a person gave and the one an IdP
 * group mapping gives (mappings never give owner). Permission targets use it, so a mapped manager is
 * a manager to the table too.
 */
export function effectiveTenantRole(user: {
  tenantRole: TenantRole;
  mappedTenantRole: TenantRole | null;
}): TenantRole {
  const mapped = user.mappedTenantRole;
  return mapped && TENANT_RANK[mapped] > TENANT_RANK[user.tenantRole] ? mapped : user.tenantRole;
}
