import { Entity, PrimaryColumn } from 'typeorm';
import { LongTextColumn, TextColumn, TimeColumn } from './columns.js';

/** Seed 000 "Custom branding": custom sender email and the login notice. */
@Entity('brandings')
export class Branding {
  @PrimaryColumn('varchar', { length: 36 }) tenantId!: string;
  @TextColumn(320, { nullable: true }) senderEmail!: string | null;
  @TextColumn(200, { nullable: true }) senderName!: string | null;
  @LongTextColumn({ nullable: true }) loginNotice!: string | null;
  @TimeColumn() updatedAt!: Date;
}
