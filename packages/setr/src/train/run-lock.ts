/**
 * One run at a time in a run folder. Two runs writing into one folder mix their files — the best
 * model, checkpoint.json, metrics.json — and a resume would then load one run's weights with the
 * other's optimizer. So a run (new or resumed) holds the folder's pid-file lock `run.lock` while it
 * trains; a second run is refused, told whose the folder is; a lock left by a killed run is taken over
 * with a note.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type PidLock, tryPidLock } from '@setr-ts/nn';

/** The lock file in a run folder. */
export const RUN_LOCK = 'run.lock';

/**
 * Locks the run folder `dir` (which must exist) or refuses, naming the run that holds it. `note`
 * hears of a stale lock taken over.
 * @example const lock = lockRunFolder('runs/pup', console.warn); try { ... } finally { lock.release(); }
 */
export function lockRunFolder(dir: string, note: (message: string) => void): PidLock {
  const path = join(dir, RUN_LOCK);
  const attempt = tryPidLock(path);
  if ('heldBy' in attempt) {
    const h = attempt.heldBy;
    if (h === null)
      throw new Error(`train: the run folder ${dir} is locked by ${path}, which names no run; if no run uses the folder, delete the file`);
    const here = h.host === hostname();
    throw new Error(
      `train: the run folder ${dir} is in use by another run (pid ${h.pid}${here ? '' : ` on ${h.host}`}, started ${h.started}; lock ${path}): ` +
        `wait for it to end, or train into another folder${here ? '' : `; if that run has ended, delete ${path}`}`,
    );
  }
  const old = attempt.lock.tookOver;
  if (old) note(`note: took over ${path} from run pid ${old.pid} (started ${old.started}), which is no longer running`);
  return attempt.lock;
}
