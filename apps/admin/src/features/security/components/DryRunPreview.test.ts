import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import DryRunPreview from './DryRunPreview.vue';

const LOSS = {
  userId: 'u1',
  email: 'ada@acme.test',
  displayName: 'Ada',
  kind: 'loss' as const,
  scope: 'team' as const,
  teamId: 't1',
  teamName: 'Platform',
  mappedBefore: 'admin',
  mappedAfter: null,
  effectiveBefore: 'admin',
  effectiveAfter: null,
};

describe('DryRunPreview', () => {
  it('says a change that would leave a team without members is refused, naming the team', () => {
    const wrapper = mount(DryRunPreview, {
      props: {
        result: {
          changes: [LOSS],
          emptiedTeams: [{ teamId: 't1', teamName: 'Platform' }],
          totalChanges: 1,
          usersAffected: 1,
          truncated: false,
        },
      },
    });
    expect(wrapper.get('[role="alert"]').text()).toContain('Platform without members');
    expect(wrapper.text()).toContain('Loses');
  });

  it('shows no refusal when every team keeps a member', () => {
    const wrapper = mount(DryRunPreview, {
      props: {
        result: { changes: [LOSS], emptiedTeams: [], totalChanges: 1, usersAffected: 1, truncated: false },
      },
    });
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });
});
