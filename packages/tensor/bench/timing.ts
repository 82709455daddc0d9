/**
 * Timing one prepared op: warm it up, then take the median of several samples.
 *
 * The machine is shared and noisy, so one number means little: the median of N samples shrugs off
 * the odd slow one (a GC pause, a neighbour's compile), and the report compares subjects only as
 * ratios measured in the same process, minutes apart at most. The timed region holds nothing but the
 * op (and, for asynchronous backends, the wait for its result): inputs are made before, outputs freed
 * after the timer stops, and a garbage collection (when Node runs with --expose-gc) happens between
 * samples rather than inside them, followed by one untimed call so that each sample sees the warm
 * steady state of a loop of ops (worker threads awake), not a cold start after the collection.
 */
import type { Disposable, Prepared } from './subject.js';

export interface TimingOptions {
  /** Untimed calls after the first (JIT, kernel compilation, caches), unless they would exceed the budget. */
  readonly warmup: number;
  /** At most this many timed samples… */
  readonly maxReps: number;
  /** …and at least this many, unless one call alone takes longer than the budget (then 1). */
  readonly minReps: number;
  /** Samples are cut down (not below minReps) so that one case on one subject takes about this long. */
  readonly budgetMs: number;
  /** A sample shorter than this repeats the op back to back and divides, so timer jitter stays small. */
  readonly minSampleMs: number;
}

export interface Timing {
  /** Milliseconds per call, one entry per sample. */
  readonly samplesMs: number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Calls per sample. */
  readonly inner: number;
  /** Warm-up calls made after the first. */
  readonly warmup: number;
}

/** Ops faster than this get one untimed call before each sample (see `measure`). */
const REWARM_BELOW_MS = 50;

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether samples are separated by a forced garbage collection (Node started with --expose-gc). */
export const forcesGc = gc !== undefined;

/** Times `inner` back-to-back calls and returns milliseconds per call; outputs are freed after the clock stops. */
async function sample(p: Prepared, inner: number): Promise<number> {
  const outs: Disposable[] = [];
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) {
    const r = p.run();
    outs.push(r instanceof Promise ? await r : r);
  }
  const ms = (performance.now() - t0) / inner;
  for (const o of outs) o.dispose();
  return ms;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Warms `p` up, sizes the samples from the last warm-up call, and measures. `firstMs` is the time of
 * a call the caller already made (the checked one), which counts as warm-up: warming stops once the
 * warm-up calls have used the budget, so an op that takes seconds is not run needlessly often.
 */
export async function measure(p: Prepared, o: TimingOptions, firstMs: number): Promise<Timing> {
  let estimate = firstMs;
  let spent = firstMs;
  let warmup = 0;
  while (warmup < o.warmup && spent < o.budgetMs) {
    gc?.();
    estimate = await sample(p, 1);
    spent += estimate;
    warmup++;
  }
  const inner = Math.min(100, Math.max(1, Math.ceil(o.minSampleMs / Math.max(estimate, 1e-3))));
  const affordable = Math.floor(o.budgetMs / Math.max(estimate * inner, 1e-3));
  // an op slower than the whole budget is timed once: its one sample is marked by the samples column
  const reps = estimate > o.budgetMs ? 1 : Math.max(o.minReps, Math.min(o.maxReps, affordable));
  const samplesMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc?.();
    // One untimed call after the pause: a forced GC outlasts the few ms a worker pool stays awake, so
    // without it every sample would include waking the threads, which a training loop (ops back to back)
    // never pays. Ops slower than REWARM_BELOW_MS dwarf that wake-up and are not re-warmed.
    if (estimate < REWARM_BELOW_MS) await sample(p, 1);
    samplesMs.push(await sample(p, inner));
  }
  return { samplesMs, medianMs: median(samplesMs), minMs: Math.min(...samplesMs), maxMs: Math.max(...samplesMs), inner, warmup };
}
