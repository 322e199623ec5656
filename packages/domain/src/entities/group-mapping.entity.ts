import { Entity, Index } from 'typeorm';
import type { GroupMappingTarget } from '../contracts/enums.js';
import type { TeamRole, TenantRole } from '../permissions/roles.js';
import { EnumColumn, IdColumn, RefColumn, TimeColumn } from './columns.js';

/**
 * IdP group → team + team role, or → tenant role `manager`. The owner role is never granted
 * automatically: seed 001 keeps owner assignment with owners.
 */
@Entity('group_mappings')
// Mappings of a group, applied when its memberships change.
@Index('idx_group_mappings_tenant_group', ['tenantId', 'groupId'])
export class GroupMapping {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() groupId!: string;
  @EnumColumn() target!: GroupMappingTarget;
  @RefColumn({ nullable: true }) teamId!: string | null;
  @EnumColumn({ nullable: true }) teamRole!: TeamRole | null;
  @EnumColumn({ nullable: true }) tenantRole!: Extract<TenantRole, 'manager'> | null;
  @TimeColumn() createdAt!: Date;
}
