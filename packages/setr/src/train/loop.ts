/**
 * The training loop, as it runs in Node and in a browser alike: start or resume the run (run.ts,
 * resume.ts), train an epoch (epoch.ts: one `tidy` per step), validate it (validation.ts), save it
 * (save.ts: the best model, `metrics.json`, a checkpoint that resumes the run bit for bit). Its files
 * go wherever `files` keeps them (run-files.ts): a folder for `setr train` (trainer.ts adds the lock
 * and the report), IndexedDB in a page. An abort signal ends the run after the step in progress,
 * keeping the last complete epoch's checkpoint.
 *
 *   for epoch: for batch: images [B, 3, h, w], labels [B, h, w] → loss → ∂loss/∂θ → θ ← optimizer(θ)
 *              evaluate(val) → checkpoint, metrics.json, best.safetensors
 */
import type { SetrConfig } from '../config.js';
import type { SegmentationDataset } from '../data/dataset.js';
import type { TrainingData } from '../data/train-loader.js';
import type { Setr } from '../model/segmentor.js';
import { type StepProgress, trainEpoch } from './epoch.js';
import type { EpochRecord } from './history.js';
import { resumeRun } from './resume.js';
import { startRun } from './run.js';
import type { RunFiles } from './run-files.js';
import { saveEpoch } from './save.js';
import { validateEpoch } from './validation.js';

/** Options of {@link trainLoop}: the model, the data, and how long and how to report. */
export interface TrainLoopOptions {
  /** The model and recipe (ignored when resuming, where the checkpoint's config is used; giving another is an error). */
  config: SetrConfig;
  /** The training split, in memory or on disk (streamed); its class count must equal the config's `numClasses`. */
  train: TrainingData;
  /** The validation split, evaluated after every epoch to pick `best.safetensors`. */
  val: SegmentationDataset;
  /** Seeds the initialisation, the shuffles and the augmentation (default 0). */
  seed?: number;
  /** The schedule's length in epochs (default: the config's `train.epochs`). */
  epochs?: number;
  /** Stop after the step that crosses this many minutes of wall-clock time (the schedule stays as planned). */
  minutes?: number;
  /** Continue the run from its last checkpoint. */
  resume?: boolean;
  /** Per-class loss weights, used when the config's `train.classWeights` is true. */
  classWeights?: readonly number[];
  /** Called after every step; the loop waits for a promise it returns (a page's Pause button). */
  onStep?: (p: StepProgress) => void | Promise<void>;
  /** Called after every epoch's validation and save, with the model as trained so far; the loop waits for a promise it returns. */
  onEpoch?: (r: EpochRecord, model: Setr) => void | Promise<void>;
  /**
   * Ends the run early when aborted: after the step in progress, without validating or saving a part
   * of an epoch (the checkpoint stays the last complete epoch's; an epoch already complete is saved).
   */
  signal?: AbortSignal;
}

/** What {@link trainLoop} resolves to. */
export interface TrainLoopResult {
  /** The model as trained at the end (the best epoch's weights are in `best.safetensors`); the caller disposes it. */
  readonly model: Setr;
  /** Every completed epoch's record, including those of earlier calls of a resumed run. */
  readonly history: EpochRecord[];
  /** The epoch with the highest validation mIoU; null when no epoch completed. */
  readonly best: {
    /** Its 1-based epoch number. */
    readonly epoch: number;
    /** Its validation mean IoU. */
    readonly valMeanIoU: number;
  } | null;
  /** Every step's total loss in this call, in order (what the resume test compares bit for bit). */
  readonly losses: number[];
  /** True when `minutes` ran out before the schedule's end. */
  readonly stoppedEarly: boolean;
  /** True when `signal` ended the run before the schedule's end. */
  readonly interrupted: boolean;
  /** Wall-clock seconds of the whole run, earlier calls of a resumed run included. */
  readonly seconds: number;
}

/**
 * Trains (or resumes) a run whose files `files` keeps, and returns the trained model with its history.
 * @example
 * const train = await fetchCamVid('data/camvid/96x128', 'train');
 * const val = await fetchCamVid('data/camvid/96x128', 'val');
 * const { history } = await trainLoop(indexedDbRunFiles('pup'), { config: preset('setr-tiny-pup'), train, val });
 */
export async function trainLoop(files: RunFiles, opts: TrainLoopOptions): Promise<TrainLoopResult> {
  const { val, signal } = opts;
  const run = opts.resume
    ? await resumeRun(files, opts)
    : startRun({ ...opts, seed: opts.seed ?? 0, epochs: opts.epochs ?? opts.config.train.epochs });
  const started = performance.now();
  const seconds = () => run.seconds + (performance.now() - started) / 1000;
  const deadline = opts.minutes === undefined ? Number.POSITIVE_INFINITY : started + opts.minutes * 60_000;
  const losses: number[] = [];
  let stoppedEarly = false;
  while (run.epoch < run.epochs && !stoppedEarly && !signal?.aborted) {
    const steps = await trainEpoch(run, { deadline, onStep: opts.onStep, signal });
    losses.push(...steps.losses);
    if (signal?.aborted && !steps.complete) break; // a part of an epoch is neither validated nor saved
    stoppedEarly = steps.stoppedEarly;
    const record = await validateEpoch(run, val, steps);
    await saveEpoch(run, { files, val, record, complete: steps.complete, seconds: seconds() });
    await opts.onEpoch?.(record, run.model);
  }
  run.classWeights?.dispose();
  const { model, history, best } = run;
  const interrupted = Boolean(signal?.aborted) && run.epoch < run.epochs;
  return { model, history, best, losses, stoppedEarly, interrupted, seconds: seconds() };
}
