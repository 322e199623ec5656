import type { SetAllocationsInput, TeamAllocationRow } from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { call } from '../../shared/api/client';
import { useKeysetList } from '../../shared/composables/use-keyset-list';
import { allocationRoutes } from './allocation.api';

export const useAllocationStore = defineStore('allocation', () => {
  const list = useKeysetList<TeamAllocationRow, Record<string, never>>((_filters, cursor) =>
    call(allocationRoutes.list, { query: { limit: 200, cursor: cursor ?? undefined } }),
  );

  async function save(input: SetAllocationsInput): Promise<void> {
    const { items } = await call(allocationRoutes.set, { body: input });
    const saved = new Map(items.map((row) => [row.teamId, row]));
    list.items.value = list.items.value.map((row) => saved.get(row.teamId) ?? row);
  }

  return { list, save };
});
