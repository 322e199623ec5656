import type {
  AllocationList,
  ListAllocationsQuery,
  SetAllocationsInput,
  SetAllocationsResult,
} from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

/** Team story allocation (seed 002): used / maximum per team, and the owner's save. */
export const allocationRoutes = {
  list: route<AllocationList, { query: ListAllocationsQuery }>('GET', '/api/allocations'),
  set: route<SetAllocationsResult, { body: SetAllocationsInput }>('PUT', '/api/allocations'),
};
