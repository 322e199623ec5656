import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import SignInPage from './SignInPage.vue';

let assign: MockInstance<Location['assign']>;

beforeEach(() => {
  assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

function renderPage() {
  // Attached to the document so focus can be observed.
  const wrapper = mount(SignInPage, { attachTo: document.body });
  const email = wrapper.get<HTMLInputElement>('input[type="email"]');
  return { wrapper, email };
}

describe('SignInPage', () => {
  it('labels the email field "Work email" and submits with a real button', () => {
    const { wrapper, email } = renderPage();

    const label = wrapper.get('label');
    expect(label.text()).toBe('Work email');
    expect(label.attributes('for')).toBe(email.attributes('id'));
    expect(email.attributes()).toMatchObject({ autocomplete: 'email', required: '' });
    expect(wrapper.get('button[type="submit"]').text()).toBe('Continue');
  });

  it('shows an error linked to an invalid email, focuses the field and does not navigate', async () => {
    const { wrapper, email } = renderPage();

    await email.setValue('not-an-email');
    await wrapper.get('form').trigger('submit');

    const errorId = email.attributes('aria-describedby');
    expect(errorId).toBeTruthy();
    expect(wrapper.get(`#${errorId}`).text()).toBe('Enter an email address like name@example.com.');
    expect(email.attributes('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(email.element);
    expect(assign).not.toHaveBeenCalled();
  });

  it('asks for an email when the field is empty', async () => {
    const { wrapper, email } = renderPage();

    await wrapper.get('form').trigger('submit');

    expect(wrapper.get(`#${email.attributes('aria-describedby')}`).text()).toBe('Enter your work email.');
    expect(assign).not.toHaveBeenCalled();
  });

  it('clears the error once the email is corrected', async () => {
    const { wrapper, email } = renderPage();
    await email.setValue('ada@');
    await wrapper.get('form').trigger('submit');

    await email.setValue('ada@example.com');

    expect(email.attributes('aria-invalid')).toBeUndefined();
    expect(email.attributes('aria-describedby')).toBeUndefined();
    expect(wrapper.find('.field-error').exists()).toBe(false);
  });

  it('sends a valid email to the gateway for home-realm discovery', async () => {
    const { wrapper, email } = renderPage();

    await email.setValue('  ada+admin@example.com ');
    await wrapper.get('form').trigger('submit');

    expect(assign).toHaveBeenCalledExactlyOnceWith('/auth/login?email=ada%2Badmin%40example.com');
    expect(email.attributes('aria-invalid')).toBeUndefined();
  });
});
