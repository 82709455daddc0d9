/**
 * Atomic file writes: a reader (or a crash) sees either the old file or the complete new one, never a
 * half-written checkpoint. The bytes go to a temporary file in the same directory (a rename is only
 * atomic within one file system), are flushed to disk with fsync, and the file is renamed over the
 * target; finally the directory is fsynced so that the rename itself survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` atomically (temp file, write, fsync, rename).
 * @example writeFileAtomic('run/model.safetensors', bytes);
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (e) {
    unlinkSync(temp);
    throw e;
  }
  syncDirectory(dir);
}

/** fsync on a directory makes its entries durable; some platforms (Windows) cannot open one, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL on file systems that do not support it: the data itself is already on disk
  } finally {
    closeSync(fd);
  }
}
