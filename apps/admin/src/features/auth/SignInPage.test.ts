import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import SignInPage from './SignInPage.vue';

let assign: MockInstance<Location['assign']>;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

beforeEach(() => {
  assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function renderPage(url = '/sign-in') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/sign-in', component: SignInPage },
      { path: '/:rest(.*)*', component: { template: '<p>elsewhere</p>' } },
    ],
  });
  await router.push(url);
  // Attached to the document so focus can be observed.
  const wrapper = mount(SignInPage, {
    attachTo: document.body,
    global: { plugins: [router, createPinia()] },
  });
  const email = wrapper.get<HTMLInputElement>('input[type="email"]');
  return { wrapper, email };
}

function stubApi(...responses: Response[]) {
  const fetchMock = vi.fn<typeof fetch>();
  for (const r of responses) fetchMock.mockResolvedValueOnce(r);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('SignInPage', () => {
  it('labels the email field "Work email" and submits with a real button', async () => {
    const { wrapper, email } = await renderPage();

    const label = wrapper.get('label[for="sign-in-email"]');
    expect(label.text()).toBe('Work email');
    expect(label.attributes('for')).toBe(email.attributes('id'));
    expect(email.attributes()).toMatchObject({ autocomplete: 'email', required: '' });
    expect(wrapper.get('button[type="submit"]').text()).toBe('Continue');
  });

  it('shows the API rule beside an invalid email, focuses the field and calls nothing', async () => {
    const fetchMock = stubApi();
    const { wrapper, email } = await renderPage();

    await email.setValue('not-an-email');
    await wrapper.get('form').trigger('submit');

    const errorId = email.attributes('aria-describedby');
    expect(errorId).toBeTruthy();
    expect(wrapper.get(`#${errorId}`).text()).toBe('Enter a valid email address.');
    expect(email.attributes('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(email.element);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('asks for an email when the field is empty', async () => {
    const { wrapper, email } = await renderPage();

    await wrapper.get('form').trigger('submit');

    expect(wrapper.get(`#${email.attributes('aria-describedby')}`).text()).toBe('Enter your work email.');
  });

  it('clears the error once the email is corrected', async () => {
    const { wrapper, email } = await renderPage();
    await email.setValue('ada@');
    await wrapper.get('form').trigger('submit');

    await email.setValue('ada@example.com');

    expect(email.attributes('aria-invalid')).toBeUndefined();
    expect(email.attributes('aria-describedby')).toBeUndefined();
    expect(wrapper.find('.field-error').exists()).toBe(false);
  });

  it('sends an SSO address straight to the identity provider through /auth/login', async () => {
    const fetchMock = stubApi(json(200, { method: 'sso', loginNotice: null }));
    const { wrapper, email } = await renderPage('/sign-in?next=/users');

    await email.setValue('  ada+admin@example.com ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(fetchMock.mock.calls[0]![0]).toBe('/auth/discovery?email=ada%2Badmin%40example.com');
    expect(assign).toHaveBeenCalledExactlyOnceWith(
      '/auth/login?email=ada%2Badmin%40example.com&returnTo=%2Fusers',
    );
  });

  it("shows the tenant's login notice before continuing to single sign-on", async () => {
    stubApi(json(200, { method: 'sso', loginNotice: 'Authorised use only.' }));
    const { wrapper, email } = await renderPage();

    await email.setValue('ada@example.com');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.text()).toContain('Authorised use only.');
    expect(assign).not.toHaveBeenCalled();
    await wrapper.get('button.button-primary').trigger('click');
    expect(assign).toHaveBeenCalledWith('/auth/login?email=ada%40example.com');
  });

  it('sends an email link and says to check the inbox', async () => {
    const fetchMock = stubApi(
      json(200, { method: 'email', loginNotice: null }),
      json(202, {
        status: 'sent',
        message: 'If ada@example.com has an account, a sign-in link is on its way.',
      }),
    );
    const { wrapper, email } = await renderPage();

    await email.setValue('ada@example.com');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    const [url, init] = fetchMock.mock.calls[1]!;
    expect(url).toBe('/auth/email/start');
    expect(JSON.parse(String(init?.body))).toEqual({ email: 'ada@example.com', returnTo: '/' });
    expect(wrapper.get('h2').text()).toBe('Check your email');
    expect(wrapper.text()).toContain('a sign-in link is on its way');
  });

  it('explains a refused SSO sign-in from ?error= in plain words', async () => {
    const { wrapper } = await renderPage('/sign-in?error=user_deactivated');

    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Your account is deactivated. Contact an owner or manager of your organisation.',
    );
  });

  it('says too many attempts in plain words on a 429', async () => {
    stubApi(json(429, { error: { code: 'rate_limited', message: 'Too many requests.' } }));
    const { wrapper, email } = await renderPage();

    await email.setValue('ada@example.com');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[role="alert"]').text()).toBe('Too many attempts. Wait a moment and try again.');
  });
});
