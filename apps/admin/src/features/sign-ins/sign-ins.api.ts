import type {
  SignInExportQuery,
  SignInListQuery,
  SignInPage,
  SignInsPerDay,
  SignInsPerDayQuery,
} from '@gatehouse/domain/contracts';
import { route, type Infer } from '../../shared/api/client';

export type { SignInEventView, SignInFilter } from '@gatehouse/domain/contracts';

/** Sign-in activity (issue 5), exposed with the admin API's list conventions (issue 6). */
export const signInsRoutes = {
  list: route<SignInPage, { query: SignInListQuery }>('GET', '/api/sign-ins'),
  export: route<string, { query: Infer<typeof SignInExportQuery> }>('GET', '/api/sign-ins/export'),
  perDay: route<SignInsPerDay, { query: Infer<typeof SignInsPerDayQuery> }>('GET', '/api/sign-ins/per-day'),
};
