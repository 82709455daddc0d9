/**
 * A training run's checkpoint: everything needed to continue it exactly where it stopped. After every
 * epoch the run's files (run-files.ts) get
 *
 *   epoch-NNN.model.safetensors   the model's state dict (weights and BatchNorm statistics)
 *   epoch-NNN.optim.safetensors   the optimizer's state (moments, step counts, hyper-parameters)
 *   checkpoint.json               config, epoch, step, scheduler, the loader's and the generator's
 *                                 state, the history so far, and the names of the two files above
 *
 * each written whole (a folder's atomic writes, or an IndexedDB transaction).
 * checkpoint.json is written last and names its epoch's files, so a run killed at any moment leaves a
 * consistent checkpoint: the previous one until the new one is complete. Older epochs' files are then
 * deleted.
 */
import type { BaseHyper, LrSchedulerState, Optimizer } from '@setr-ts/nn';
import type { SetrConfig } from '../config.js';
import type { LoaderState } from '../data/train-loader.js';
import type { Setr } from '../model/segmentor.js';
import type { EpochRecord } from './history.js';
import type { RunFiles } from './run-files.js';

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

/** Writes an epoch's checkpoint into the run's files and deletes the previous epoch's. */
export async function saveCheckpoint(
  run: RunFiles,
  model: Setr,
  optimizer: Optimizer<BaseHyper>,
  state: Omit<CheckpointState, 'files'>,
): Promise<void> {
  const tag = `epoch-${String(state.epoch).padStart(3, '0')}`;
  const files = { model: `${tag}.model.safetensors`, optimizer: `${tag}.optim.safetensors` };
  await run.write(files.model, await model.toBytes({ config: JSON.stringify(state.config), epoch: String(state.epoch) }));
  await run.write(files.optimizer, await optimizer.toBytes());
  await run.write(CHECKPOINT_FILE, new TextEncoder().encode(`${JSON.stringify({ ...state, files }, null, 1)}\n`));
  for (const f of await run.list()) {
    if (/^epoch-\d+\.(model|optim)\.safetensors$/.test(f) && f !== files.model && f !== files.optimizer) await run.remove(f);
  }
}

/**
 * The checkpoint state of a run (an error naming its place if there is none or it is unreadable).
 * @example const saved = await readCheckpoint(runFolder('runs/pup'));   // saved.epoch, saved.config
 */
export async function readCheckpoint(run: RunFiles): Promise<CheckpointState> {
  const bytes = await run.read(CHECKPOINT_FILE);
  if (!bytes) throw new Error(`${run.where}: no ${CHECKPOINT_FILE} here, nothing to resume`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as CheckpointState;
  } catch (e) {
    throw new Error(`${run.path(CHECKPOINT_FILE)}: not a readable checkpoint (${(e as Error).message})`);
  }
}

/** A file the checkpoint names; an error names it when it is gone. */
async function named(run: RunFiles, name: string): Promise<Uint8Array> {
  const bytes = await run.read(name);
  if (!bytes) throw new Error(`${run.path(name)}: ${CHECKPOINT_FILE} names this file, but it is missing`);
  return bytes;
}

/** Loads the model and optimizer files a checkpoint names. */
export async function loadCheckpointWeights(
  run: RunFiles,
  state: CheckpointState,
  model: Setr,
  optimizer: Optimizer<BaseHyper>,
): Promise<void> {
  model.loadBytes(await named(run, state.files.model), run.path(state.files.model));
  optimizer.loadBytes(await named(run, state.files.optimizer), run.path(state.files.optimizer));
}
