/**
 * Saving after each epoch, into the run's files (run-files.ts): `best.safetensors` when the
 * validation mIoU is the best so far (the model with its config, class names and colours),
 * `metrics.json` (the history so far), and — at a complete epoch's end only — the checkpoint, so that
 * a run cut short mid-epoch resumes from the last complete one.
 *
 *   record → best.safetensors (if better) → metrics.json → checkpoint (if complete)
 */
import { getRngState } from '@setr-ts/tensor';
import type { SegmentationDataset } from '../data/dataset.js';
import { modelMetadata } from '../model-file.js';
import { saveCheckpoint } from './checkpoint.js';
import { type EpochRecord, writeMetrics } from './history.js';
import type { TrainingRun } from './run.js';
import type { RunFiles } from './run-files.js';

/** The best model's file among a run's files: what `setr eval` and `setr predict` read. */
export const BEST_MODEL_FILE = 'best.safetensors';

/** What {@link saveEpoch} saves, and where. */
export interface EpochSave {
  /** The run's files. */
  readonly files: RunFiles;
  /** The validation split: its class names and colours go into metrics.json and the best model. */
  readonly val: SegmentationDataset;
  /** The epoch's record, already in the run's history. */
  readonly record: EpochRecord;
  /** Whether the epoch ran all its batches (only then is a checkpoint written). */
  readonly complete: boolean;
  /** Wall-clock seconds of the whole run so far, earlier calls of a resumed run included. */
  readonly seconds: number;
}

/**
 * Writes an epoch's files, and makes its record the run's best when its mIoU is higher.
 * @example await saveEpoch(run, { files, val, record, complete: steps.complete, seconds });
 */
export async function saveEpoch(run: TrainingRun, { files, val, record, complete, seconds }: EpochSave): Promise<void> {
  const { config, seed, history } = run;
  if (!run.best || record.valMeanIoU > run.best.valMeanIoU) {
    run.best = { epoch: record.epoch, valMeanIoU: record.valMeanIoU };
    const metadata = {
      ...modelMetadata(config, val.classNames, val.palette),
      epoch: String(record.epoch),
      valMeanIoU: String(record.valMeanIoU),
    };
    await files.write(BEST_MODEL_FILE, await run.model.toBytes(metadata));
  }
  await writeMetrics(files, { config, seed, classNames: val.classNames, epochs: history, best: run.best, seconds });
  if (complete) {
    const state = {
      config,
      seed,
      epoch: run.epoch,
      step: run.step,
      epochs: run.epochs,
      scheduler: run.scheduler.stateDict(),
      loader: run.loader.state(),
      rng: getRngState(),
      history,
      seconds,
    };
    await saveCheckpoint(files, run.model, run.optimizer, state);
  }
}
