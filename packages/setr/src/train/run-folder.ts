/**
 * A run's files in a folder (Node): each file written atomically (nn's writeFileAtomic: a temporary
 * file, fsync, rename), so a run killed at any moment leaves whole files. A killed save leaves its
 * temporary file behind; {@link removeInterruptedSaves} clears them when the run resumes.
 *
 *   runs/pup/  best.safetensors  metrics.json  checkpoint.json  epoch-012.{model,optim}.safetensors  run.lock
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readFileBytes, tempFilesIn, writeFileAtomic } from '@setr-ts/nn';
import type { RunFiles } from './run-files.js';

/**
 * The files of the run in the folder `dir` (which {@link trainSetr} creates).
 * @example const saved = await readCheckpoint(runFolder('runs/pup'));
 */
export function runFolder(dir: string): RunFiles {
  return {
    where: dir,
    path: (name) => join(dir, name),
    async read(name) {
      try {
        return await readFileBytes(join(dir, name), 'train');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async write(name, bytes) {
      writeFileAtomic(join(dir, name), bytes);
    },
    async remove(name) {
      rmSync(join(dir, name), { force: true });
    },
    async list() {
      return readdirSync(dir);
    },
  };
}

/**
 * Removes the temporary files that killed saves left in the run folder `dir` (nn's writeFileAtomic
 * names them `.<file>.<pid>.<hex>.tmp`), whatever file each was for: the folder is locked by this run,
 * so one whose writer is gone belongs to no save in progress. A later save of the same name would
 * remove it only if that name is ever saved again. Returns their names.
 * @example removeInterruptedSaves('runs/pup')   // ['.best.safetensors.4242.0a1b2c3d4e5f.tmp']
 */
export function removeInterruptedSaves(dir: string): string[] {
  const left = tempFilesIn(dir).filter((t) => t.writerGone);
  for (const t of left) rmSync(t.path, { force: true });
  return left.map((t) => basename(t.path));
}
