/**
 * Resuming a run from the checkpoint among its files: the run is started again from the checkpoint's
 * config, seed and schedule, then everything that moved since is put back — the model's and the
 * optimizer's weights, the scheduler, the loader's position and generator, the tensor generator, the
 * history — so that it continues bit for bit as if it had never stopped.
 *
 *   checkpoint.json → startRun(config, seed, epochs) → weights, scheduler, loader, RNG, history restored
 */
import { setRngState } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import { loadCheckpointWeights, readCheckpoint } from './checkpoint.js';
import { bestOf } from './history.js';
import { type RunSetup, startRun, type TrainingRun } from './run.js';
import type { RunFiles } from './run-files.js';

const sameConfig = (a: SetrConfig, b: SetrConfig) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The run in `files` as its last checkpoint left it. `setup.config` must be the run's own (an error
 * otherwise); its seed and schedule length are the checkpoint's.
 * @example const run = await resumeRun(runFolder('runs/pup'), { config, train, val });
 */
export async function resumeRun(files: RunFiles, setup: Omit<RunSetup, 'seed' | 'epochs'>): Promise<TrainingRun> {
  const saved = await readCheckpoint(files);
  if (!sameConfig(saved.config, setup.config))
    throw new Error(
      `train: ${files.where} holds a run of another config (${saved.config.decoder.kind}, depth ${saved.config.depth}, ...); resume it with its own`,
    );
  const run = startRun({ ...setup, config: saved.config, seed: saved.seed, epochs: saved.epochs });
  await loadCheckpointWeights(files, saved, run.model, run.optimizer);
  run.scheduler.loadStateDict(saved.scheduler);
  run.loader.loadState(saved.loader);
  setRngState(saved.rng);
  return { ...run, epoch: saved.epoch, step: saved.step, history: saved.history, best: bestOf(saved.history), seconds: saved.seconds };
}
