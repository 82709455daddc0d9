/**
 * Resuming a run from the checkpoint in its folder: the run is started again from the checkpoint's
 * config, seed and schedule, then everything that moved since is put back — the model's and the
 * optimizer's weights, the scheduler, the loader's position and generator, the tensor generator, the
 * history — so that it continues bit for bit as if it had never stopped. The temporary files that
 * saves killed midway left in the folder are removed first.
 *
 *   out/checkpoint.json → startRun(config, seed, epochs) → weights, scheduler, loader, RNG, history restored
 */
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { tempFilesIn } from '@setr-ts/nn';
import { setRngState } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import { loadCheckpointWeights, readCheckpoint } from './checkpoint.js';
import { bestOf } from './history.js';
import { type RunSetup, startRun, type TrainingRun } from './run.js';

const sameConfig = (a: SetrConfig, b: SetrConfig) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The run in `out` as its last checkpoint left it. `setup.config` must be the run's own (an error
 * otherwise); its seed and schedule length are the checkpoint's.
 * @example const run = await resumeRun('runs/pup', { config, train, val });
 */
export async function resumeRun(out: string, setup: Omit<RunSetup, 'seed' | 'epochs'>): Promise<TrainingRun> {
  const saved = readCheckpoint(out);
  if (!sameConfig(saved.config, setup.config))
    throw new Error(
      `train: ${out} holds a run of another config (${saved.config.decoder.kind}, depth ${saved.config.depth}, ...); resume it with its own`,
    );
  const run = startRun({ ...setup, config: saved.config, seed: saved.seed, epochs: saved.epochs });
  await loadCheckpointWeights(out, saved, run.model, run.optimizer);
  run.scheduler.loadStateDict(saved.scheduler);
  run.loader.loadState(saved.loader);
  setRngState(saved.rng);
  return { ...run, epoch: saved.epoch, step: saved.step, history: saved.history, best: bestOf(saved.history), seconds: saved.seconds };
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
