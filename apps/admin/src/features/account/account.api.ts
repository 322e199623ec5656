import type { MfaCodeInput, MfaEnrolmentResponse, MfaStatusResponse } from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

/** The signed-in person's own second factor (issue 5), under /auth with the session and CSRF token. */
export const accountRoutes = {
  mfaEnrol: route<MfaEnrolmentResponse>('POST', '/auth/mfa/enrol'),
  mfaConfirm: route<MfaStatusResponse, { body: MfaCodeInput }>('POST', '/auth/mfa/confirm'),
};
