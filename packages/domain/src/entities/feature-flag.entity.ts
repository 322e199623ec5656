import { Entity, PrimaryColumn } from 'typeorm';
import type { FeatureFlagKey } from '../contracts/enums.js';
import { BoolColumn, RefColumn, TimeColumn } from './columns.js';

/** A tenant's feature switch (seed 000 "Feature flags"); absent = off. */
@Entity('feature_flags')
export class FeatureFlag {
  @PrimaryColumn('varchar', { length: 36 }) tenantId!: string;
  @PrimaryColumn('varchar', { length: 64 }) key!: FeatureFlagKey;
  @BoolColumn() enabled!: boolean;
  @RefColumn({ nullable: true }) updatedBy!: string | null;
  @TimeColumn() updatedAt!: Date;
}
