import type {
  MfaCodeInput,
  MfaEnrolmentResponse,
  MfaStatusResponse,
  OwnSessionList,
} from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

/**
 * The signed-in person's own account: their second factor (issue 5, under /auth with the session
 * and CSRF token) and where they are signed in (/api/me/sessions).
 */
export const accountRoutes = {
  mfaEnrol: route<MfaEnrolmentResponse>('POST', '/auth/mfa/enrol'),
  mfaConfirm: route<MfaStatusResponse, { body: MfaCodeInput }>('POST', '/auth/mfa/confirm'),
  sessions: route<OwnSessionList>('GET', '/api/me/sessions'),
  endSession: route<undefined, { params: { sessionId: string } }>('DELETE', '/api/me/sessions/:sessionId'),
};
