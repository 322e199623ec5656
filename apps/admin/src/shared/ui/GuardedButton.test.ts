import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { useSessionStore } from '../../features/auth/session.store';
import { meAs, signedInAs } from '../../test/support';
import GuardedButton from './GuardedButton.vue';

function render(props: InstanceType<typeof GuardedButton>['$props'], pinia = signedInAs('owner')) {
  return mount(GuardedButton, {
    props,
    slots: { default: 'Save session policy' },
    global: { plugins: [pinia] },
  });
}

describe('GuardedButton (permission-aware controls)', () => {
  it('a manager sees an owner-only action disabled, with "Requires tenant owner." beside it', () => {
    const wrapper = render({ action: 'sessionPolicy:edit' }, signedInAs('manager'));

    const button = wrapper.get('button');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.text()).toBe('Save session policy');
    const reason = wrapper.get(`#${button.attributes('aria-describedby')}`);
    expect(reason.text()).toBe('Requires tenant owner.');
    expect(reason.classes()).not.toContain('sr-only');
  });

  it('an owner gets the same control enabled, with no reason', () => {
    const wrapper = render({ action: 'sessionPolicy:edit' });

    expect(wrapper.get('button').attributes('disabled')).toBeUndefined();
    expect(wrapper.get('button').attributes('aria-describedby')).toBeUndefined();
    expect(wrapper.find('.reason').exists()).toBe(false);
  });

  it('re-evaluates when the signed-in actor changes (never decided once on mount)', async () => {
    const pinia = signedInAs('owner');
    const wrapper = render({ action: 'scim:manage' }, pinia);
    expect(wrapper.get('button').attributes('disabled')).toBeUndefined();

    useSessionStore(pinia).me = meAs('manager');
    await nextTick();

    expect(wrapper.get('button').attributes('disabled')).toBeDefined();
    expect(wrapper.get('.reason').text()).toBe('Requires tenant owner.');
  });

  it('a manager may act on a member but not on a manager', () => {
    const onMember = render(
      { action: 'user:deactivate', target: { userId: 'u1', tenantRole: 'member' } },
      signedInAs('manager'),
    );
    const onManager = render(
      { action: 'user:deactivate', target: { userId: 'u2', tenantRole: 'manager' } },
      signedInAs('manager'),
    );

    expect(onMember.get('button').attributes('disabled')).toBeUndefined();
    expect(onManager.get('button').attributes('disabled')).toBeDefined();
    expect(onManager.get('.reason').text()).toBe('Requires tenant owner.');
  });

  it('says which team role a team action needs', () => {
    const editor = render(
      { action: 'team:removeMember', target: { teamId: 't1' } },
      signedInAs('member', { t1: 'editor' }),
    );
    const admin = render(
      { action: 'team:removeMember', target: { teamId: 't1' } },
      signedInAs('member', { t1: 'admin' }),
    );

    expect(editor.get('.reason').text()).toBe('Requires team admin.');
    expect(admin.get('button').attributes('disabled')).toBeUndefined();
  });

  it('keeps the reason for screen readers only in dense rows, and on hover', () => {
    const wrapper = render({ action: 'scim:manage', quietReason: true }, signedInAs('manager'));

    expect(wrapper.get('.reason').classes()).toContain('sr-only');
    expect(wrapper.get('.guarded').attributes('title')).toBe('Requires tenant owner.');
  });
});
