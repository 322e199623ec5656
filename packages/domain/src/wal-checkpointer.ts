// SQLite writes every commit to the WAL file and copies the WAL back into the database file at a
// checkpoint; by default the connection whose commit pushes the WAL past 1,000 pages runs that
// checkpoint inside its commit, fsync included. better-sqlite3 is synchronous, so that was the
// gateway's event loop standing still for 10–20 ms every few dozen SCIM writes (a commit's share of
// a +100 PATCH fell from about 0.5 ms to 0.25 ms without it). Here a worker thread with its own
// connection to the same file runs the checkpoints, PASSIVE ones, which never wait for and never
// block the gateway's readers and writer. The gateway's connection keeps a high automatic
// checkpoint as a safety net, should the worker fall behind or stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints. */
const EVERY_MS = 50;
/**
 * The WAL size (pages) at which the writing connection still checkpoints itself. The worker's
 * checkpoints copy the frames back, but SQLite starts the WAL over only when a write begins with
 * every frame copied, and under a steady stream of writes one lands during nearly every worker
 * checkpoint. So the WAL grows until this threshold, and the commit that crosses it runs a
 * checkpoint of its own (the last few frames, and two fsyncs: 7–16 ms on the event loop). At 2,000
 * pages that came every 0.4 s of SCIM creates and cost a quarter of the commits' time (COMMIT
 * 563 µs on average against 402 µs at 10,000, 10,000 creates, two runs each); 10,000 pages is a WAL
 * of 40 MB at most.
 */
export const SAFETY_NET_PAGES = 10_000;

// The worker's code, run as CommonJS from a string: the same in the compiled package and in tests
// that run the TypeScript sources. A checkpoint that meets a busy lock simply does less this time.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file, { fileMustExist: true, timeout: 0 });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY: another checkpoint is running; the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** The running worker of one SQLite database file. */
export class WalCheckpointer {
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static start(file: string): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs: EVERY_MS } });
    // Checkpoints never keep a process alive; the connection's safety net covers a lost worker.
    worker.unref();
    worker.on('error', () => undefined);
    return new WalCheckpointer(worker);
  }

  /** Runs a last checkpoint, closes the worker's connection and waits for the worker to end. */
  async stop(): Promise<void> {
    // Held while it stops: a process with nothing else to do (the CLI) would exit before it ends.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
