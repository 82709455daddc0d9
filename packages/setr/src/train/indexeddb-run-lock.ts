/**
 * One run at a time in IndexedDB, as run-lock.ts keeps one run at a time in a folder. Two tabs
 * training the same run would mix their checkpoints in `setr-runs` as two processes would in one
 * folder. So a page holds the run's Web Lock (`navigator.locks`, one lock per run name, shared by
 * every tab and window of the origin) while it trains; a second tab is refused, told why. The
 * browser lets the lock go when the run ends (`release`) or the tab closes or reloads, so no lock is
 * ever left stale.
 *
 *   Web Lock "setr-runs/<run>"  held by the tab that trains <run>
 */
import { RUNS_DATABASE } from './indexeddb-run-files.js';

/** A held run lock. */
export interface RunLock {
  /** Lets the lock go (again: nothing happens). */
  release(): void;
}

/** The part of the Web Locks API this uses (`navigator.locks`). */
interface Locks {
  request(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<void> | undefined): Promise<unknown>;
}

/**
 * Locks the IndexedDB run `run` (see {@link indexedDbRunFiles}) for this tab, or refuses when another
 * tab or window holds it. Without Web Locks (a page that is not a secure context: plain http other
 * than localhost) the run is not locked, and `note` hears so.
 * @example
 * const lock = await lockIndexedDbRun('setr-tiny-pup', console.warn);
 * try { await trainLoop(indexedDbRunFiles('setr-tiny-pup'), options); } finally { lock.release(); }
 */
export async function lockIndexedDbRun(run: string, note: (message: string) => void): Promise<RunLock> {
  const name = `${RUNS_DATABASE}/${run}`;
  const locks = (globalThis.navigator as { locks?: Locks } | undefined)?.locks;
  if (!locks) {
    note(
      `note: the run ${run} is not locked: this page has no Web Locks (navigator.locks needs https or localhost); do not train it in two tabs at once`,
    );
    return { release: () => {} };
  }
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  // the callback's promise holds the lock until it settles; with ifAvailable a held lock gives null at once
  const granted = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : released;
      })
      .catch(reject);
  });
  if (!granted)
    throw new Error(
      `train: the run ${run} (IndexedDB ${name}) is being trained in another tab or window of this browser: ` +
        'two runs would mix its checkpoints; stop it there (or close that tab) and train again here, or train another run',
    );
  return { release };
}
