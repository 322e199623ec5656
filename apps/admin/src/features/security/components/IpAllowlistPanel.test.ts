import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useConfirmHost } from '../../../shared/composables/use-confirm';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import IpAllowlistPanel from './IpAllowlistPanel.vue';

const VIEW = { entries: [], enforceOnScim: false, currentIp: '198.51.100.7', currentIpAllowed: true };

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function render() {
  const gateway = fakeGateway({
    'GET /api/settings/ip-allowlist': { body: VIEW },
    'PUT /api/settings/ip-allowlist': (init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as {
        entries: Array<{ cidr: string; label: string | null }>;
      };
      return {
        body: {
          ...VIEW,
          entries: body.entries.map((e, i) => ({ ...e, id: `e${i}`, createdAt: '2026-01-01T00:00:00.000Z' })),
        },
      };
    },
  });
  const wrapper = mount(IpAllowlistPanel, {
    attachTo: document.body,
    global: { plugins: [signedInAs('owner')] },
  });
  await flushPromises();
  const add = async (cidr: string) => {
    await wrapper.get('#ip-cidr').setValue(cidr);
    await wrapper.get('form[aria-label="Add an address or range"]').trigger('submit');
  };
  const save = () =>
    wrapper
      .findAll('button')
      .find((b) => b.text() === 'Save allowlist')!
      .trigger('click');
  return { wrapper, gateway, add, save };
}

describe('IpAllowlistPanel', () => {
  it('shows your current address', async () => {
    const { wrapper } = await render();
    expect(wrapper.text()).toContain('Your current address: 198.51.100.7');
  });

  it('refuses an entry that is not an address or range, beside the field', async () => {
    const { wrapper, add } = await render();
    await add('example.com');
    expect(wrapper.get('#ip-cidr').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#ip-cidr-error').text()).toContain('CIDR range such as 203.0.113.0/24');
  });

  it('warns before a list that would lock you out, and saves only after an explicit yes', async () => {
    const { wrapper, add, save, gateway } = await render();
    await add('203.0.113.0/24');
    expect(wrapper.text()).toContain('Saving it would lock you out');

    await save();
    const host = useConfirmHost();
    await eventually(() => expect(host.pending.value?.title).toBe('You would lock yourself out'));
    expect(gateway.calls.some((c) => c.method === 'PUT')).toBe(false);
    host.answer(true);
    await flushPromises();

    expect(gateway.calls.find((c) => c.method === 'PUT')?.body).toEqual({
      entries: [{ cidr: '203.0.113.0/24', label: null }],
      enforceOnScim: false,
      confirmLockout: true,
    });
  });

  it('saves a list that includes your address without asking', async () => {
    const { add, save, gateway } = await render();
    await add('198.51.100.0/24');
    await save();
    await flushPromises();
    expect(useConfirmHost().pending.value).toBeNull();
    expect(gateway.calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ confirmLockout: false });
  });
});
