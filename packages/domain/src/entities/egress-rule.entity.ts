import { Entity, Index } from 'typeorm';
import type { EgressEffect } from '../contracts/enums.js';
import { EnumColumn, IdColumn, IntColumn, JsonColumn, RefColumn, TextColumn, TimeColumn } from './columns.js';

/** An action egress rule: which hosts, ports and schemes workflow actions may reach. */
@Entity('egress_rules')
// The tenant's rules in evaluation order.
@Index('idx_egress_rules_tenant_position', ['tenantId', 'position'])
export class EgressRule {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @EnumColumn() effect!: EgressEffect;
  /** A host, `*.domain` wildcard, IP or CIDR. */
  @TextColumn(253) host!: string;
  /** Empty = any port. */
  @JsonColumn() ports!: number[];
  /** Empty = any scheme. */
  @JsonColumn() schemes!: string[];
  @IntColumn() position!: number;
  @TextColumn(200, { nullable: true }) description!: string | null;
  @TimeColumn() createdAt!: Date;
}
