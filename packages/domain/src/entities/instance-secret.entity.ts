import { Entity, PrimaryColumn } from 'typeorm';
import { LongTextColumn, TimeColumn } from './columns.js';

/**
 * Instance-wide secrets generated on first start when the environment provides none. They live in
 * the shared database so every gateway replica uses the same keys.
 */
@Entity('instance_secrets')
export class InstanceSecret {
  @PrimaryColumn('varchar', { length: 64 }) name!: string;
  @LongTextColumn() value!: string;
  @TimeColumn() createdAt!: Date;
}
