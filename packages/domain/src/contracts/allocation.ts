import { z } from 'zod';
import { Cursor, PageLimit, pageOf } from './monitoring.js';

// Team story allocation (seeds 000 "Setting team limits" and 002 "Team story allocation").

/** The largest maximum an owner may set; far beyond any real team, small enough to stay an integer. */
export const MAX_STORY_ALLOCATION = 1_000_000;

export const ListAllocationsQuery = z.object({ limit: PageLimit, cursor: Cursor.optional() });
export type ListAllocationsQuery = z.input<typeof ListAllocationsQuery>;

export const TeamAllocationRow = z.object({
  teamId: z.string(),
  teamName: z.string(),
  /** Stories the team has now. */
  used: z.number().int(),
  /** The maximum; null when the team has none. */
  limit: z.number().int().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export type TeamAllocationRow = z.infer<typeof TeamAllocationRow>;

export const AllocationList = pageOf(TeamAllocationRow);
export type AllocationList = z.infer<typeof AllocationList>;

/**
 * Seed 002: "Check the box for the team(s) you want to limit; Set the maximum stories; Click Save".
 * `maxStories: null` clears the limit of the chosen teams.
 */
export const SetAllocationsInput = z
  .object({
    teamIds: z
      .array(z.uuid())
      .min(1, 'Choose at least one team.')
      .max(500)
      .refine((ids) => new Set(ids).size === ids.length, 'Each team once.'),
    maxStories: z.number().int().min(0).max(MAX_STORY_ALLOCATION).nullable(),
  })
  .strict();
export type SetAllocationsInput = z.input<typeof SetAllocationsInput>;

/** The chosen teams as saved. */
export const SetAllocationsResult = z.object({ items: z.array(TeamAllocationRow) });
export type SetAllocationsResult = z.infer<typeof SetAllocationsResult>;
