import { systemClock, type Clock } from '../clock.js';
import { SecretBox } from '../crypto.js';
import type { Database } from '../database.js';
import { ActorService } from './actor.service.js';
import { AuditLog } from './audit.js';
import { AuditService } from './audit.service.js';
import { ScimTokenService } from './scim-token.service.js';
import {
  DEFAULT_PROVISIONING_LOG,
  ProvisioningLogService,
  type ProvisioningLogOptions,
} from './provisioning-log.service.js';
import { ProvisioningService } from './provisioning.service.js';
import { DEFAULT_SCIM_RATE_LIMIT, ScimRateLimiter, type ScimRateLimitOptions } from './scim-rate-limit.js';
import { SessionService } from './session.service.js';
import { SsoConnectionService } from './sso-connection.service.js';
import { TeamService } from './team.service.js';
import { TenantService } from './tenant.service.js';
import { UserService } from './user.service.js';
import { AllocationService } from './allocation.service.js';
import { CaseService } from './case.service.js';
import { CredentialService } from './credential.service.js';
import { DashboardService } from './dashboard.service.js';
import { DraftsService } from './drafts.js';
import { ResourceService } from './resource.service.js';
import { SharingService } from './sharing.js';
import { StoryService } from './story.service.js';
import { TeamDirectoryService } from './team-directory.service.js';
import { UserDirectoryService } from './user-directory.service.js';
import { IpAllowlistService } from './ip-allowlist.service.js';
import { MailService, outboxOnlyMailer, type Mailer } from './mail.service.js';
import { MfaService } from './mfa.service.js';
import { RateLimiter } from './rate-limiter.js';
import { RecoveryCodes } from './recovery-codes.js';
import { SignInActivityService } from './sign-in-activity.service.js';
import { SignInService } from './sign-in.service.js';
import { TenantSettingsService } from './tenant-settings.service.js';
import { UserAccessService } from './user-access.service.js';
import { AiProviderService } from './ai-provider.service.js';
import { ApiKeyService } from './api-key.service.js';
import { AuditQueryService } from './audit-query.service.js';
import { BrandingService } from './branding.service.js';
import { EgressService } from './egress.service.js';
import { FeatureFlagService } from './feature-flag.service.js';
import { GroupMappingService } from './group-mapping.service.js';
import { IntegrationService } from './integration.service.js';
import { SsoAdminService } from './sso-admin.service.js';
import { UsageService } from './usage.service.js';
import { DEFAULT_WEBHOOK_POLICY, WebhookDeliveryService, queueAuditWebhook } from './webhook.service.js';

export interface Services {
  db: Database;
  clock: Clock;
  actors: ActorService;
  sessions: SessionService;
  tenants: TenantService;
  users: UserService;
  teams: TeamService;
  scimTokens: ScimTokenService;
  // SCIM provisioning (issue 4)
  provisioning: ProvisioningService;
  provisioningLog: ProvisioningLogService;
  scimRateLimit: ScimRateLimiter;
  ssoConnections: SsoConnectionService;
  audit: AuditService;
  userDirectory: UserDirectoryService;
  teamDirectory: TeamDirectoryService;
  credentials: CredentialService;
  resources: ResourceService;
  stories: StoryService;
  cases: CaseService;
  dashboards: DashboardService;
  sharing: SharingService;
  drafts: DraftsService;
  allocations: AllocationService;
  // sign-in (issue 5)
  rateLimiter: RateLimiter;
  mail: MailService;
  signIn: SignInService;
  signIns: SignInActivityService;
  mfa: MfaService;
  ipAllowlist: IpAllowlistService;
  tenantSettings: TenantSettingsService;
  userAccess: UserAccessService;
  // security, configuration and monitoring (issue 6)
  apiKeys: ApiKeyService;
  usage: UsageService;
  egress: EgressService;
  featureFlags: FeatureFlagService;
  aiProviders: AiProviderService;
  branding: BrandingService;
  integrations: IntegrationService;
  webhookDeliveries: WebhookDeliveryService;
  groupMappings: GroupMappingService;
  ssoAdmin: SsoAdminService;
  auditQuery: AuditQueryService;
}

/** SCIM tuning: the per-token rate limit and the provisioning log's retention. */
export interface ProvisioningOptions {
  rateLimit?: Partial<ScimRateLimitOptions>;
  log?: Partial<ProvisioningLogOptions>;
}

/** Wires every service by hand from the database, the clock and the instance key. */
export function createServices(
  db: Database,
  opts: {
    encryptionKey: Buffer;
    clock?: Clock;
    mailer?: Mailer;
    provisioning?: ProvisioningOptions;
    /**
     * What calls URLs tenant owners supply (SSO discovery tests, the audit webhook): the gateway
     * passes one that reaches public addresses only. Default: the platform's fetch.
     */
    fetch?: typeof fetch;
  },
): Services {
  const clock = opts.clock ?? systemClock;
  const outbound = opts.fetch ?? fetch;
  // every audit record is queued for the tenant's audit webhook in the record's own transaction
  const audit = new AuditLog(clock, [queueAuditWebhook(clock)]);
  const deps = { db, clock, audit, secrets: new SecretBox(opts.encryptionKey) };
  const actors = new ActorService(deps);
  const users = new UserService(deps);
  const teams = new TeamService(deps);
  const sessions = new SessionService(deps, actors, opts.encryptionKey);
  const rateLimiter = new RateLimiter(deps);
  const mail = new MailService(deps, opts.mailer ?? outboxOnlyMailer);
  const recoveryCodes = new RecoveryCodes(opts.encryptionKey);
  const scimTokens = new ScimTokenService(deps);
  const ipAllowlist = new IpAllowlistService(deps, rateLimiter, scimTokens);
  const apiKeys = new ApiKeyService(deps);
  const signIn = new SignInService(
    deps,
    sessions,
    actors,
    users,
    mail,
    rateLimiter,
    ipAllowlist,
    recoveryCodes,
  );
  const userAccess = new UserAccessService(deps, signIn, mail);
  return {
    db,
    clock,
    actors,
    sessions,
    tenants: new TenantService(deps),
    users,
    teams,
    scimTokens,
    provisioning: new ProvisioningService(deps),
    provisioningLog: new ProvisioningLogService(db, clock, {
      ...DEFAULT_PROVISIONING_LOG,
      ...opts.provisioning?.log,
    }),
    scimRateLimit: new ScimRateLimiter(db, clock, {
      ...DEFAULT_SCIM_RATE_LIMIT,
      ...opts.provisioning?.rateLimit,
    }),
    ssoConnections: new SsoConnectionService(deps),
    audit: new AuditService(deps),
    userDirectory: new UserDirectoryService(deps, users, mail, userAccess),
    teamDirectory: new TeamDirectoryService(deps, teams, mail),
    credentials: new CredentialService(deps),
    resources: new ResourceService(deps),
    stories: new StoryService(deps),
    cases: new CaseService(deps),
    dashboards: new DashboardService(deps),
    sharing: new SharingService(deps),
    drafts: new DraftsService(deps),
    allocations: new AllocationService(deps),
    rateLimiter,
    mail,
    signIn,
    signIns: new SignInActivityService(deps),
    mfa: new MfaService(deps, rateLimiter, recoveryCodes),
    ipAllowlist,
    tenantSettings: new TenantSettingsService(deps),
    userAccess,
    apiKeys,
    usage: new UsageService(deps, apiKeys),
    egress: new EgressService(deps, apiKeys),
    featureFlags: new FeatureFlagService(deps),
    aiProviders: new AiProviderService(deps),
    branding: new BrandingService(deps),
    integrations: new IntegrationService(deps, outbound),
    webhookDeliveries: new WebhookDeliveryService(deps, DEFAULT_WEBHOOK_POLICY, outbound),
    groupMappings: new GroupMappingService(deps),
    ssoAdmin: new SsoAdminService(deps, outbound),
    auditQuery: new AuditQueryService(deps),
  };
}

export type { ActorContext } from './context.js';
export { authorize, systemActor } from './context.js';
export type { ChainVerdict } from './audit.js';
export { userStatus } from './user.service.js';
export { effectiveTenantRole, highestTeamRole } from './roles.js';
export { verifyAuditChain, hashAuditEvent, canonicalJson } from './audit.js';
export type { AddMemberResult } from './team.service.js';
export type { CreatedTenant } from './tenant.service.js';
export type { ScimPrincipal } from './scim-token.service.js';
export type { IfMatch, Provisioned, ProvisioningService } from './provisioning.service.js';
export type {
  ProvisioningLogInput,
  ProvisioningLogOptions,
  ProvisioningLogService,
} from './provisioning-log.service.js';
export type { RateDecision, ScimRateLimitOptions, ScimRateLimiter } from './scim-rate-limit.js';
export { DEFAULT_PROVISIONING_LOG, DEFAULT_SCIM_RATE_LIMIT };
export { loadEncryptionKey } from './instance-secrets.js';
export {
  SESSION_POLICY_BOUNDS,
  sessionExpiry,
  type ResolvedSession,
  type StartSessionInput,
} from './session.service.js';
export type {
  DirectoryUser,
  DirectoryUserDetail,
  InvitationOutcome,
  Links,
} from './user-directory.service.js';
export type { AddedMember, TeamMemberRecord, TeamSummaryRecord } from './team-directory.service.js';
export type { CredentialRecord } from './credential.service.js';
export type { ResourceRecord } from './resource.service.js';
export type { StoryRecord, StorySpace } from './story.service.js';
export type { CaseRecord } from './case.service.js';
export type { DashboardRecord } from './dashboard.service.js';
export type { SharedObjectEntry } from './sharing.js';
export type { DraftsSummary } from './drafts.js';
export type { AllocationRecord } from './allocation.service.js';
export type { Page } from './team-object.js';
export type { RateLimitVerdict } from './rate-limiter.js';
export { DEFAULT_SENDER, invitationUrl, type Mailer, type MailMessage } from './mail.service.js';
export {
  AUTH_REQUEST_TTL_MS,
  EMAIL_LINK_TTL_MS,
  SignInRefused,
  signInLinkUrl,
  type IdpAssertion,
  type PendingSso,
  type SignInContext,
  type SignInOutcome,
  type SsoClientSettings,
} from './sign-in.service.js';
export type { SignInActivityFilter, SignInDay, SignInEventItem } from './sign-in-activity.service.js';
export {
  parseClientIp,
  parseIpRange,
  type IpAllowlistState,
  type ReplaceIpAllowlist,
} from './ip-allowlist.service.js';
export type { AuthMethodsState, SessionPolicyState } from './tenant-settings.service.js';
export { totpAt, verifyTotp } from './totp.js';
export {
  auditMappedRoleChanges,
  computeMappedRoles,
  recomputeMappedRoles,
  type MappedRoleChange,
  type MappedRoles,
} from './group-mapping.service.js';
export {
  DEFAULT_WEBHOOK_POLICY,
  PRIVATE_ADDRESS_REFUSED,
  SIGNATURE_HEADER,
  signWebhook,
  type WebhookPolicy,
} from './webhook.service.js';
export type { AiProviderState } from './ai-provider.service.js';
export type { AuditWebhookState, DeliveryStats } from './integration.service.js';
export type { BrandingState } from './branding.service.js';
export type { EgressCheck } from './egress.service.js';
export type { UsageMonthReport } from './usage.service.js';
