import type { SignInMethod, SignInResult } from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';
import type { KeysetPage } from '../../shared/composables/use-keyset-list';

// Provisional until the sign-in issue's contracts for GET /api/sign-ins land in contracts/auth.ts.
export interface SignInEventView {
  id: string;
  occurredAt: string;
  userId: string | null;
  email: string | null;
  result: SignInResult;
  reason: string | null;
  method: SignInMethod;
  connectionId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface SignInFilter {
  userId?: string;
  email?: string;
  result?: SignInResult;
  method?: SignInMethod;
  from?: string;
  to?: string;
}

export interface SignInDailyCounts {
  days: Array<{ day: string; success: number; failure: number }>;
}

export const signInsRoutes = {
  list: route<KeysetPage<SignInEventView>, { query: SignInFilter & { cursor?: string; limit?: number } }>(
    'GET',
    '/api/sign-ins',
  ),
  export: route<string, { query: SignInFilter & { format?: 'csv' } }>('GET', '/api/sign-ins/export'),
  daily: route<SignInDailyCounts, { query: { from?: string; to?: string } }>('GET', '/api/sign-ins/daily'),
};
