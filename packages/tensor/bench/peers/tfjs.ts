/**
 * TensorFlow.js as the peer: its `cpu` backend (plain JavaScript) and its `wasm` backend (XNNPACK,
 * SIMD), on the same shapes and the same input values as our backends, in the same process.
 *
 * Fairness notes, also printed with the results:
 * - Convolutions run in tfjs's own layout, NHWC with `[kh,kw,C,Co]` filters (its wasm backend accepts
 *   nothing else); inputs are converted once, before timing, and outputs back only for the check.
 * - Transposed matmul operands use tfjs's `transposeA/B` flags, its way of reading a transposed view.
 * - The conv gradients call the kernels tfjs's own conv2d gradient calls (`Conv2DBackpropInput`,
 *   `Conv2DBackpropFilter`).
 * - tfjs has no layerNorm op; the peer is what a tfjs user writes: `moments` plus four elementwise ops.
 * - Production mode is on (`enableProdMode`), as tfjs recommends for speed.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { type BenchCase, type CaseInputs, convShapes, type Input } from '../cases.js';
import type { Prepared, Subject } from '../subject.js';

type Tfjs = typeof TF;

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];

export interface TfjsInfo {
  readonly version: string;
  readonly wasmThreads: number | null;
  readonly wasmSimd: boolean | null;
  readonly wasmMultithreadSupported: boolean | null;
}

/**
 * Loads tfjs and the wasm backend (binaries from node_modules via setWasmPaths) and returns one
 * subject per requested tfjs backend, with what it found out about the wasm build.
 */
export async function tfjsSubjects(backends: readonly ('cpu' | 'wasm')[]): Promise<{ subjects: Subject[]; info: TfjsInfo }> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
  tf.enableProdMode();
  let info: TfjsInfo = { version: tf.version.tfjs, wasmThreads: null, wasmSimd: null, wasmMultithreadSupported: null };
  const subjects: Subject[] = [];
  for (const name of backends) {
    if (!(await tf.setBackend(name))) throw new Error(`tfjs: setBackend('${name}') failed`);
    let description = `tfjs ${tf.version.tfjs} ${name} (plain JavaScript)`;
    if (name === 'wasm') {
      info = {
        ...info,
        wasmThreads: wasm.getThreadsCount(),
        wasmSimd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
        wasmMultithreadSupported: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean,
      };
      const threads = `${info.wasmThreads} thread${info.wasmThreads === 1 ? '' : 's'}`;
      const why = info.wasmMultithreadSupported ? '' : '; tfjs turns its threaded build off under Node (tfjs issue #3830)';
      description = `tfjs ${tf.version.tfjs} wasm (XNNPACK, ${info.wasmSimd ? 'SIMD' : 'no SIMD'}, ${threads}${why})`;
    }
    subjects.push(new TfjsSubject(tf, name, description));
  }
  return { subjects, info };
}

/**
 * Measured once on the 2-core dev machine (2026-11-26): 44 s a call, 0.01 GFLOP/s. Six calls would
 * take longer than the whole rest of the run, so the case is skipped on tfjs:cpu.
 */
const SLOW_CPU_FILTER_GRADIENT = 'tfjs cpu Conv2DBackpropFilter took 44 s a call in a trial (0.01 GFLOP/s); --slow runs it';

/** The tfjs kernel a conv gradient case calls directly (the other cases go through public ops). */
function kernelOf(c: BenchCase): string | null {
  if (c.spec.kind !== 'conv2d' || c.spec.which === 'forward') return null;
  return c.spec.which === 'backwardInput' ? 'Conv2DBackpropInput' : 'Conv2DBackpropFilter';
}

class TfjsSubject implements Subject {
  readonly label: string;
  readonly timesReadback = false; // tfjs's cpu and wasm kernels finish before the op returns

  constructor(
    private readonly tf: Tfjs,
    private readonly backend: 'cpu' | 'wasm',
    readonly description: string,
  ) {
    this.label = `tfjs:${backend}`;
  }

  skipReason(c: BenchCase, includeSlow: boolean): string | null {
    const kernel = kernelOf(c);
    if (kernel && !this.tf.getKernel(kernel, this.backend))
      return `tfjs ${this.tf.version.tfjs} registers no ${kernel} kernel for '${this.backend}'`;
    if (this.backend === 'cpu' && kernel === 'Conv2DBackpropFilter' && !includeSlow) return SLOW_CPU_FILTER_GRADIENT;
    return null;
  }

  liveTensors(): number {
    return this.tf.memory().numTensors;
  }

  async prepare(c: BenchCase, inputs: CaseInputs): Promise<Prepared<TF.Tensor>> {
    const tf = this.tf;
    await tf.setBackend(this.backend);
    const held: TF.Tensor[] = [];
    const put = (input: Input, perm?: number[]) => {
      const t = tf.tensor(input.values, [...input.shape]);
      const laid = perm ? tf.transpose(t, perm) : t;
      if (laid !== t) t.dispose();
      held.push(laid);
      return laid;
    };
    let back: number[] | undefined; // the permutation that brings the output to our layout
    let op: () => TF.Tensor;
    const s = c.spec;
    switch (s.kind) {
      case 'matmul': {
        const [a, b] = [put(inputs.a), put(inputs.b)];
        op = () => tf.matMul(a, b, s.transA, s.transB);
        break;
      }
      case 'conv2d': {
        const { x: xShape, w: wShape } = convShapes(s);
        const attrs = { strides: [1, 1], pad: s.padding, dataFormat: 'NHWC' };
        if (s.which === 'forward') {
          const [x, w] = [put(inputs.x, NCHW_TO_NHWC), put(inputs.w, OIHW_TO_HWIO)];
          op = () => tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, 1, s.padding);
          back = NHWC_TO_NCHW;
        } else if (s.which === 'backwardInput') {
          const [dy, w] = [put(inputs.dy, NCHW_TO_NHWC), put(inputs.w, OIHW_TO_HWIO)];
          const inputShape = NCHW_TO_NHWC.map((d) => xShape[d]);
          op = () => tf.engine().runKernel(kernelOf(c)!, { dy, filter: w }, { ...attrs, inputShape }) as TF.Tensor;
          back = NHWC_TO_NCHW;
        } else {
          const [x, dy] = [put(inputs.x, NCHW_TO_NHWC), put(inputs.dy, NCHW_TO_NHWC)];
          const filterShape = OIHW_TO_HWIO.map((d) => wShape[d]);
          op = () => tf.engine().runKernel(kernelOf(c)!, { x, dy }, { ...attrs, filterShape }) as TF.Tensor;
          back = HWIO_TO_OIHW;
        }
        break;
      }
      case 'softmax': {
        const x = put(inputs.x);
        op = () => tf.softmax(x);
        break;
      }
      case 'layerNorm': {
        const [x, w, b] = [put(inputs.x), put(inputs.weight), put(inputs.bias)];
        op = () =>
          tf.tidy(() => {
            const { mean, variance } = tf.moments(x, -1, true);
            return x
              .sub(mean)
              .mul(tf.rsqrt(variance.add(1e-5)))
              .mul(w)
              .add(b);
          });
        break;
      }
    }
    return {
      run: op,
      values: async (y) => {
        const ours = back ? tf.transpose(y, back) : y;
        const v = (await ours.data()) as Float32Array;
        if (ours !== y) ours.dispose();
        return v;
      },
      dispose: () => {
        for (const t of held) t.dispose();
      },
    };
  }
}
