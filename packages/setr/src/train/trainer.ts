/**
 * Training SETR in a run folder, as `setr train` does: the loop (loop.ts) with its files in the folder
 * (run-folder.ts), the folder locked while the run trains (run-lock.ts), the temporary files of killed
 * saves cleared when resuming, and, at the end, the run's report (curves and a prediction grid).
 *
 *   mkdir out → lock → trainLoop(runFolder(out)) → curves.svg/png, predictions.png → unlock
 */
import { mkdirSync } from 'node:fs';
import type { CurvesOptions } from '../report/curves.js';
import { type TrainLoopOptions, type TrainLoopResult, trainLoop } from './loop.js';
import { type RunReportFiles, writeRunReport } from './report.js';
import { removeInterruptedSaves, runFolder } from './run-folder.js';
import { lockRunFolder } from './run-lock.js';
import { BEST_MODEL_FILE } from './save.js';

/** Options of {@link trainSetr}: the loop's, the run folder, and the report. */
export interface TrainRunOptions extends TrainLoopOptions {
  /** The run folder: checkpoints, metrics.json, best.safetensors. */
  out: string;
  /** Options of the curves drawn at the end (a reference run to compare with); `false` draws nothing. */
  report?: CurvesOptions | false;
  /** Hears what the run did besides training: a stale lock taken over, temporary files removed (default: console.warn). */
  onNote?: (message: string) => void;
}

/** What {@link trainSetr} resolves to: the loop's result and the report. */
export interface TrainRunResult extends TrainLoopResult {
  /** The curves and prediction pictures written at the end (null when `report: false`, or when the run was interrupted). */
  readonly report: RunReportFiles | null;
}

/**
 * Trains (or resumes) a run in the folder `out` and returns the trained model with its history.
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
    const files = runFolder(out);
    const result = await trainLoop(files, opts);
    const { best, interrupted, history } = result;
    const report =
      opts.report === false || !best || interrupted
        ? null
        : await writeRunReport(out, files.path(BEST_MODEL_FILE), opts.val, history, opts.report);
    return { ...result, report };
  } finally {
    lock.release();
  }
}
