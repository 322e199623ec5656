import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import UserDrawer from './UserDrawer.vue';

const user = (tenantRole: 'owner' | 'manager' | 'member') => ({
  id: 'u1',
  email: `${tenantRole}-target@example.com`,
  givenName: null,
  familyName: null,
  displayName: null,
  tenantRole,
  mappedTenantRole: null,
  status: 'active',
  source: 'invite',
  managedByIdp: false,
  mfaEnabled: true,
  lastSignInAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  invitation: null,
  externalId: null,
  activatedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  teams: [],
});

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function open(actor: 'owner' | 'manager', target: 'owner' | 'manager' | 'member') {
  fakeGateway({ 'GET /api/users/u1': { body: user(target) } });
  mount(UserDrawer, {
    props: { userId: 'u1' },
    attachTo: document.body,
    global: { plugins: [signedInAs(actor)] },
  });
  await flushPromises();
  await eventually(() => expect(document.body.textContent).toContain('Tenant role'));
  const radio = (value: string) =>
    document.querySelector<HTMLInputElement>(`input[name="user-role"][value="${value}"]`)!;
  const reasonOf = (el: Element) =>
    document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent;
  const button = (name: string) =>
    [...document.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === name)!;
  return { radio, reasonOf, button };
}

describe('UserDrawer (seed 001: what a manager may do to an account)', () => {
  it('a manager cannot promote a member to owner or manager: the roles are visible, disabled, with the reason', async () => {
    const { radio, reasonOf } = await open('manager', 'member');

    expect(radio('owner').disabled).toBe(true);
    expect(reasonOf(radio('owner'))).toBe('Requires tenant owner.');
    expect(radio('manager').disabled).toBe(true);
    expect(reasonOf(radio('manager'))).toBe('Requires tenant owner.');
    expect(radio('member').disabled).toBe(false);
  });

  it("a manager may run a member's account operations", async () => {
    const { button } = await open('manager', 'member');

    for (const name of [
      'Send sign-in link',
      'Revoke sessions',
      'Reset second factor',
      'Deactivate',
      'Remove user',
    ])
      expect(button(name).disabled, name).toBe(false);
  });

  it("a manager finds every operation on an owner's account disabled, saying it needs a tenant owner", async () => {
    const { button, reasonOf, radio } = await open('manager', 'owner');

    for (const name of [
      'Send sign-in link',
      'Revoke sessions',
      'Reset second factor',
      'Deactivate',
      'Remove user',
    ]) {
      expect(button(name).disabled, name).toBe(true);
      expect(reasonOf(button(name)), name).toBe('Requires tenant owner.');
    }
    expect(radio('member').disabled).toBe(true);
  });

  it('an owner may give any role', async () => {
    const { radio } = await open('owner', 'member');

    expect(['owner', 'manager', 'member'].map((r) => radio(r).disabled)).toEqual([false, false, false]);
  });
});
