import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import ScimTokens from './ScimTokens.vue';

const ITEM = {
  id: 'k1',
  name: 'Okta',
  prefix: 'ghs_abcd',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};
const LIST = { scimBaseUrl: 'https://gatehouse.example.com/scim/v2', items: [] };

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('ScimTokens', () => {
  it('a manager is not sent to the owner-only token list: the button is disabled with why, and nothing 403s', async () => {
    const { calls } = fakeGateway({});
    const wrapper = mount(ScimTokens, {
      attachTo: document.body,
      global: { plugins: [signedInAs('manager')] },
    });
    await flushPromises();

    expect(calls).toEqual([]);
    const create = wrapper.findAll('button').find((b) => b.text() === 'Create token')!;
    expect(create.attributes('disabled')).toBeDefined();
    expect(wrapper.get(`#${create.attributes('aria-describedby')}`).text()).toBe('Requires tenant owner.');
  });

  it('shows a new token once, with a copy button, and lists only its prefix afterwards', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    fakeGateway({
      'GET /api/scim/tokens': { body: LIST },
      'POST /api/scim/tokens': {
        status: 201,
        body: { token: 'ghs_abcd_secret-token-value', scimBaseUrl: LIST.scimBaseUrl, item: ITEM },
      },
    });
    const wrapper = mount(ScimTokens, {
      attachTo: document.body,
      global: { plugins: [signedInAs('owner')] },
    });
    await flushPromises();
    expect(wrapper.text()).toContain('https://gatehouse.example.com/scim/v2');

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Create token')!
      .trigger('click');
    await eventually(() => expect(document.querySelector('#scim-token-name')).not.toBeNull());
    const name = document.querySelector<HTMLInputElement>('#scim-token-name')!;
    name.value = 'Okta';
    name.dispatchEvent(new Event('input'));
    document
      .querySelector<HTMLFormElement>('[role="dialog"] form')!
      .dispatchEvent(new Event('submit', { cancelable: true }));
    await flushPromises();

    await eventually(() =>
      expect(document.querySelector<HTMLInputElement>('#new-scim-token')?.value).toBe(
        'ghs_abcd_secret-token-value',
      ),
    );
    expect(document.body.textContent).toContain('This token is shown only once.');
    const copy = [...document.querySelectorAll('button')].find((b) => b.textContent?.includes('Copy token'))!;
    copy.click();
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith('ghs_abcd_secret-token-value');

    [...document.querySelectorAll('button')]
      .find((b) => b.textContent?.includes('I have copied it'))!
      .click();
    await eventually(() => expect(document.querySelector('#new-scim-token')).toBeNull());
    expect(document.body.textContent).not.toContain('secret-token-value');
    expect(wrapper.text()).toContain('ghs_abcd…');
  });
});
