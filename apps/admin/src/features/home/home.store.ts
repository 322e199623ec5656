import { defineStore } from 'pinia';
import { call } from '../../shared/api/client';
import { useResource } from '../../shared/composables/use-resource';
import { homeRoutes } from './home.api';

/** The home area's own data: this month's event usage. The other cards read their areas' stores. */
export const useHomeStore = defineStore('home', () => {
  const usage = useResource(() => call(homeRoutes.usage, { query: {} }));
  return { usage };
});
