/**
 * onnxruntime-node as a peer of the evaluation forward (issue #21): the very model we time, exported
 * with `exportSetrOnnx` (dynamic batch and size, as a user would export it), run by onnxruntime's CPU
 * provider with 1 and 2 intra-op threads — the thread counts PyTorch gets. Native code with its own
 * graph optimisations (fused attention, constant folding, pre-packed GEMM weights): the peer for the
 * question "how far is our wasm from a native runtime on the same graph?". Timed as ours: the run of
 * one batch, medians after a warm-up.
 */
import { randn } from '@setr-ts/tensor';
import * as ort from 'onnxruntime-node';
import type { Setr } from '../src/index.js';
import { exportSetrOnnx } from '../src/index.js';
import { timeRuns } from '../src/train/bench-step.js';

/** What one config's onnxruntime run gives: its version and, per thread count and batch, the run times. */
export interface OnnxruntimeTimes {
  version: string;
  /** threads → batch → ms of each timed run. */
  eval: Record<string, Record<string, number[]>>;
}

/** Times `model` (in evaluation mode) in onnxruntime-node on `threads` intra-op threads, for each batch of `plan`. */
export async function timeOnnxruntime(
  model: Setr,
  plan: readonly { batch: number; reps: number }[],
  threads: readonly number[],
  warmup: number,
): Promise<OnnxruntimeTimes> {
  const bytes = exportSetrOnnx(model, { dynamic: true });
  const [h, w] = model.config.imgSize;
  const times: OnnxruntimeTimes['eval'] = {};
  for (const t of threads) {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: t, interOpNumThreads: 1, executionMode: 'sequential' });
    times[t] = {};
    for (const e of plan) {
      const x = randn([e.batch, 3, h, w]);
      const images = new ort.Tensor('float32', Float32Array.from(x.dataSync()), [e.batch, 3, h, w]);
      x.dispose();
      times[t][e.batch] = await timeRuns(() => session.run({ images }), e.reps, warmup);
    }
    await session.release();
  }
  return { version: ort.env.versions.node ?? 'unknown', eval: times };
}
