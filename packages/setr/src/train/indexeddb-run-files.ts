/**
 * A run's files in a browser's IndexedDB, so that a page's training run survives a reload and resumes
 * as `setr train --resume` does. One database holds every run: a record per file, keyed by the run's
 * name and the file's; each write is one transaction, so a page closed midway leaves the old bytes or
 * the new, as a folder's atomic writes do.
 *
 *   IndexedDB "setr-runs" / object store "files": [run, name] → Uint8Array
 */
import type { RunFiles } from './run-files.js';

/** The database that holds the runs of {@link indexedDbRunFiles}. */
export const RUNS_DATABASE = 'setr-runs';
const STORE = 'files';

let opened: Promise<IDBDatabase> | null = null;

/** The request's result, or its error, as a promise. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function database(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') throw new Error('indexedDbRunFiles: this environment has no IndexedDB (in Node, use runFolder)');
  opened ??= (() => {
    const request = indexedDB.open(RUNS_DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    return done(request);
  })();
  return opened;
}

/** Runs `op` on the store in one transaction and resolves when the transaction has committed. */
async function transact<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const tx = (await database()).transaction(STORE, mode);
  const result = done(op(tx.objectStore(STORE)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return result;
}

/**
 * The files of the run `run` in this browser's IndexedDB.
 * @example
 * const files = indexedDbRunFiles('setr-tiny-pup');
 * await trainLoop(files, { config, train, val, resume: (await files.read('checkpoint.json')) !== null });
 * const best = await files.read('best.safetensors');   // the bytes `setr eval` reads
 */
export function indexedDbRunFiles(run: string): RunFiles {
  const key = (name: string) => [run, name];
  const where = `IndexedDB ${RUNS_DATABASE}/${run}`;
  return {
    where,
    path: (name) => `${where}/${name}`,
    async read(name) {
      const value = await transact('readonly', (s) => s.get(key(name)));
      return value === undefined ? null : (value as Uint8Array);
    },
    async write(name, bytes) {
      await transact('readwrite', (s) => s.put(bytes, key(name)));
    },
    async remove(name) {
      await transact('readwrite', (s) => s.delete(key(name)));
    },
    async list() {
      const keys = await transact('readonly', (s) => s.getAllKeys(IDBKeyRange.bound([run, ''], [run, []])));
      return keys.map((k) => (k as [string, string])[1]);
    },
  };
}
