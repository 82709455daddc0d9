/**
 * File I/O that fails says which file and why, in words (issue 22): a read of a folder or a missing
 * file, a write that runs out of space (ENOSPC, produced here by making `writeSync` fail as a full disk
 * does) — Node's own messages for the last two name no path. Also the folder-wide listing of the
 * temporary files killed saves left, and the pid-file lock that keeps a second run out of a folder.
 */
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@setr-ts/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readFileBytes, readSafetensors, saveSafetensors, tempFilesIn, tryPidLock, writeFileAtomic } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-file-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number; // a process that has exited

/** A system error as Node raises it. */
const systemError = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code });

describe('reads and writes name the file and the cause', () => {
  it('a missing file and a folder read as a file', async () => {
    const missing = join(dir, 'missing.safetensors');
    await expect(readFileBytes(missing, 'readThing')).rejects.toThrow(`readThing: cannot read ${missing}: it does not exist (ENOENT)`);
    await expect(readSafetensors(dir)).rejects.toThrow(`readSafetensors: cannot read ${dir}: it is a folder, not a file (EISDIR)`);
    const e = await readFileBytes(dir, 'readThing').then(
      () => null,
      (err: NodeJS.ErrnoException) => err,
    );
    expect(e?.code).toBe('EISDIR'); // the code is kept for callers that branch on it
  });

  it('a full disk (ENOSPC) while writing: the target is named and no temporary file is left', async () => {
    const target = join(dir, 'full', 'model.safetensors');
    mkdirSync(join(dir, 'full'));
    const write = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw systemError('ENOSPC', 'no space left on device, write');
    });
    try {
      await expect(saveSafetensors(target, { w: tensor([1, 2]) })).rejects.toThrow(
        `writeFileAtomic: cannot write ${target}: no space left on the device (ENOSPC)`,
      );
    } finally {
      write.mockRestore();
    }
    expect(readdirSync(join(dir, 'full'))).toEqual([]);
  });

  it('a write into a folder that does not exist', () => {
    const target = join(dir, 'nowhere', 'metrics.json');
    expect(() => writeFileAtomic(target, new Uint8Array(1))).toThrow(
      `writeFileAtomic: cannot write ${target}: its folder does not exist (ENOENT)`,
    );
  });
});

describe('tempFilesIn', () => {
  it('lists every temporary file of writeFileAtomic in a folder, whatever its target, with its writer', () => {
    const folder = join(dir, 'temps');
    mkdirSync(folder);
    const names = [
      `.best.safetensors.${deadPid}.0123456789ab.tmp`,
      `.metrics.json.${process.ppid}.0123456789ab.tmp`,
      `.epoch-001.model.safetensors.${process.pid}.0123456789ab.tmp`,
      '.notes.tmp', // not our naming
      'metrics.json',
    ];
    for (const n of names) writeFileSync(join(folder, n), 'x');
    const found = tempFilesIn(folder).sort((a, b) => a.target.localeCompare(b.target));
    expect(found.map((t) => [t.target, t.pid, t.writerGone])).toEqual([
      ['best.safetensors', deadPid, true],
      ['epoch-001.model.safetensors', process.pid, false], // this process's own: never counted as gone
      ['metrics.json', process.ppid, false],
    ]);
    expect(tempFilesIn(join(dir, 'no-such-folder'))).toEqual([]);
  });
});

describe('tryPidLock', () => {
  it('takes a free lock, tells a second taker who holds it, and releases', () => {
    const path = join(dir, 'a.lock');
    const first = tryPidLock(path);
    if (!('lock' in first)) throw new Error('expected the lock');
    expect(first.lock.tookOver).toBeNull();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    const second = tryPidLock(path);
    expect(second).toEqual({ heldBy: expect.objectContaining({ pid: process.pid }) });
    first.lock.release();
    expect(existsSync(path)).toBe(false);
    const third = tryPidLock(path);
    if ('lock' in third) third.lock.release();
    expect('lock' in third).toBe(true);
  });

  it('takes over a lock whose holder is gone, and says whose it was; a lock file naming no holder is not taken', () => {
    const path = join(dir, 'stale.lock');
    const stale = { pid: deadPid, host: hostname(), started: '2024-01-01T00:00:00.000Z' };
    writeFileSync(path, JSON.stringify(stale));
    const taken = tryPidLock(path);
    if (!('lock' in taken)) throw new Error('expected the stale lock to be taken over');
    expect(taken.lock.tookOver).toEqual(stale);
    taken.lock.release();
    writeFileSync(path, '');
    expect(tryPidLock(path)).toEqual({ heldBy: null });
    const elsewhere = { ...stale, host: `not-${hostname()}` }; // a pid on another machine cannot be checked from here
    writeFileSync(path, JSON.stringify(elsewhere));
    expect(tryPidLock(path)).toEqual({ heldBy: elsewhere });
  });
});
