import type { Services } from '@gatehouse/domain';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** What the /scim, /auth and /api routers are built from (by buildApp, from main.ts's wiring). */
export interface RouterDeps {
  services: Services;
  logger: Logger;
  config: Pick<Config, 'trustProxy' | 'bodyLimit' | 'publicUrl' | 'adminDistDir'> &
    Partial<Pick<Config, 'authRateLimit' | 'outboundAllowPrivate'>>;
}
