// The admin console end to end (issue 7): the built SPA (apps/admin/dist) served by a real gateway on a
// fresh SQLite database, driven in Debian's Chromium. Elements are found by role and label, which also
// checks that the console's controls are labelled. Screenshots land in apps/gateway/artifacts/screenshots.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, systemActor, type User } from '@gatehouse/domain';
import { DATABASES } from '@gatehouse/vitest-config';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  screenshotDir,
  SKIP_BROWSER_TESTS,
  SKIP_REASON,
  type TestBrowser,
} from '../support/browser.js';
import {
  makeTenant,
  makeUser,
  startTestGateway,
  type TestGateway,
  type TestTenant,
} from '../support/gateway.js';
import { startOidcProvider, type TestIdp } from '../support/oidc-provider.js';

const sqlite = DATABASES.find((d) => d.name === 'sqlite')!;
const CLIENT = { clientId: 'gatehouse-console', clientSecret: 'console-secret' };
const STEP = 120_000;

/** Real time: the IdP and openid-client judge token times by the wall clock, and so do sign-in links. */
class WallClock extends ManualClock {
  override now(): Date {
    return new Date();
  }
}

if (SKIP_BROWSER_TESTS) console.warn(`admin console e2e: ${SKIP_REASON}`);

describe.skipIf(SKIP_BROWSER_TESTS)('admin console in Chromium', () => {
  let gw: TestGateway;
  let idp: TestIdp;
  let t: TestTenant;
  let ssoOwner: User;
  let manager: User;
  let member: User;
  let owner: TestBrowser;
  const shots = screenshotDir();
  const invitee = `new.hire-${Date.now().toString(36)}@example.org`;

  beforeAll(async () => {
    const dist = join(new URL('../../../admin/dist', import.meta.url).pathname, 'index.html');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: build the admin SPA first (pnpm build).`);
    gw = await startTestGateway(sqlite, { clock: new WallClock() });
    idp = await startOidcProvider({
      clients: [
        {
          ...CLIENT,
          redirectUris: [`${gw.config.publicUrl}/auth/callback`],
          postLogoutRedirectUris: [`${gw.config.publicUrl}/sign-in`],
        },
      ],
    });
    t = await makeTenant(gw);
    const ssoDomain = `corp-${t.tenant.slug}.example`;
    await gw.services.ssoConnections.configure(systemActor(t.tenant.id, 'test'), {
      name: 'Test IdP',
      issuer: idp.issuer,
      ...CLIENT,
      domains: [ssoDomain],
      // An invited owner has no SCIM externalId: the IdP's verified email within the domain links them.
      linkByVerifiedEmail: true,
    });
    ssoOwner = await makeUser(gw, t, { tenantRole: 'owner', email: `ada@${ssoDomain}` });
    idp.accounts.set('ada', { email: ssoOwner.email, email_verified: true, name: 'Ada Lovelace' });
    manager = await makeUser(gw, t, { tenantRole: 'manager', email: `manager@${t.tenant.slug}.test` });
    member = await makeUser(gw, t, { tenantRole: 'member', email: `member@${t.tenant.slug}.test` });
    owner = await launchBrowser();
  }, STEP);

  afterAll(async () => {
    await owner?.close();
    await idp?.close();
    await gw?.close();
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const notice = (page: Page, text: string | RegExp) => page.locator('.toasts').getByText(text);

  /** The newest link mailed to `to`, read from the outbox as an owner would without SMTP. */
  async function mailedLink(to: string, path: '/sign-in/verify' | '/accept-invitation'): Promise<string> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const page = await gw.services.mail.list(systemActor(t.tenant.id, 'test'), { limit: 200 });
      const mail = page.items.find((m) => m.to === to && m.text.includes(path));
      const link = mail && new RegExp(`https?://\\S+${path}#token=[\\w-]+`).exec(mail.text)?.[0];
      if (link) return link;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${path} link mailed to ${to}`);
  }

  async function emailSignIn(page: Page, email: string): Promise<void> {
    await page.goto(`${gw.url}/sign-in`);
    await page.getByLabel('Work email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Check your email' }).isVisible()).toBe(true);
    await page.goto(await mailedLink(email, '/sign-in/verify'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    // An owner's first sign-in shows their break-glass recovery codes once.
    const codes = page.getByText('Save your recovery codes now');
    const home = heading(page, 'Home');
    await expect.poll(async () => (await codes.isVisible()) || (await home.isVisible())).toBe(true);
    if (await codes.isVisible()) {
      await page.getByLabel('I have saved these codes somewhere safe').check();
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await home.waitFor();
  }

  async function auditShows(page: Page, action: string): Promise<Locator> {
    const filter = page.getByLabel('Action', { exact: true });
    await filter.fill(action);
    const row = page.getByRole('row').filter({ hasText: action }).first();
    await row.waitFor();
    return row;
  }

  it(
    'an owner signs in through the OIDC provider and lands on the home page',
    async () => {
      const { page } = owner;
      await page.goto(`${gw.url}/users`);
      // Signed out: the guard sends the visitor to sign-in, remembering where they were going.
      await page.waitForURL(/\/sign-in\?next=(%2F|\/)users$/);
      await shot(page, '01-sign-in');
      await page.getByLabel('Work email').fill(ssoOwner.email);
      await page.getByRole('button', { name: 'Continue' }).click();
      // oidc-provider's development login and consent pages.
      await page.locator('input[name="login"]').fill('ada');
      await page.locator('input[name="password"]').fill('any');
      await page.locator('button[type="submit"]').click();
      await page.locator('button[type="submit"]').click(); // consent
      await heading(page, 'Users').waitFor();
      await expect(page.getByRole('link', { name: new RegExp(ssoOwner.email) }).isVisible()).resolves.toBe(
        true,
      );
      await expect(page.getByText('Tenant owner').first().isVisible()).resolves.toBe(true);
      // Signing out of an SSO session also ends it at the IdP (RP-initiated logout), which asks first.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await heading(page, 'Sign in').waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/me')).status);
      expect(me).toBe(401);
    },
    STEP,
  );

  it(
    'an owner signs in with an email link read from the outbox',
    async () => {
      await emailSignIn(owner.page, t.owner.email);
      await owner.page.getByRole('heading', { name: 'Pending invitations' }).waitFor();
      await shot(owner.page, '02-home');
    },
    STEP,
  );

  it(
    'the owner sees where they are signed in, this browser marked',
    async () => {
      const { page } = owner;
      await page.getByRole('link', { name: new RegExp(t.owner.email) }).click();
      await heading(page, 'Your account').waitFor();
      const sessions = page.getByRole('table', { name: 'Your sessions' });
      await sessions.getByText('This browser').waitFor();
      // The SSO session of the first step was signed out; the email-link one is this browser's.
      await expect(sessions.getByRole('row').count()).resolves.toBe(2);
      await expect(sessions.getByText(/Email link,/).isVisible()).resolves.toBe(true);
      await shot(page, '02b-account-sessions');
    },
    STEP,
  );

  it(
    'the owner invites a user',
    async () => {
      const { page } = owner;
      await nav(page, 'Users');
      await heading(page, 'Users').waitFor();
      await page.getByRole('row').filter({ hasText: manager.email }).waitFor();
      await page.getByRole('button', { name: 'Invite user' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Invite a user' });
      // Inline validation with the API's rule, focus on the field in error.
      await dialog.getByLabel('Email address').fill('not-an-email');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await dialog.getByText('Enter a valid email address.').waitFor();
      await expect(dialog.getByLabel('Email address').getAttribute('aria-invalid')).resolves.toBe('true');
      // A failed submit moves focus to the first invalid field.
      // (a string expression: this package's tsconfig has no DOM types)
      await expect
        .poll(() => page.evaluate('document.activeElement && document.activeElement.id'))
        .toBe('invite-email');
      await dialog.getByLabel('Email address').fill(invitee);
      await expect(dialog.getByRole('radio', { name: 'Member' }).isChecked()).resolves.toBe(true);
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await notice(page, new RegExp(invitee.replace(/[.]/g, '\\.'))).waitFor();
      await page.getByRole('row').filter({ hasText: invitee }).waitFor();
      await shot(page, '03-users');
    },
    STEP,
  );

  it(
    'the owner creates a team and adds the invited user as editor',
    async () => {
      const { page } = owner;
      await nav(page, 'Teams');
      await heading(page, 'Teams').waitFor();
      await page.getByRole('button', { name: 'Create team' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Create a team' });
      await dialog.getByLabel('Team name').fill('Platform');
      await dialog.getByRole('button', { name: 'Create team' }).click();
      await heading(page, 'Platform').waitFor();
      const form = page.getByRole('form', { name: 'Add a member' });
      await form.getByLabel('Email address').fill(invitee);
      await form.getByLabel('Role').selectOption('editor');
      await form.getByRole('button', { name: 'Add member' }).click();
      const row = page.getByRole('row').filter({ hasText: invitee });
      await row.waitFor();
      await expect(row.getByLabel(`Team role of ${invitee}`).inputValue()).resolves.toBe('editor');
      await shot(page, '04-team');
    },
    STEP,
  );

  it(
    'the invited user accepts by the emailed link and, as a member, sees only what applies to them',
    async () => {
      const browser = await launchBrowser();
      try {
        const { page } = browser;
        await page.goto(await mailedLink(invitee, '/accept-invitation'));
        await page.getByRole('button', { name: 'Accept invitation' }).click();
        await heading(page, 'Home').waitFor();
        await page.getByRole('heading', { name: 'Your teams' }).waitFor();
        await page.getByRole('link', { name: 'Platform' }).waitFor();
        const links = await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link')
          .allTextContents();
        expect(links.map((l) => l.trim())).toEqual(['Home', 'Teams']);
        await page.goto(`${gw.url}/users`);
        await heading(page, 'You don’t have access to this page').waitFor();
        await shot(page, '18-member-home');
      } finally {
        await browser.close();
      }
    },
    STEP,
  );

  it(
    "the owner sets the team's story allocation",
    async () => {
      const { page } = owner;
      await nav(page, 'Story allocation');
      await heading(page, 'Story allocation').waitFor();
      await page.getByRole('checkbox', { name: 'Limit Platform' }).check();
      const max = page.getByLabel('Maximum stories');
      await max.fill('5');
      await max.press('Tab');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await notice(page, 'Maximum of 5 stories saved for 1 team.').waitFor();
      await page.getByRole('row').filter({ hasText: 'Platform' }).getByText('0 / 5').waitFor();
      await shot(page, '05-allocation');
    },
    STEP,
  );

  it(
    'the owner finds both addresses to register at the identity provider, each with a copy button',
    async () => {
      const { page } = owner;
      await nav(page, 'Security');
      await page
        .getByRole('navigation', { name: 'Security sections' })
        .getByRole('link', { name: 'SSO connections' })
        .click();
      await page.getByText(`${gw.config.publicUrl}/auth/callback`, { exact: true }).waitFor();
      await page.getByText(`${gw.config.publicUrl}/sign-in`, { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Copy redirect URI' }).waitFor();
      await page.getByRole('button', { name: 'Copy sign-out redirect URI' }).waitFor();
      await shot(page, '05b-sso-connections');
    },
    STEP,
  );

  it(
    'the owner changes the session policy to a fixed duration',
    async () => {
      const { page } = owner;
      await nav(page, 'Security');
      await page
        .getByRole('navigation', { name: 'Security sections' })
        .getByRole('link', { name: 'Session policy' })
        .click();
      await page.getByRole('radio', { name: /Fixed duration/ }).check();
      const minutes = page.getByLabel('Minutes');
      await minutes.fill('240');
      await minutes.press('Tab');
      await page.getByRole('button', { name: 'Save session policy' }).click();
      await notice(page, /Session policy saved: fixed duration of 4 hours/).waitFor();
      await shot(page, '06-session-policy');
    },
    STEP,
  );

  it(
    'the owner adds an IP range that includes their own address',
    async () => {
      const { page } = owner;
      await page
        .getByRole('navigation', { name: 'Security sections' })
        .getByRole('link', { name: 'IP allowlist' })
        .click();
      await page.getByText('Your current address:').waitFor();
      await page.getByLabel('Address or CIDR range').fill('127.0.0.0/8');
      await page.getByRole('button', { name: 'Add to list' }).click();
      await page.getByRole('cell', { name: '127.0.0.0/8', exact: true }).waitFor();
      // The console warns before a list that would lock the owner out; this one does not.
      await expect(page.getByText('Saving it would lock you out').count()).resolves.toBe(0);
      await page.getByRole('button', { name: 'Save allowlist' }).click();
      await notice(page, 'IP allowlist saved with 1 entry.').waitFor();
      await shot(page, '07-ip-allowlist');
    },
    STEP,
  );

  it(
    'the owner creates a SCIM token, shown once with a copy button',
    async () => {
      const { page } = owner;
      await page
        .getByRole('navigation', { name: 'Security sections' })
        .getByRole('link', { name: 'SCIM' })
        .click();
      await page.getByRole('button', { name: 'Create token' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create a SCIM token' });
      await dialog.getByLabel('Token name').fill('Okta');
      await dialog.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByRole('dialog', { name: 'Copy your new token' });
      const token = await shown.getByLabel('Token Okta').inputValue();
      expect(token.length).toBeGreaterThan(20);
      await shown.getByRole('button', { name: 'Copy token' }).click();
      await shown.getByRole('button', { name: 'Copied', exact: true }).waitFor();
      await shot(page, '08-scim-token-once');
      await shown.getByRole('button', { name: 'I have copied it' }).click();
      await page.getByRole('cell', { name: 'Okta', exact: true }).waitFor();
      // Shown once: the list never carries the token again.
      await expect(page.content()).resolves.not.toContain(token);
      // The token works against the SCIM API.
      const scim = await fetch(`${gw.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });
      expect(scim.status).toBe(200);
      await shot(page, '09-security-scim');
    },
    STEP,
  );

  it(
    'the owner sees each change in the audit log, with before and after',
    async () => {
      const { page } = owner;
      await nav(page, 'Audit log');
      await heading(page, 'Audit log').waitFor();
      for (const action of [
        'user.invited',
        'team.created',
        'team.member_added',
        'allocation.set',
        'tenant.session_policy_changed',
        'ip_allowlist.replaced',
        'scim_token.created',
      ]) {
        await auditShows(page, action);
      }
      const row = await auditShows(page, 'tenant.session_policy_changed');
      await row.getByRole('button', { name: /Details of tenant.session_policy_changed/ }).click();
      const drawer = page.getByRole('dialog');
      await drawer.getByRole('columnheader', { name: 'Before' }).waitFor();
      await drawer.getByRole('cell', { name: 'fixed' }).first().waitFor();
      await shot(page, '10-audit-detail');
      await page.keyboard.press('Escape');
      await page.getByLabel('Action', { exact: true }).fill('');
      await page.getByRole('button', { name: 'Verify chain' }).click();
      await page.getByText('Chain intact.').waitFor();
      // A long export shows its progress, then saves the streamed file.
      await page.getByLabel('Export format').selectOption('ndjson');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export log' }).click();
      expect((await download).suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.ndjson$/);
      await page.getByText(/Export complete: \d+ lines/).waitFor();
      await shot(page, '11-audit-log');
    },
    STEP,
  );

  it(
    'the other main views render, at laptop and tablet widths',
    async () => {
      const { page } = owner;
      await nav(page, 'Sign-in activity');
      await page.getByRole('row').filter({ hasText: t.owner.email }).first().waitFor();
      await shot(page, '12-sign-ins');
      await nav(page, 'Settings');
      await heading(page, 'Settings').waitFor();
      await page.getByRole('switch', { name: 'Custom object sharing' }).waitFor();
      await shot(page, '13-settings');
      await page
        .getByRole('navigation', { name: 'Settings sections' })
        .getByRole('link', { name: 'Branding' })
        .click();
      await page.getByLabel('Login notice').fill('Authorised use only. Activity is logged.');
      await page
        .getByRole('region', { name: 'Sign-in page preview' })
        .getByText('Authorised use only.')
        .waitFor();
      await shot(page, '14-branding');
      await page
        .getByRole('navigation', { name: 'Settings sections' })
        .getByRole('link', { name: 'Integrations' })
        .click();
      await page.getByLabel('Monthly event limit', { exact: true }).waitFor();
      await page.getByLabel('Key name').fill('Workflow runtime');
      await page.getByRole('button', { name: 'Create API key' }).click();
      const key = page.getByRole('dialog', { name: 'Copy your new API key' });
      expect((await key.getByLabel('API key Workflow runtime').inputValue()).length).toBeGreaterThan(20);
      await key.getByRole('button', { name: 'I have copied it' }).click();
      await shot(page, '19-integrations');
      await nav(page, 'Home');
      await heading(page, 'Home').waitFor();
      await page.getByRole('img', { name: /successful and \d+ refused sign-ins/ }).waitFor();
      await shot(page, '02-home');
      await page.setViewportSize({ width: 820, height: 1180 });
      await page.getByRole('button', { name: 'Menu' }).click();
      await nav(page, 'Users');
      await heading(page, 'Users').waitFor();
      await shot(page, '15-users-tablet');
      await page.setViewportSize({ width: 1366, height: 900 });
      const layoutProblems = owner.problems.filter((p) => /Content Security Policy|page error/i.test(p));
      expect(layoutProblems).toEqual([]);
    },
    STEP,
  );

  it(
    'a manager finds owner-only controls disabled and cannot promote anyone to owner',
    async () => {
      const browser = await launchBrowser();
      try {
        const { page } = browser;
        await emailSignIn(page, manager.email);
        await expect(page.getByText('Tenant manager').first().isVisible()).resolves.toBe(true);

        await page.goto(`${gw.url}/security/sessions`);
        await page.getByRole('heading', { name: 'Session policy' }).waitFor();
        const save = page.getByRole('button', { name: 'Save session policy' });
        await expect(save.isDisabled()).resolves.toBe(true);
        const reasonId = await save.getAttribute('aria-describedby');
        await expect(page.locator(`#${reasonId}`).textContent()).resolves.toBe('Requires tenant owner.');
        await shot(page, '16-manager-session-policy');

        await page
          .getByRole('navigation', { name: 'Security sections' })
          .getByRole('link', { name: 'SCIM' })
          .click();
        await expect(page.getByRole('button', { name: 'Create token' }).isDisabled()).resolves.toBe(true);

        await nav(page, 'Users');
        await page.getByRole('button', { name: `Manage ${member.email}` }).click();
        const drawer = page.getByRole('dialog');
        const toOwner = drawer.getByRole('radio', { name: /Owner/ });
        await toOwner.waitFor();
        await expect(toOwner.isDisabled()).resolves.toBe(true);
        await expect(drawer.getByRole('radio', { name: /Manager/ }).isDisabled()).resolves.toBe(true);
        await expect(drawer.getByRole('radio', { name: /Member/ }).isDisabled()).resolves.toBe(false);
        await drawer.getByText('Requires tenant owner.').first().waitFor();
        await shot(page, '17-manager-user-drawer');

        // The server decides too: the same promotion through the API is refused with the reason.
        const refused = await page.evaluate(async (userId) => {
          const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
          const res = await fetch(`/api/users/${userId}/role`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
            body: JSON.stringify({ tenantRole: 'owner' }),
          });
          return { status: res.status, body: (await res.json()) as { error: { message: string } } };
        }, member.id);
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toMatch(/tenant owner/i);
        const stillMember = await gw.services.users.get(systemActor(t.tenant.id, 'test'), member.id);
        expect(stillMember.tenantRole).toBe('member');
      } finally {
        await browser.close();
      }
    },
    STEP,
  );
});
