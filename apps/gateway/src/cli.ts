// `pnpm gatehouse <command>`: operator commands on the same database the server uses.
// With --json, stdout carries exactly one JSON document; errors go to stderr with a non-zero exit.
import { Command, CommanderError, Option } from 'commander';
import { DomainError, systemActor, type Services } from '@gatehouse/domain';
import { ConfigError, loadConfig, ssoRedirectUris, type Config } from './config.js';
import { openRuntime, type Runtime } from './runtime.js';

interface Output {
  json: boolean;
}

type Result = { document: Record<string, unknown>; text: string; exitCode?: number };
type Handler = (rt: Runtime, config: Config) => Promise<Result>;

export const invitationUrl = (config: Config, token: string): string =>
  // The token rides in the fragment, which browsers never send to servers or proxies' logs.
  `${config.publicUrl}/accept-invitation#token=${encodeURIComponent(token)}`;

async function tenantBySlug(services: Services, slug: string) {
  return services.tenants.findBySlug(slug);
}

function buildProgram(run: (handler: Handler, out: Output) => Promise<void>): Command {
  const program = new Command('gatehouse')
    .description('Operate a Gatehouse instance (uses DATABASE_URL, or the local SQLite file)')
    .option('--json', 'print exactly one JSON document on stdout')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const out = (): Output => ({ json: Boolean(program.opts().json) });

  const tenant = program.command('tenant').description('tenants');
  tenant
    .command('create')
    .description('create a tenant and invite its first owner')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--slug <slug>', 'URL-safe identifier')
    .requiredOption('--owner-email <email>', 'email of the first tenant owner')
    .action((o: { name: string; slug: string; ownerEmail: string }) =>
      run(async ({ services }, config) => {
        const created = await services.tenants.create(
          { name: o.name, slug: o.slug, ownerEmail: o.ownerEmail },
          'cli',
        );
        const ownerSignInUrl = invitationUrl(config, created.token);
        return {
          document: {
            tenantId: created.tenant.id,
            slug: created.tenant.slug,
            ownerUserId: created.owner.id,
            ownerSignInUrl,
          },
          text: `Created tenant ${created.tenant.slug} (${created.tenant.id}).\nOwner ${created.owner.email} signs in first at:\n  ${ownerSignInUrl}\n(shown once; valid 7 days)`,
        };
      }, out()),
    );

  program
    .command('scim-token')
    .description('SCIM bearer tokens')
    .command('create')
    .description('create a SCIM token (shown once, stored hashed)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--name <label>', 'label shown in the audit log', 'default')
    .action((o: { tenant: string; name: string }) =>
      run(async ({ services }, config) => {
        const t = await tenantBySlug(services, o.tenant);
        const { token } = await services.scimTokens.create(systemActor(t.id), { name: o.name });
        const scimBaseUrl = `${config.publicUrl}/scim/v2`;
        return {
          document: { token, scimBaseUrl },
          text: `SCIM base URL: ${scimBaseUrl}\nToken (shown once): ${token}`,
        };
      }, out()),
    );

  program
    .command('sso')
    .description('OIDC single sign-on')
    .command('configure')
    .description('add an OIDC connection for an email domain')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--issuer <url>', 'OIDC issuer URL (discovery)')
    .requiredOption('--client-id <id>', 'client id at the IdP')
    .requiredOption('--client-secret <secret>', 'client secret (stored encrypted)')
    .requiredOption('--domain <domain...>', 'verified email domain(s) routed to this IdP')
    .option('--jit', 'create member accounts on first sign-in', false)
    .addOption(
      new Option('--link-claim <claim>', 'ID token claim equal to the SCIM externalId').default('sub'),
    )
    .action(
      (o: {
        tenant: string;
        issuer: string;
        clientId: string;
        clientSecret: string;
        domain: string[];
        jit: boolean;
        linkClaim: string;
      }) =>
        run(async ({ services }, config) => {
          const t = await tenantBySlug(services, o.tenant);
          const connection = await services.ssoConnections.configure(systemActor(t.id), {
            issuer: o.issuer,
            clientId: o.clientId,
            clientSecret: o.clientSecret,
            domains: o.domain,
            jitEnabled: o.jit,
            linkClaim: o.linkClaim,
          });
          const { redirectUri, postLogoutRedirectUri } = ssoRedirectUris(config);
          return {
            document: { connectionId: connection.id, redirectUri, postLogoutRedirectUri },
            text: [
              `SSO connection ${connection.id} for ${connection.domains.join(', ')}.`,
              `Register at the IdP the redirect URI ${redirectUri}`,
              `and the sign-out (post-logout) redirect URI ${postLogoutRedirectUri}`,
            ].join('\n'),
          };
        }, out()),
    );

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() =>
      run(
        async ({ migrationsApplied }) => ({
          document: { applied: migrationsApplied },
          text: migrationsApplied.length
            ? `Applied: ${migrationsApplied.join(', ')}`
            : 'Database schema is up to date.',
        }),
        out(),
      ),
    );

  program
    .command('audit')
    .description('audit log')
    .command('verify')
    .description('recompute the tenant’s audit hash chain; exit 1 when a link is broken')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .action((o: { tenant: string }) =>
      run(async ({ services }) => {
        const t = await tenantBySlug(services, o.tenant);
        const verdict = await services.audit.verify(systemActor(t.id));
        if (verdict.ok) return { document: verdict, text: `Audit chain intact: ${verdict.records} records.` };
        return {
          document: verdict,
          text: `Audit chain BROKEN at record ${verdict.brokenAt.seq} (${verdict.brokenAt.reason}); ${verdict.records} records verified before it.`,
          exitCode: 1,
        };
      }, out()),
    );
  return program;
}

async function execute(handler: Handler, out: Output): Promise<void> {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  try {
    const result = await handler(runtime, config);
    process.stdout.write(out.json ? `${JSON.stringify(result.document)}\n` : `${result.text}\n`);
    process.exitCode = result.exitCode ?? 0;
  } finally {
    await runtime.db.close();
  }
}

/** Operator-facing message for anything a command can fail with; never a stack trace for a user error. */
function describeFailure(err: unknown): { message: string; code: number } {
  if (err instanceof DomainError || err instanceof ConfigError) return { message: err.message, code: 1 };
  return { message: `unexpected failure: ${err instanceof Error ? err.message : String(err)}`, code: 70 };
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram(execute);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are successful exits; usage errors were already printed by commander
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const failure = describeFailure(err);
    process.stderr.write(`error: ${failure.message}\n`);
    process.exitCode = failure.code;
  }
}

await runCli(process.argv);
