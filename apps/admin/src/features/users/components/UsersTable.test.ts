import type { UserSummary } from '@gatehouse/domain/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * happy-dom has no layout, so nothing would ever be "in view": this ResizeObserver reports a 600 px
 * tall viewport for every observed element, as a laptop screen would. It must be in place before
 * Naive UI's virtual list (vueuc) creates its observer, hence the import after it.
 */
class ViewportResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    const entry = {
      target,
      contentRect: { height: 600, width: 1200 },
      borderBoxSize: [{ blockSize: 600, inlineSize: 1200 }],
    };
    queueMicrotask(() =>
      this.callback([entry as unknown as ResizeObserverEntry], this as unknown as ResizeObserver),
    );
  }
  unobserve(): void {}
  disconnect(): void {}
}

let UsersTable: typeof import('./UsersTable.vue').default;
beforeAll(async () => {
  vi.stubGlobal('ResizeObserver', ViewportResizeObserver);
  UsersTable = (await import('./UsersTable.vue')).default;
});

function users(count: number): UserSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `u${i}`,
    email: `person${i}@example.com`,
    givenName: null,
    familyName: null,
    displayName: `Person ${i}`,
    tenantRole: 'member',
    mappedTenantRole: null,
    status: 'active',
    source: 'scim',
    managedByIdp: true,
    mfaEnabled: false,
    lastSignInAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    invitation: null,
  }));
}

// Mounting 100,000 rows' data takes seconds in happy-dom, more when turbo runs every suite at once.
describe('UsersTable with 100,000 users (issue 7 budget)', { timeout: 60_000 }, () => {
  it('renders only a window of rows, however many accounts are loaded', async () => {
    const all = users(100_000);
    const started = performance.now();
    const wrapper = mount(UsersTable, {
      props: { users: all, loadingMore: false, hasMore: false },
      attachTo: document.body,
    });
    await flushPromises();
    const took = performance.now() - started;

    const rows = wrapper.findAll('tbody tr');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(60);
    expect(wrapper.text()).toContain('person0@example.com');
    expect(wrapper.text()).not.toContain('person99999@example.com');
    console.info(`100,000 users: ${rows.length} rows in the DOM, mounted in ${Math.round(took)} ms`);
    wrapper.unmount();
  });

  it('asks for the next keyset page when scrolled near the end', async () => {
    const wrapper = mount(UsersTable, { props: { users: users(200), loadingMore: false, hasMore: true } });
    await flushPromises();
    const body = wrapper.find('.v-vl');
    const el = body.element as HTMLElement;
    Object.defineProperties(el, {
      scrollTop: { value: 10_600, configurable: true, writable: true },
      clientHeight: { value: 600, configurable: true },
      scrollHeight: { value: 11_200, configurable: true },
    });

    await body.trigger('scroll');

    expect(wrapper.emitted('loadMore')).toHaveLength(1);
  });

  it('names each row action after its account', async () => {
    const wrapper = mount(UsersTable, { props: { users: users(3), loadingMore: false, hasMore: false } });
    await flushPromises();
    const labels = wrapper.findAll('button').map((b) => b.attributes('aria-label'));
    expect(labels).toContain('Manage person0@example.com');
  });
});
