/**
 * Our own backends as benchmark subjects: every registered backend in every mode worth comparing.
 * A backend that is not registered (still being written) or fails to start is reported as skipped,
 * with the reason, never silently left out.
 */
import {
  type Backend,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  fromTypedArray,
  layerNorm,
  matmul,
  memory,
  registeredBackends,
  setBackend,
  softmax,
  type Tensor,
} from '../src/index.js';
import { type BenchCase, type CaseInputs, convShapes } from './cases.js';
import type { Prepared, Subject } from './subject.js';

/** One backend configuration: the name it is registered under and the options `setBackend` gets. */
export interface OurConfig {
  readonly label: string;
  readonly name: string;
  readonly options: Record<string, unknown>;
  /** Skip cases heavier than this (plain-JS backends would take minutes). */
  readonly maxGflop?: number;
  /** Run only these case ids (a mode kept only as a point of comparison). */
  readonly only?: readonly string[];
}

/** Our backend configurations, in table order. `threads` is how many the "all threads" wasm mode uses. */
export function ourConfigs(threads: number): OurConfig[] {
  const configs: OurConfig[] = [
    // plain loops at under 1 GFLOP/s, kept as the yardstick and for the ratio column; skips mm-1024
    { label: 'reference', name: 'reference', options: {}, maxGflop: 1 },
    // gpu.js's JavaScript fallback: one small case, to show what the kernels cost without acceleration
    { label: 'gpujs:cpu', name: 'gpujs', options: { mode: 'cpu' }, only: ['mm-256'] },
    { label: 'gpujs:webasm', name: 'gpujs', options: { mode: 'webasm' } },
    { label: 'gpujs:webgpu', name: 'gpujs', options: { mode: 'webgpu' } },
    { label: 'wasm:1t', name: 'wasm', options: { threads: 1 } },
  ];
  if (threads > 1) configs.push({ label: `wasm:${threads}t`, name: 'wasm', options: { threads } });
  return configs;
}

/** A subject for one configuration, or the reason it cannot run here. */
export async function ourSubject(config: OurConfig): Promise<Subject | string> {
  if (!registeredBackends().includes(config.name)) return `backend '${config.name}' is not registered`;
  let backend: Backend;
  try {
    backend = await setBackend(config.name, config.options);
  } catch (e) {
    return `setBackend('${config.name}', ${JSON.stringify(config.options)}) failed: ${(e as Error).message}`;
  }
  return new OurSubject(config, backend, !readsSynchronously(backend));
}

/** Backends that compute asynchronously (gpu.js in WebGPU mode) refuse `readSync`. */
function readsSynchronously(b: Backend): boolean {
  const probe = fromTypedArray(new Float32Array([1]), [1], 'float32', b);
  try {
    probe.dataSync();
    return true;
  } catch {
    return false;
  } finally {
    probe.dispose();
  }
}

class OurSubject implements Subject {
  readonly label: string;
  readonly description: string;

  constructor(
    private readonly config: OurConfig,
    private readonly backend: Backend,
    readonly timesReadback: boolean,
  ) {
    this.label = config.label;
    this.description = backend.description;
  }

  skipReason(c: BenchCase, includeSlow: boolean): string | null {
    const { only, maxGflop } = this.config;
    if (includeSlow) return null;
    if (only && !only.includes(c.id)) return `runs only ${only.join(', ')} (--slow runs all)`;
    if (maxGflop !== undefined && c.flops > maxGflop * 1e9) return `over ${maxGflop} GFLOP: too slow for plain loops (--slow runs it)`;
    return null;
  }

  liveTensors(): number {
    return memory().numTensors;
  }

  async prepare(c: BenchCase, inputs: CaseInputs): Promise<Prepared<Tensor>> {
    const held: Tensor[] = [];
    const put = (name: string) => {
      const t = fromTypedArray(inputs[name].values, inputs[name].shape, 'float32', this.backend);
      held.push(t);
      return t;
    };
    const view = (t: Tensor) => {
      const v = t.transpose(-2, -1);
      held.push(v);
      return v;
    };
    const op = this.op(c, put, view);
    return {
      run: this.timesReadback
        ? async () => {
            const y = op();
            await y.data();
            return y;
          }
        : op,
      values: async (y) => (await y.data()) as Float32Array,
      dispose: () => {
        for (const t of held) t.dispose();
      },
    };
  }

  /** Uploads the case's inputs (and makes its transposed views) now; returns the op alone. */
  private op(c: BenchCase, put: (name: string) => Tensor, view: (t: Tensor) => Tensor): () => Tensor {
    const s = c.spec;
    switch (s.kind) {
      case 'matmul': {
        const a = s.transA ? view(put('a')) : put('a');
        const b = s.transB ? view(put('b')) : put('b');
        return () => matmul(a, b);
      }
      case 'conv2d': {
        const opts = { padding: s.padding };
        const { x: xShape, w: wShape } = convShapes(s);
        if (s.which === 'forward') {
          const [x, w] = [put('x'), put('w')];
          return () => conv2d(x, w, null, opts);
        }
        if (s.which === 'backwardInput') {
          const [dy, w] = [put('dy'), put('w')];
          return () => conv2dBackwardInput(dy, w, xShape, opts);
        }
        const [x, dy] = [put('x'), put('dy')];
        return () => conv2dBackwardWeight(x, dy, wShape, opts);
      }
      case 'softmax': {
        const x = put('x');
        return () => softmax(x, -1);
      }
      case 'layerNorm': {
        const [x, w, b] = [put('x'), put('weight'), put('bias')];
        return () => layerNorm(x, [s.cols], w, b, 1e-5);
      }
    }
  }
}
