/** What one item of a batch came to: its own value, or its own error. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Settles a promise into an outcome. */
export async function outcome<R>(work: Promise<R>): Promise<Outcome<R>> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Group commit: items submitted under one key while that key's batch is running wait together and
 * run as the next batch, as soon as it is done. An item arriving when its key is idle starts a batch
 * in the same turn of the event loop, after the I/O callbacks already due in it (`setImmediate`):
 * requests read together are committed together, which matters most on SQLite, whose transactions
 * never yield to I/O. Nothing waits on a timer. Up to `inFlight` batches of one key run at once
 * (default one: one after another, in arrival order); batches of different keys run side by side.
 *
 * The queue only saves work: `run` must give every item exactly the outcome it would have had alone,
 * because other processes write the same rows and nothing here coordinates with them.
 */
export class GroupCommit<I, R> {
  private readonly waiting = new Map<string, Array<{ item: I; settle: (o: Outcome<R>) => void }>>();
  private readonly running = new Map<string, number>();

  constructor(
    private readonly run: (key: string, items: I[]) => Promise<Array<Outcome<R>>>,
    private readonly options: {
      /** Items per batch at most (64). */
      maxBatch?: number;
      /** Batches of one key running at once (1). */
      inFlight?: number;
    } = {},
  ) {}

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push({ item, settle: (o) => (o.ok ? resolve(o.value) : reject(o.error)) });
      this.waiting.set(key, queue);
      const running = this.running.get(key) ?? 0;
      if (running >= (this.options.inFlight ?? 1)) return;
      this.running.set(key, running + 1);
      setImmediate(() => void this.drain(key));
    });
  }

  private async drain(key: string): Promise<void> {
    for (let queue = this.waiting.get(key); queue?.length; queue = this.waiting.get(key)) {
      const batch = queue.splice(0, this.options.maxBatch ?? 64);
      if (queue.length === 0) this.waiting.delete(key);
      const items = batch.map((w) => w.item);
      const outcomes = await this.run(key, items).catch((error: unknown) =>
        items.map((): Outcome<R> => ({ ok: false, error })),
      );
      batch.forEach((w, i) => w.settle(outcomes[i] ?? { ok: false, error: missingOutcome }));
    }
    const running = (this.running.get(key) ?? 1) - 1;
    if (running > 0) this.running.set(key, running);
    else this.running.delete(key);
  }
}

const missingOutcome = new Error('A batch returned fewer outcomes than it had items.');
