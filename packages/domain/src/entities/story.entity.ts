import { Entity, Index } from 'typeorm';
import type { SharingMode } from '../contracts/enums.js';
import {
  BoolColumn,
  EnumColumn,
  IdColumn,
  JsonColumn,
  RefColumn,
  TextColumn,
  TimeColumn,
} from './columns.js';

/**
 * A story (workflow). With change management on, edits go to `testVersion` and only a team admin
 * pushes them live (seed 002). Only send-to-story stories are shareable.
 */
@Entity('stories')
// A team's stories, and the allocation count per team.
@Index('idx_stories_tenant_team', ['tenantId', 'teamId'])
export class Story {
  @IdColumn() id!: string;
  @RefColumn() tenantId!: string;
  @RefColumn() teamId!: string;
  @TextColumn(200) name!: string;
  @BoolColumn() sendToStoryEnabled!: boolean;
  @EnumColumn() sharing!: SharingMode;
  @BoolColumn() changeManaged!: boolean;
  @JsonColumn() liveVersion!: unknown;
  @JsonColumn({ nullable: true }) testVersion!: unknown;
  @RefColumn() createdBy!: string;
  @TimeColumn() createdAt!: Date;
  @TimeColumn() updatedAt!: Date;
}
