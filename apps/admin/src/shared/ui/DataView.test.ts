import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import DataView from './DataView.vue';

const render = (props: Partial<InstanceType<typeof DataView>['$props']>) =>
  mount(DataView, {
    props: {
      status: 'ready',
      empty: false,
      emptyTitle: 'No teams yet',
      loadingLabel: 'Loading teams…',
      ...props,
    },
    slots: {
      default: '<table><tbody><tr><td>Platform</td></tr></tbody></table>',
      empty: '<button type="button">Create team</button>',
    },
  });

describe('DataView: the four states of every data view (STYLE §7)', () => {
  it('loading: says what is loading, with aria-busy', () => {
    const wrapper = render({ status: 'loading', empty: true });
    expect(wrapper.attributes('aria-busy')).toBe('true');
    expect(wrapper.get('[role="status"]').text()).toBe('Loading teams…');
  });

  it('error: the message in plain words and a Retry that asks again', async () => {
    const wrapper = render({ status: 'error', error: new ApiError(0, 'network.unreachable', 'x') });
    expect(wrapper.get('[role="alert"]').text()).toContain('The server could not be reached.');
    await wrapper.get('button').trigger('click');
    expect(wrapper.emitted('retry')).toHaveLength(1);
  });

  it('empty: what belongs here, and the primary action', () => {
    const wrapper = render({ empty: true });
    expect(wrapper.text()).toContain('No teams yet');
    expect(wrapper.get('button').text()).toBe('Create team');
  });

  it('data: the content, and stays visible while a reload runs', () => {
    expect(render({}).text()).toContain('Platform');
    expect(render({ status: 'loading' }).text()).toContain('Platform');
  });
});
