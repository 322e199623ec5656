import { Entity, Index, PrimaryColumn } from 'typeorm';
import type { ShareableObjectType } from '../contracts/enums.js';
import { RefColumn, TimeColumn } from './columns.js';

/** A team an object is shared with when its sharing mode is `selected_teams` (custom object sharing). */
@Entity('object_shares')
// Objects shared with a team, for "a team sees its own objects plus those shared with it".
@Index('idx_object_shares_tenant_team', ['tenantId', 'teamId', 'objectType'])
export class ObjectShare {
  @PrimaryColumn('varchar', { length: 32 }) objectType!: ShareableObjectType;
  @PrimaryColumn('varchar', { length: 36 }) objectId!: string;
  @PrimaryColumn('varchar', { length: 36 }) teamId!: string;
  @RefColumn() tenantId!: string;
  @TimeColumn() createdAt!: Date;
}
