// Runs the audit webhook's delivery rounds in this process. Every replica may run one: deliveries are
// claimed from the shared database (WebhookDeliveryService), so replicas share the work, never a row.
import type { Services } from '@gatehouse/domain';
import type { Logger } from '../logger.js';

export interface RunningWorker {
  /** Finishes the round in progress, then stops. */
  stop(): Promise<void>;
}

export function startWebhookDeliveryWorker(
  deliveries: Services['webhookDeliveries'],
  logger: Logger,
  opts: { idleMs?: number } = {},
): RunningWorker {
  const idleMs = opts.idleMs ?? 2_000;
  let stopping = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopping) {
      // a round that found work is followed at once by the next; an idle one waits
      const busy = await deliveries.runOnce().then(
        (tried) => tried > 0,
        (err: unknown) => {
          logger.error({ err }, 'Audit webhook delivery round failed');
          return false;
        },
      );
      if (!busy && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
