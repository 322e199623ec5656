import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import InviteUserDialog from './InviteUserDialog.vue';

const TEAMS = {
  items: [
    {
      id: '6f1c1f1e-0000-4000-8000-000000000001',
      name: 'Platform',
      memberCount: 1,
      stories: { used: 0, limit: null },
      myRole: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  ],
  nextCursor: null,
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function render(role: 'owner' | 'manager', routes = {}) {
  const gateway = fakeGateway({ 'GET /api/teams': { body: TEAMS }, ...routes });
  const wrapper = mount(InviteUserDialog, {
    attachTo: document.body,
    global: { plugins: [signedInAs(role)] },
  });
  await flushPromises();
  await eventually(() => expect(document.querySelector('#invite-email')).not.toBeNull());
  const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!;
  const submit = async () => {
    $<HTMLFormElement>('form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flushPromises();
  };
  return { wrapper, gateway, $, submit };
}

async function type(input: HTMLInputElement, value: string): Promise<void> {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

describe('InviteUserDialog', () => {
  it('validates the email inline with the API rule, links the error and focuses the field', async () => {
    const { $, submit, gateway } = await render('owner');
    const email = $<HTMLInputElement>('#invite-email');
    // Naive UI's focus trap keeps happy-dom's activeElement on its sentinel; the e2e checks real focus.
    const focus = vi.spyOn(email, 'focus');

    await type(email, 'ada@');
    await submit();

    await eventually(() => expect(email.getAttribute('aria-invalid')).toBe('true'));
    expect($(`#${email.getAttribute('aria-describedby')}`).textContent).toBe('Enter a valid email address.');
    expect(focus).toHaveBeenCalled();
    expect(gateway.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('clears the error as soon as the email is corrected', async () => {
    const { $, submit } = await render('owner');
    const email = $<HTMLInputElement>('#invite-email');
    await type(email, 'ada@');
    await submit();

    await type(email, 'ada@example.com');

    await eventually(() => expect(email.getAttribute('aria-invalid')).toBeNull());
    expect(document.querySelector('#invite-email-error')).toBeNull();
  });

  it('a manager may invite members only: owner and manager are visible, disabled, with the reason', async () => {
    const { $ } = await render('manager');
    const radio = (r: string) => $<HTMLInputElement>(`input[name="invite-role"][value="${r}"]`);

    expect(radio('member').disabled).toBe(false);
    expect(radio('member').checked).toBe(true);
    for (const r of ['owner', 'manager']) {
      expect(radio(r).disabled).toBe(true);
      expect($(`#${radio(r).getAttribute('aria-describedby')}`).textContent).toBe('Requires tenant owner.');
    }
  });

  it('sends the invitation with the chosen team and role', async () => {
    const { $, submit, gateway } = await render('owner', {
      'POST /api/users/invitations': (init: RequestInit) => ({
        status: 201,
        body: {
          user: { id: 'u9', email: JSON.parse(String(init.body)).email },
          invitation: {},
          emailSent: true,
        },
      }),
    });
    await type($<HTMLInputElement>('#invite-email'), 'grace@example.com');
    $<HTMLInputElement>('input[name="invite-role"][value="manager"]').click();
    $<HTMLInputElement>('.team-picks input[type="checkbox"]').click();
    await flushPromises();
    const role = $<HTMLSelectElement>('.team-picks select');
    role.value = 'admin';
    role.dispatchEvent(new Event('change'));

    await submit();

    expect(gateway.calls.find((c) => c.method === 'POST')?.body).toEqual({
      email: 'grace@example.com',
      tenantRole: 'manager',
      teams: [{ teamId: TEAMS.items[0]!.id, role: 'admin' }],
    });
  });

  it("shows the gateway's refusal in plain words and keeps the dialog open", async () => {
    const { $, submit } = await render('owner', {
      'POST /api/users/invitations': {
        status: 409,
        body: {
          error: { code: 'user.exists', message: 'grace@example.com already has an account in this tenant.' },
        },
      },
    });
    await type($<HTMLInputElement>('#invite-email'), 'grace@example.com');

    await submit();

    await eventually(() =>
      expect($('[role="alert"]').textContent).toContain('already has an account in this tenant.'),
    );
    expect($('#invite-email')).not.toBeNull();
  });
});
