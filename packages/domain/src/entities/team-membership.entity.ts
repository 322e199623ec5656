import { Entity, Index, PrimaryColumn } from 'typeorm';
import type { TeamRole } from '../permissions/roles.js';
import { EnumColumn, RefColumn, TimeColumn } from './columns.js';

/**
 * A user's place in a team. `role` is granted by a person and survives IdP sync; `mappedRole` is
 * recomputed from group mappings. The effective role is the higher of the two; a row with neither is deleted.
 */
@Entity('team_memberships')
// A user's teams (the actor's team roles on every request).
@Index('idx_team_memberships_tenant_user', ['tenantId', 'userId'])
export class TeamMembership {
  @PrimaryColumn('varchar', { length: 36 }) teamId!: string;
  @PrimaryColumn('varchar', { length: 36 }) userId!: string;
  @RefColumn() tenantId!: string;
  @EnumColumn({ nullable: true }) role!: TeamRole | null;
  @EnumColumn({ nullable: true }) mappedRole!: TeamRole | null;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
