/**
 * A subject is one thing being benchmarked: one of our backends in one mode (`wasm:2t`), or a peer
 * (`tfjs:wasm`). The runner only needs this interface, so our backends and tfjs are measured by the
 * same loop on the same inputs.
 */
import type { BenchCase, CaseInputs } from './cases.js';

/** What an op returns: something to free once the timer has stopped. */
export interface Disposable {
  dispose(): void;
}

/** One case made ready on one subject: inputs uploaded, views made, nothing left but the op. */
export interface Prepared<H extends Disposable = Disposable> {
  /**
   * Runs the op once. Synchronous subjects return the finished output; asynchronous ones return a
   * promise that resolves once the result has been read back, which is what the timer then waits for.
   */
  run(): H | Promise<H>;
  /** The output's values in our layout (NCHW, `[Co,C,kh,kw]`), for the cross-check; never timed. */
  values(out: H): Promise<Float32Array>;
  /** Frees the inputs. */
  dispose(): void;
}

export interface Subject {
  /** Short label used in `--backends` and in the table, e.g. `gpujs:webgpu`. */
  readonly label: string;
  /** What runs underneath, in words (threads, SIMD, device). */
  readonly description: string;
  /** True when the timed region ends with an awaited readback (async backends). */
  readonly timesReadback: boolean;
  /**
   * Why this subject does not run a case, or null to run it. With `includeSlow` (`--slow`), cases
   * skipped only for taking too long are run too; a missing kernel is skipped either way.
   */
  skipReason(c: BenchCase, includeSlow: boolean): string | null;
  prepare(c: BenchCase, inputs: CaseInputs): Promise<Prepared>;
  /** Live tensors of this subject's library, to check that a case leaves nothing behind. */
  liveTensors(): number;
}
