/**
 * Atomic file writes: a reader (or a crash) sees either the old file or the complete new one, never a
 * half-written checkpoint. The bytes go to a temporary file in the same directory (a rename is only
 * atomic within one file system), are flushed to disk with fsync, and the file is renamed over the
 * target; finally the directory is fsynced so that the rename itself survives a power cut.
 *
 * A writer killed before its rename (kill -9, out of memory, power cut) leaves its temporary file
 * behind, as large as the checkpoint. Its name says whose it is: `.<target name>.<pid>.<12 hex>.tmp`.
 * The next write to the same target removes such files once they are stale (see {@link staleTempFiles}),
 * and a read can mention them.
 */
import type * as NodeFs from 'node:fs';
import { fileError } from './file-errors.js';
import { nodeModules } from './node-modules.js';

/** A temporary file whose writer still lives is stale anyway after this long (a write takes seconds). */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

/**
 * A temporary file whose writer is gone must also have been left untouched this long: a pid names a
 * process only on its own host and pid namespace, and a writer on another machine or in another
 * container sharing the directory looks gone from here, though its writes keep the file's mtime fresh.
 */
export const DEAD_WRITER_QUIET_MS = 60 * 1000;

/**
 * Writes `bytes` to `path` atomically (temp file, write, fsync, rename), first removing stale
 * temporary files that earlier, interrupted writes to `path` left behind. A failure names `path` and
 * its cause (`writeFileAtomic: cannot write run/model.safetensors: no space left on the device (ENOSPC)`).
 * @example writeFileAtomic('run/model.safetensors', bytes);
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const { fs, path: paths, crypto } = nodeModules('writeFileAtomic');
  const { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } = fs;
  const { basename, dirname, join } = paths;
  for (const stale of staleTempFiles(path)) {
    try {
      unlinkSync(stale);
    } catch {
      // gone already (another writer cleaned it) or not ours to remove: leave it
    }
  }
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (e) {
    throw fileError(e, 'writeFileAtomic', 'write', path);
  }
  let open = true;
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    open = false;
    closeSync(fd);
    renameSync(temp, path);
  } catch (e) {
    if (open) closeSync(fd);
    unlinkSync(temp);
    throw fileError(e, 'writeFileAtomic', 'write', path);
  }
  syncDirectory(fs, dir);
}

/** A temporary file of {@link writeFileAtomic}'s, as its name and its age describe it. */
export interface TempFile {
  /** Its full path. */
  readonly path: string;
  /** The file name it was to be renamed to, in the same folder. */
  readonly target: string;
  /** The writer's process id. */
  readonly pid: number;
  /** True when its writer is gone: another pid than this process's, and no process has it here. */
  readonly writerGone: boolean;
  /** Milliseconds since it was last written (0 if it cannot be looked at). */
  readonly ageMs: number;
}

/**
 * Every temporary file in `dir` named as {@link writeFileAtomic} names them (`.<target>.<pid>.<12
 * hex>.tmp`), whatever its target. A file carrying this process's own pid never counts as its writer
 * gone: writes here are synchronous, so such a file is a worker thread's write in progress or the
 * leftover of an earlier process that had the same pid (a restarted container), and the two look alike.
 * Returns [] when the folder cannot be read.
 * @example tempFilesIn('run').filter((t) => t.writerGone)   // what killed saves left in a run folder
 */
export function tempFilesIn(dir: string): TempFile[] {
  const { fs, path: paths } = nodeModules('tempFilesIn');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: TempFile[] = [];
  for (const name of names) {
    const m = /^\.(.+)\.([0-9]+)\.[0-9a-f]{12}\.tmp$/.exec(name);
    if (!m) continue;
    const path = paths.join(dir, name);
    const pid = Number(m[2]);
    found.push({ path, target: m[1], pid, writerGone: pid !== process.pid && !processExists(pid), ageMs: ageMs(fs, path) });
  }
  return found;
}

/**
 * The temporary files next to `path` that interrupted writes to `path` left behind (see
 * {@link tempFilesIn}): either their writer is gone and the file untouched for
 * {@link DEAD_WRITER_QUIET_MS}, or they are older than {@link STALE_TEMP_AGE_MS}.
 * Returns full paths; [] when the directory cannot be read.
 * @example staleTempFiles('run/model.safetensors') // ['run/.model.safetensors.4242.0a1b2c3d4e5f.tmp']
 */
export function staleTempFiles(path: string): string[] {
  const { dirname, basename } = nodeModules('staleTempFiles').path;
  const target = basename(path);
  return tempFilesIn(dirname(path))
    .filter((t) => t.target === target && ((t.writerGone && t.ageMs > DEAD_WRITER_QUIET_MS) || t.ageMs > STALE_TEMP_AGE_MS))
    .map((t) => t.path);
}

/** Whether a process with this pid exists here (signal 0 checks without sending; EPERM means it exists, not ours). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** How long ago the file was last written; 0 if it is gone or cannot be looked at. */
function ageMs(fs: typeof NodeFs, file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** fsync on a directory makes its entries durable; some platforms (Windows) cannot open one, which is harmless. */
function syncDirectory(fs: typeof NodeFs, dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL on file systems that do not support it: the data itself is already on disk
  } finally {
    fs.closeSync(fd);
  }
}
