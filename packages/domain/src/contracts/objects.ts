import { z } from 'zod';
import { SHAREABLE_OBJECT_TYPES, SHARING_MODES } from './enums.js';
import { Name } from './inputs.js';
import { Cursor, PageLimit, pageOf } from './monitoring.js';

// Team objects (seed 002): credentials, resources, stories, cases and dashboards, and their sharing.

const Timestamp = z.iso.datetime();
/** Any JSON value (the body is already parsed JSON); only "missing" is refused. */
const JsonValue = z.unknown().refine((v) => v !== undefined, 'Required.');

export const ListObjectsQuery = z.object({ limit: PageLimit, cursor: Cursor.optional() });
export type ListObjectsQuery = z.input<typeof ListObjectsQuery>;

// ---- sharing ("Access") ----

/**
 * Seed 002 "Sharing across teams": the owning team only (default), all teams & drafts, or chosen
 * teams — the last only when the tenant's custom object sharing flag is on.
 */
export const ObjectAccessInput = z
  .object({
    sharing: z.enum(SHARING_MODES),
    /** The teams to share with; only for `selected_teams`. */
    teamIds: z.array(z.uuid()).max(500).default([]),
  })
  .strict()
  .superRefine((access, ctx) => {
    if (access.sharing === 'selected_teams' && access.teamIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['teamIds'], message: 'Choose at least one team to share with.' });
    if (access.sharing !== 'selected_teams' && access.teamIds.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['teamIds'],
        message: 'Teams are chosen only for selected_teams.',
      });
  });
export type ObjectAccessInput = z.input<typeof ObjectAccessInput>;

const Access = {
  sharing: z.enum(SHARING_MODES),
  /** The teams an object is shared with under `selected_teams`; empty otherwise. */
  sharedWithTeamIds: z.array(z.string()),
};

// ---- credentials ----

export const CREDENTIAL_KINDS = ['text', 'http_request', 'oauth2', 'jwt', 'aws', 'mtls'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Seed 002: "allowed domains, URL paths, or server hosts" for outbound requests using a credential. */
export const CredentialDomain = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .regex(/^\S+$/, 'A domain, URL path or host has no spaces.');
const CredentialDomains = z.array(CredentialDomain).max(100);

export const CredentialParams = z.object({ teamId: z.uuid(), credentialId: z.uuid() });

export const CreateCredentialInput = z
  .object({
    name: Name(200),
    kind: z.enum(CREDENTIAL_KINDS),
    /** Sealed with the instance key at rest; never returned. */
    secret: z.string().min(1, 'Required.').max(16_384),
    domains: CredentialDomains.default([]),
    access: ObjectAccessInput.optional(),
  })
  .strict();
export type CreateCredentialInput = z.input<typeof CreateCredentialInput>;

export const UpdateCredentialInput = z
  .object({
    name: Name(200).optional(),
    kind: z.enum(CREDENTIAL_KINDS).optional(),
    /** Replaces the stored secret. */
    secret: z.string().min(1, 'Required.').max(16_384).optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'Change at least one field.');
export type UpdateCredentialInput = z.input<typeof UpdateCredentialInput>;

export const SetCredentialDomainsInput = z.object({ domains: CredentialDomains }).strict();
export type SetCredentialDomainsInput = z.input<typeof SetCredentialDomainsInput>;

export const CredentialView = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  kind: z.enum(CREDENTIAL_KINDS),
  domains: z.array(z.string()),
  ...Access,
  /** Whether a secret is stored; the secret itself never leaves the server. */
  hasSecret: z.boolean(),
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CredentialView = z.infer<typeof CredentialView>;
export const CredentialList = pageOf(CredentialView);
export type CredentialList = z.infer<typeof CredentialList>;

// ---- resources ----

export const ResourceParams = z.object({ teamId: z.uuid(), resourceId: z.uuid() });

export const CreateResourceInput = z
  .object({ name: Name(200), value: JsonValue, access: ObjectAccessInput.optional() })
  .strict();
export type CreateResourceInput = z.input<typeof CreateResourceInput>;

export const UpdateResourceInput = z
  .object({ name: Name(200).optional(), value: z.unknown().optional() })
  .strict()
  .refine((r) => r.name !== undefined || r.value !== undefined, 'Change at least one field.');
export type UpdateResourceInput = z.input<typeof UpdateResourceInput>;

export const ResourceView = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  value: z.unknown(),
  ...Access,
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ResourceView = z.infer<typeof ResourceView>;
export const ResourceList = pageOf(ResourceView);
export type ResourceList = z.infer<typeof ResourceList>;

// ---- stories ----

/** A story's actions and links, as the workflow runtime reads them: a JSON object. */
const StoryDefinition = z.record(z.string(), z.unknown());

export const StoryParams = z.object({ teamId: z.uuid(), storyId: z.uuid() });
export const DraftStoryParams = z.object({ storyId: z.uuid() });

export const CreateStoryInput = z
  .object({
    name: Name(200),
    /** The story's actions and links; opaque to the gateway. */
    definition: StoryDefinition.default({}),
    sendToStoryEnabled: z.boolean().default(false),
    /** Seed 002: with change management, edits go to a test version a team admin pushes live. */
    changeManaged: z.boolean().default(false),
    /** Only for send-to-story stories (seed 002: "when send to story is enabled, you can share a story"). */
    access: ObjectAccessInput.optional(),
  })
  .strict();
export type CreateStoryInput = z.input<typeof CreateStoryInput>;

export const UpdateStoryInput = z
  .object({
    name: Name(200).optional(),
    /** With change management on, this edits the test version; otherwise the live one. */
    definition: StoryDefinition.optional(),
    sendToStoryEnabled: z.boolean().optional(),
    changeManaged: z.boolean().optional(),
  })
  .strict()
  .refine((s) => Object.values(s).some((v) => v !== undefined), 'Change at least one field.');
export type UpdateStoryInput = z.input<typeof UpdateStoryInput>;

export const StoryView = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  sendToStoryEnabled: z.boolean(),
  changeManaged: z.boolean(),
  liveVersion: z.unknown(),
  /** Edits waiting to be pushed live (change-managed stories); null when there are none. */
  testVersion: z.unknown(),
  hasTestChanges: z.boolean(),
  ...Access,
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type StoryView = z.infer<typeof StoryView>;
export const StoryList = pageOf(StoryView);
export type StoryList = z.infer<typeof StoryList>;

// ---- cases ----

export const CASE_STATUSES = ['open', 'in_progress', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CaseParams = z.object({ teamId: z.uuid(), caseId: z.uuid() });

export const CreateCaseInput = z
  .object({ title: Name(300), status: z.enum(CASE_STATUSES).default('open') })
  .strict();
export type CreateCaseInput = z.input<typeof CreateCaseInput>;

export const UpdateCaseInput = z
  .object({ title: Name(300).optional(), status: z.enum(CASE_STATUSES).optional() })
  .strict()
  .refine((c) => c.title !== undefined || c.status !== undefined, 'Change at least one field.');
export type UpdateCaseInput = z.input<typeof UpdateCaseInput>;

export const CaseView = z.object({
  id: z.string(),
  teamId: z.string(),
  title: z.string(),
  status: z.enum(CASE_STATUSES),
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CaseView = z.infer<typeof CaseView>;
export const CaseList = pageOf(CaseView);
export type CaseList = z.infer<typeof CaseList>;

// ---- dashboards ----

export const DashboardParams = z.object({ teamId: z.uuid(), dashboardId: z.uuid() });

const DashboardElements = z.array(z.unknown()).max(200);

export const CreateDashboardInput = z
  .object({ name: Name(200), elements: DashboardElements.default([]) })
  .strict();
export type CreateDashboardInput = z.input<typeof CreateDashboardInput>;

export const UpdateDashboardInput = z
  .object({ name: Name(200).optional(), elements: DashboardElements.optional() })
  .strict()
  .refine((d) => d.name !== undefined || d.elements !== undefined, 'Change at least one field.');
export type UpdateDashboardInput = z.input<typeof UpdateDashboardInput>;

export const DashboardView = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  elements: z.array(z.unknown()),
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type DashboardView = z.infer<typeof DashboardView>;
export const DashboardList = pageOf(DashboardView);
export type DashboardList = z.infer<typeof DashboardList>;

// ---- what a team (or a drafts space) may use from other teams ----

export const ListSharedObjectsQuery = z.object({
  /** One kind at a time, as the pickers of a story's actions ask for them. */
  type: z.enum(SHAREABLE_OBJECT_TYPES),
  limit: PageLimit,
  cursor: Cursor.optional(),
});
export type ListSharedObjectsQuery = z.input<typeof ListSharedObjectsQuery>;

/** An object another team shares with this one: enough to pick it, nothing secret. */
export const SharedObject = z.object({
  type: z.enum(SHAREABLE_OBJECT_TYPES),
  id: z.string(),
  name: z.string(),
  /** The team that owns it. */
  teamId: z.string(),
  teamName: z.string(),
  sharing: z.enum(SHARING_MODES),
  createdAt: Timestamp,
});
export type SharedObject = z.infer<typeof SharedObject>;
export const SharedObjectList = pageOf(SharedObject);
export type SharedObjectList = z.infer<typeof SharedObjectList>;

/** GET /api/me/drafts: the signed-in user's personal drafts space. */
export const DraftsSpace = z.object({
  /** Null until the space is first used. */
  id: z.string().nullable(),
  storyCount: z.number().int(),
});
export type DraftsSpace = z.infer<typeof DraftsSpace>;
