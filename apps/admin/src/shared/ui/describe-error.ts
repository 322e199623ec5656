import { ApiError } from '../api/client';

/** An error in plain words for the person in front of the screen; never a stack or a status code alone. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return 'The server could not be reached. Check your connection and try again.';
    if (error.status === 429) return 'Too many attempts. Wait a moment and try again.';
    if (error.status >= 500) return 'The server had a problem. Try again in a moment.';
    return error.detail;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'An unexpected error occurred.';
}
