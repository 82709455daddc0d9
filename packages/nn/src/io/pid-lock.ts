/**
 * A pid-file lock: a small file created exclusively (`open(path, 'wx')`, which fails when the file
 * exists) that holds its holder's pid, host and start time, and is removed when the holder is done.
 * While the file exists, a second process is told who holds it. A holder that was killed (kill -9, a
 * crash, a power cut) cannot remove its file: a lock whose pid no longer runs on this host is stale,
 * and the next process takes it over (and is told whose it was).
 *
 * Two processes that find the same stale lock in the same instant can both take it over (removing the
 * stale file and creating one's own are two steps); a lock guards against a second run started by
 * mistake, not against a race between machines.
 */
import { processExists } from './atomic-write.js';
import { fileError } from './file-errors.js';
import { nodeModules } from './node-modules.js';

/** Who holds a lock, as its file says. */
export interface LockHolder {
  /** The holder's process id, on `host`. */
  readonly pid: number;
  /** The machine it runs on (a pid means nothing on another one). */
  readonly host: string;
  /** When it took the lock (ISO 8601). */
  readonly started: string;
}

/** A lock this process holds. */
export interface PidLock {
  /** The lock file. */
  readonly path: string;
  /** The stale lock this one replaced (its holder had died), or null. */
  readonly tookOver: LockHolder | null;
  /** Removes the lock file, if it is still this lock's; also done when the process exits. */
  release(): void;
}

/** What {@link tryPidLock} gives: the lock, or who holds it (null when the lock file cannot be read). */
export type LockAttempt =
  | {
      /** The lock, taken: release it when done. */
      readonly lock: PidLock;
    }
  | {
      /** Who holds it (null when the lock file could not be read back). */
      readonly heldBy: LockHolder | null;
    };

/** Creates the lock file with `holder` in it; false when it exists already. */
function create(path: string, holder: LockHolder): boolean {
  const { fs } = nodeModules('tryPidLock');
  let fd: number;
  try {
    fd = fs.openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileError(e, 'tryPidLock', 'write', path);
  }
  try {
    fs.writeSync(fd, JSON.stringify(holder));
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(path, { force: true });
    throw fileError(e, 'tryPidLock', 'write', path);
  }
  fs.closeSync(fd);
  return true;
}

/** The holder a lock file names; null when it is gone or does not hold one. */
function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(nodeModules('tryPidLock').fs.readFileSync(path, 'utf8'));
    return Number.isInteger(h?.pid) && typeof h.host === 'string' && typeof h.started === 'string' ? h : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock at `path`, taking over a stale one; or says who holds it.
 * @example
 * const attempt = tryPidLock('runs/pup/run.lock');
 * if ('heldBy' in attempt) throw new Error(`in use by pid ${attempt.heldBy?.pid}`);
 * try { ... } finally { attempt.lock.release(); }
 */
export function tryPidLock(path: string): LockAttempt {
  const { fs, os } = nodeModules('tryPidLock');
  const me: LockHolder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  let tookOver: LockHolder | null = null;
  if (!create(path, me)) {
    const holder = readHolder(path);
    if (holder === null || holder.host !== me.host || processExists(holder.pid)) return { heldBy: holder };
    fs.rmSync(path, { force: true }); // its holder is gone
    if (!create(path, me)) return { heldBy: readHolder(path) };
    tookOver = holder;
  }
  const release = () => {
    process.off('exit', release);
    const now = readHolder(path);
    if (now?.pid === me.pid && now.started === me.started) fs.rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { lock: { path, tookOver, release } };
}
