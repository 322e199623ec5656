import { Entity, Index, PrimaryColumn } from 'typeorm';
import { RefColumn, TimeColumn } from './columns.js';

/** One row per (group, user): adding 100 members to a big group touches 100 rows. */
@Entity('group_members')
// A user's groups, for recomputing mapped roles when memberships change.
@Index('idx_group_members_tenant_user', ['tenantId', 'userId'])
export class GroupMember {
  @PrimaryColumn('varchar', { length: 36 }) groupId!: string;
  @PrimaryColumn('varchar', { length: 36 }) userId!: string;
  @RefColumn() tenantId!: string;
  @TimeColumn() createdAt!: Date;
}
