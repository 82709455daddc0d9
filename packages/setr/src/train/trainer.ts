/**
 * Training SETR: the loop the CLI's `setr train` runs, usable on its own, composed of its phases —
 * start or resume the run (run.ts, resume.ts), train an epoch (epoch.ts: one `tidy` per step),
 * validate it (validation.ts), save it (save.ts: the best model, `metrics.json`, a checkpoint that
 * resumes the run bit for bit) — and, at the end, the run's report. The run folder is locked while
 * the run trains (run-lock.ts); an abort signal (Ctrl-C in the CLI) ends the run after the step in
 * progress, keeping the last complete epoch's checkpoint.
 *
 *   for epoch: for batch: images [B, 3, h, w], labels [B, h, w] → loss → ∂loss/∂θ → θ ← optimizer(θ)
 *              evaluate(val) → checkpoint, metrics.json, best.safetensors
 */
import { mkdirSync } from 'node:fs';
import type { SetrConfig } from '../config.js';
import type { SegmentationDataset } from '../data/dataset.js';
import type { Setr } from '../model/segmentor.js';
import type { CurvesOptions } from '../report/curves.js';
import { type StepProgress, trainEpoch } from './epoch.js';
import type { EpochRecord } from './history.js';
import { type RunReportFiles, writeRunReport } from './report.js';
import { removeInterruptedSaves, resumeRun } from './resume.js';
import { startRun } from './run.js';
import { lockRunFolder } from './run-lock.js';
import { bestModelPath, saveEpoch } from './save.js';
import { validateEpoch } from './validation.js';

export type { StepProgress } from './epoch.js';

/** Options of {@link trainSetr}: the model, the data, the run folder, and how long and how to report. */
export interface TrainRunOptions {
  /** The model and recipe (ignored when resuming, where the checkpoint's config is used; giving another is an error). */
  config: SetrConfig;
  /** The training split; its class count must equal the config's `numClasses`. */
  train: SegmentationDataset;
  /** The validation split, evaluated after every epoch to pick `best.safetensors`. */
  val: SegmentationDataset;
  /** The run folder: checkpoints, metrics.json, best.safetensors. */
  out: string;
  /** Seeds the initialisation, the shuffles and the augmentation (default 0). */
  seed?: number;
  /** The schedule's length in epochs (default: the config's `train.epochs`). */
  epochs?: number;
  /** Stop after the step that crosses this many minutes of wall-clock time (the schedule stays as planned). */
  minutes?: number;
  /** Continue the run in `out` from its last checkpoint. */
  resume?: boolean;
  /** Per-class loss weights, used when the config's `train.classWeights` is true. */
  classWeights?: readonly number[];
  /** Called after every step. */
  onStep?: (p: StepProgress) => void;
  /** Called after every epoch's validation. */
  onEpoch?: (r: EpochRecord) => void;
  /** Options of the curves drawn at the end (a reference run to compare with); `false` draws nothing. */
  report?: CurvesOptions | false;
  /**
   * Ends the run early when aborted: after the step in progress, without validating or saving a part
   * of an epoch (the checkpoint stays the last complete epoch's; an epoch already complete is saved).
   */
  signal?: AbortSignal;
  /** Hears what the run did besides training: a stale lock taken over, temporary files removed (default: console.warn). */
  onNote?: (message: string) => void;
}

/** What {@link trainSetr} resolves to. */
export interface TrainRunResult {
  /** The model as trained at the end (the best epoch's weights are in `out/best.safetensors`); the caller disposes it. */
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
  /** True when `signal` ended the run before the schedule's end (no report is drawn then). */
  readonly interrupted: boolean;
  /** Wall-clock seconds of the whole run, earlier calls of a resumed run included. */
  readonly seconds: number;
  /** The curves and prediction pictures written at the end (null when `report: false`). */
  readonly report: RunReportFiles | null;
}

/**
 * Trains (or resumes) a run and returns the trained model with its history.
 * @example
 * const train = await loadCamVid('data/camvid/96x128', 'train');
 * const val = await loadCamVid('data/camvid/96x128', 'val');
 * const { history } = await trainSetr({ config: preset('setr-tiny-pup'), train, val, out: 'runs/pup' });
 */
export async function trainSetr(opts: TrainRunOptions): Promise<TrainRunResult> {
  const { out, onNote = console.warn } = opts;
  mkdirSync(out, { recursive: true });
  const lock = lockRunFolder(out, onNote);
  try {
    if (opts.resume) {
      const removed = removeInterruptedSaves(out);
      if (removed.length > 0)
        onNote(`note: removed ${removed.length} temporary file(s) that interrupted saves left in ${out}: ${removed.join(', ')}`);
    }
    return await trainLocked(opts);
  } finally {
    lock.release();
  }
}

/** {@link trainSetr} once the run folder is locked. */
async function trainLocked(opts: TrainRunOptions): Promise<TrainRunResult> {
  const { val, out, signal } = opts;
  const run = opts.resume
    ? await resumeRun(out, opts)
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
    await saveEpoch(run, { out, val, record, complete: steps.complete, seconds: seconds() });
    opts.onEpoch?.(record);
  }
  run.classWeights?.dispose();
  const { model, history, best } = run;
  const interrupted = Boolean(signal?.aborted) && run.epoch < run.epochs;
  const report =
    opts.report === false || !best || interrupted ? null : await writeRunReport(out, bestModelPath(out), val, history, opts.report);
  return { model, history, best, losses, stoppedEarly, interrupted, seconds: seconds(), report };
}
