import { Entity, PrimaryColumn } from 'typeorm';
import { RefColumn, TimeColumn } from './columns.js';

/**
 * Home-realm discovery: an email domain belongs to exactly one tenant's connection, so
 * `/auth/login?email=…` can never route a person to another tenant's IdP.
 */
@Entity('sso_domains')
export class SsoDomain {
  @PrimaryColumn('varchar', { length: 253 }) domain!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() connectionId!: string;
  @TimeColumn() createdAt!: Date;
}
