/**
 * lockIndexedDbRun against a stand-in for the browser's Web Locks (`navigator.locks`, which Node
 * lacks): one holder per run, a second refused with the reason, the lock free again after release,
 * and no lock (with a note) where there are no Web Locks. examples/web's training-page test runs it
 * in Chromium with two tabs.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { lockIndexedDbRun } from '../src/train/indexeddb-run-lock.js';

/** Web Locks' exclusive `ifAvailable` requests, in memory: a lock is held until the callback's promise settles. */
function fakeLocks() {
  const held = new Set<string>();
  return {
    held,
    async request(name: string, _options: { ifAvailable: true }, callback: (lock: unknown) => Promise<void> | undefined) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

it('holds a run for one holder, refuses a second with the reason, and is free after release', async () => {
  const locks = fakeLocks();
  vi.stubGlobal('navigator', { locks });
  const note = vi.fn();
  const first = await lockIndexedDbRun('setr-tiny-pup', note);
  expect([...locks.held]).toEqual(['setr-runs/setr-tiny-pup']);
  await expect(lockIndexedDbRun('setr-tiny-pup', note)).rejects.toThrow(
    'train: the run setr-tiny-pup (IndexedDB setr-runs/setr-tiny-pup) is being trained in another tab or window of this browser',
  );
  const other = await lockIndexedDbRun('setr-tiny-mla', note); // another run is not held up
  first.release();
  await vi.waitFor(() => expect([...locks.held]).toEqual(['setr-runs/setr-tiny-mla']));
  (await lockIndexedDbRun('setr-tiny-pup', note)).release();
  other.release();
  expect(note).not.toHaveBeenCalled();
});

it('without Web Locks, locks nothing and says so', async () => {
  vi.stubGlobal('navigator', {});
  const note = vi.fn();
  const lock = await lockIndexedDbRun('setr-tiny-pup', note);
  lock.release();
  expect(note).toHaveBeenCalledWith(expect.stringMatching(/^note: the run setr-tiny-pup is not locked: this page has no Web Locks/));
});
