/**
 * A training run's checkpoint: everything needed to continue it exactly where it stopped. After every
 * epoch the run folder gets
 *
 *   epoch-NNN.model.safetensors   the model's state dict (weights and BatchNorm statistics)
 *   epoch-NNN.optim.safetensors   the optimizer's state (moments, step counts, hyper-parameters)
 *   checkpoint.json               config, epoch, step, scheduler, the loader's and the generator's
 *                                 state, the history so far, and the names of the two files above
 *
 * each written atomically (a temporary file, fsync, rename). checkpoint.json is written last and names
 * its epoch's files, so a run killed at any moment leaves a consistent checkpoint: the previous one
 * until the new one is complete. Older epochs' files are then deleted.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BaseHyper, type LrSchedulerState, type Optimizer, writeFileAtomic } from '@setr-ts/nn';
import type { SetrConfig } from '../config.js';
import type { LoaderState } from '../data/train-loader.js';
import type { Setr } from '../model/segmentor.js';
import type { EpochRecord } from './history.js';

/** The JSON part of a training checkpoint (`checkpoint.json`): everything a resumed run needs besides the weight files. */
export interface CheckpointState {
  /** The config the run trains (a resumed run must have the same). */
  readonly config: SetrConfig;
  /** The seed the run started from. */
  readonly seed: number;
  /** Epochs completed. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  /** The epoch count of the schedule. */
  readonly epochs: number;
  /** The learning-rate scheduler's state. */
  readonly scheduler: LrSchedulerState;
  /** Where the training loader stands: epoch, position, order and its generator. */
  readonly loader: LoaderState;
  /** The tensor package's generator (`getRngState`). */
  readonly rng: number[];
  /** One record per completed epoch. */
  readonly history: EpochRecord[];
  /** Wall-clock seconds of training so far. */
  readonly seconds: number;
  /** The weight files beside `checkpoint.json`, by file name. */
  readonly files: {
    /** The model's safetensors file, e.g. `epoch-012.model.safetensors`. */
    readonly model: string;
    /** The optimizer's safetensors file, e.g. `epoch-012.optim.safetensors`. */
    readonly optimizer: string;
  };
}

export const CHECKPOINT_FILE = 'checkpoint.json';

/** Writes an epoch's checkpoint into `dir` and deletes the previous epoch's files. */
export async function saveCheckpoint(
  dir: string,
  model: Setr,
  optimizer: Optimizer<BaseHyper>,
  state: Omit<CheckpointState, 'files'>,
): Promise<void> {
  const tag = `epoch-${String(state.epoch).padStart(3, '0')}`;
  const files = { model: `${tag}.model.safetensors`, optimizer: `${tag}.optim.safetensors` };
  await model.save(join(dir, files.model), { config: JSON.stringify(state.config), epoch: String(state.epoch) });
  await optimizer.save(join(dir, files.optimizer));
  writeFileAtomic(join(dir, CHECKPOINT_FILE), new TextEncoder().encode(`${JSON.stringify({ ...state, files }, null, 1)}\n`));
  for (const f of readdirSync(dir)) {
    if (/^epoch-\d+\.(model|optim)\.safetensors$/.test(f) && f !== files.model && f !== files.optimizer) rmSync(join(dir, f));
  }
}

/** The checkpoint state in `dir` (an error naming the folder if there is none or it is unreadable). */
export function readCheckpoint(dir: string): CheckpointState {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) throw new Error(`${dir}: no ${CHECKPOINT_FILE} here, nothing to resume`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CheckpointState;
  } catch (e) {
    throw new Error(`${path}: not a readable checkpoint (${(e as Error).message})`);
  }
}

/** Loads the model and optimizer files a checkpoint names. */
export async function loadCheckpointWeights(
  dir: string,
  state: CheckpointState,
  model: Setr,
  optimizer: Optimizer<BaseHyper>,
): Promise<void> {
  await model.load(join(dir, state.files.model));
  await optimizer.load(join(dir, state.files.optimizer));
}
