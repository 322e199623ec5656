import type { QueryRunner } from 'typeorm';

/**
 * The case manager now ranks above the dashboard manager (services/roles.ts): a member of a group
 * mapped to each held the dashboard manager's role alone and lost the cases the other group gave.
 * Memberships that stored it while a group of theirs maps the case manager role on that team take the
 * case manager's, as the next recomputation would. The same statement on both dialects.
 */
export async function rerankMappedCaseManagers(q: QueryRunner): Promise<void> {
  await q.query(
    `UPDATE team_memberships SET mapped_role = 'case_manager'
      WHERE mapped_role = 'dashboard_manager'
        AND EXISTS (SELECT 1 FROM group_members gm
                      JOIN group_mappings m ON m.group_id = gm.group_id AND m.tenant_id = gm.tenant_id
                     WHERE gm.user_id = team_memberships.user_id AND m.team_id = team_memberships.team_id
                       AND m.target = 'team' AND m.team_role = 'case_manager')`,
  );
}
