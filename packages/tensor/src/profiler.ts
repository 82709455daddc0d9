/**
 * A kernel-level profiler: `profile(fn)` runs `fn` and records every kernel call it makes — the kernel,
 * the op that asked for it, the phase (forward, backward, optimizer), the backend, the input shapes,
 * the time, the bytes moved and, for matmul and the convolutions, the FLOPs — then prints a table
 * grouped by op and kernel with each row's share of the whole and its GFLOP/s and GB/s against the
 * machine's measured peak (`measurePeaks`).
 *
 * How it sees the calls: the engine routes every kernel of every backend through one hook
 * (`setKernelHook`), and every op pushes its name while it runs (`op` in engine.ts), so nothing in the
 * ops or the backends knows about profiling. A kernel that calls another kernel of its backend counts
 * once, as the outer call. Times are wall-clock around the call: exact for backends that compute
 * synchronously (reference, wasm), dispatch times only for asynchronous ones (gpu.js in WebGPU mode).
 * @example
 * const { profile: p } = T.profile(() => trainStep());
 * console.log(p.table());
 */
import type { Backend, Conv2dParams, ResizeKernelParams, View } from './backend.js';
import { convOutSize } from './conv-geometry.js';
import { bytesPer, type DType } from './dtype.js';
import { currentPhase, runningOps, setKernelHook } from './engine.js';
import { sizeOf } from './shape.js';

/** One kernel call as the profiler saw it. */
export interface KernelCall {
  /** The kernel, with its op for the families that take one: `matmul`, `unary:gelu`, `binary:add`, `reduce:sum`. */
  readonly kernel: string;
  /**
   * The op that asked for the kernel: the outermost op running (`crossEntropy` for all of its kernels;
   * in the backward pass the forward op whose gradient is computed, e.g. `gelu`).
   */
  readonly op: string;
  /** `forward`, `backward`, `optimizer`, or what `withPhase` named. */
  readonly phase: string;
  /** The name of the backend that ran it (`wasm`, `gpujs`, `reference`). */
  readonly backend: string;
  /** The shapes of the kernel's input views. */
  readonly shapes: readonly (readonly number[])[];
  /** Milliseconds the call took, measured around the kernel (on async backends: the time to enqueue it). */
  readonly ms: number;
  /** Bytes the kernel reads (its input views) and writes (its output). */
  readonly bytes: number;
  /** Floating-point operations (multiply and add count one each) where defined: matmul and the convolutions. */
  readonly flops: number | null;
}

/** One row of the table: the calls of one kernel for one op in one phase. */
export interface ProfileRow {
  /** The phase the calls ran in: `forward`, `backward`, `optimizer`, … (see {@link KernelCall.phase}). */
  readonly phase: string;
  /** The op that asked for the kernel (see {@link KernelCall.op}). */
  readonly op: string;
  /** The kernel, with its op for the families that take one, e.g. `binary:add`. */
  readonly kernel: string;
  /** How many calls the row sums. */
  readonly calls: number;
  /** Total milliseconds of those calls. */
  readonly ms: number;
  /** Total bytes those calls read and wrote. */
  readonly bytes: number;
  /** Total floating-point operations, null for kernels that do not count them. */
  readonly flops: number | null;
}

/** Achievable rates of a backend on this machine: a large float32 matmul, and a large elementwise add. */
export interface Peaks {
  /** Arithmetic rate of a large float32 matmul, in GFLOP/s. */
  readonly gflops: number;
  /** Memory bandwidth of a large elementwise add (bytes read and written), in GB/s. */
  readonly gbps: number;
}

/** The calls of one profiled run, and the table made of them. */
export class Profile {
  constructor(
    /** Every kernel call of the run, in the order they ran. */
    readonly calls: readonly KernelCall[],
    /** Wall-clock milliseconds of the whole run, kernels and everything between them. */
    readonly wallMs: number,
  ) {}

  /** Milliseconds spent inside kernels. */
  get kernelMs(): number {
    return this.calls.reduce((s, c) => s + c.ms, 0);
  }

  /** The calls grouped by phase, op and kernel, slowest first. */
  rows(): ProfileRow[] {
    const groups = new Map<
      string,
      { phase: string; op: string; kernel: string; calls: number; ms: number; bytes: number; flops: number | null }
    >();
    for (const c of this.calls) {
      const key = `${c.phase}\u0000${c.op}\u0000${c.kernel}`;
      const g = groups.get(key) ?? { phase: c.phase, op: c.op, kernel: c.kernel, calls: 0, ms: 0, bytes: 0, flops: null };
      g.calls++;
      g.ms += c.ms;
      g.bytes += c.bytes;
      if (c.flops !== null) g.flops = (g.flops ?? 0) + c.flops;
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => b.ms - a.ms);
  }

  /**
   * The table: one line per row (at most `top`, the rest summed), with its share of the wall time,
   * GFLOP/s and GB/s, and those as a percentage of `peaks` when given; then the time per phase and the
   * time outside kernels (JavaScript: dispatch, allocation, the autograd graph).
   */
  table(opts: { top?: number; peaks?: Peaks } = {}): string {
    const { top = 30, peaks } = opts;
    const rows = this.rows();
    const shown = rows.slice(0, top);
    const rest = rows.slice(top);
    const pct = (ms: number) => `${((100 * ms) / this.wallMs).toFixed(1)}%`;
    const rate = (amount: number, ms: number, unit: number, peak?: number) => {
      const r = amount / unit / (ms / 1000);
      return peak ? `${r.toFixed(1)} (${Math.round((100 * r) / peak)}%)` : r.toFixed(1);
    };
    const lines: string[][] = [['phase', 'op', 'kernel', 'calls', 'ms', 'share', 'GFLOP/s (of peak)', 'GB/s (of peak)']];
    for (const r of shown) {
      lines.push([
        r.phase,
        r.op,
        r.kernel,
        String(r.calls),
        r.ms.toFixed(1),
        pct(r.ms),
        r.flops === null ? '' : rate(r.flops, r.ms, 1e9, peaks?.gflops),
        rate(r.bytes, r.ms, 1e9, peaks?.gbps),
      ]);
    }
    if (rest.length > 0) {
      const ms = rest.reduce((s, r) => s + r.ms, 0);
      lines.push(['', `(${rest.length} more rows)`, '', String(rest.reduce((s, r) => s + r.calls, 0)), ms.toFixed(1), pct(ms), '', '']);
    }
    const phases = new Map<string, number>();
    for (const c of this.calls) phases.set(c.phase, (phases.get(c.phase) ?? 0) + c.ms);
    const outside = this.wallMs - this.kernelMs;
    const summary = [
      `wall ${this.wallMs.toFixed(1)} ms, ${this.calls.length} kernel calls;`,
      ...[...phases].map(([p, ms]) => `${p} ${ms.toFixed(1)} ms (${pct(ms)});`),
      `outside kernels ${outside.toFixed(1)} ms (${pct(outside)})`,
      peaks ? `; peaks ${peaks.gflops.toFixed(1)} GFLOP/s, ${peaks.gbps.toFixed(1)} GB/s` : '',
    ].join(' ');
    return `${formatColumns(lines)}\n${summary}`;
  }
}

function formatColumns(lines: string[][]): string {
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const numeric = (i: number) => i >= 3;
  return lines.map((l) => l.map((cell, i) => (numeric(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')).join('\n');
}

let recording: KernelCall[] | null = null;
/** Kernels running now (a kernel may call another of its backend's kernels; only the outer one counts). */
let depth = 0;

/**
 * Runs `fn` (synchronously) and records every kernel call it makes. Profiles do not nest.
 * @example
 * const { result: loss, profile: p } = profile(() => model.forward(x).sum());
 * console.log(p.table({ peaks: measurePeaks() }));
 */
export function profile<T>(fn: () => T): {
  /** What `fn` returned. */
  result: T;
  /** The kernel calls `fn` made. */
  profile: Profile;
} {
  if (recording !== null) throw new Error('profile: a profile is already running (profiles do not nest)');
  const calls: KernelCall[] = [];
  recording = calls;
  setKernelHook(record);
  const t0 = performance.now();
  try {
    const result = fn();
    if (result instanceof Promise) throw new Error('profile: the function must be synchronous (it returned a Promise)');
    return { result, profile: new Profile(calls, performance.now() - t0) };
  } finally {
    setKernelHook(null);
    recording = null;
  }
}

function record(backend: Backend, kernel: string, args: unknown[], run: (...args: unknown[]) => unknown): unknown {
  if (depth > 0 || recording === null) return run(...args);
  depth++;
  const t0 = performance.now();
  let out: unknown;
  try {
    out = run(...args);
  } finally {
    depth--;
  }
  const ms = performance.now() - t0;
  const views = args.flatMap((a) => (Array.isArray(a) ? a : [a])).filter(isView);
  const last = args[args.length - 1];
  // the params object, when the kernel has one (its last argument, which may also be a view or null)
  const params = (typeof last === 'object' && last !== null && !Array.isArray(last) && !isView(last) ? last : {}) as Record<
    string,
    unknown
  >;
  recording.push({
    kernel: typeof params?.op === 'string' ? `${kernel}:${params.op}` : kernel,
    op: runningOps()[0] ?? kernel,
    phase: currentPhase(),
    backend: backend.name,
    shapes: views.map((v) => v.shape),
    ms,
    bytes: views.reduce((s, v) => s + sizeOf(v.shape) * bytesPer(v.dtype), 0) + outputBytes(kernel, views, params),
    flops: flopsOf(kernel, views, params),
  });
  return out;
}

function isView(a: unknown): a is View {
  return typeof a === 'object' && a !== null && 'dataId' in a && 'shape' in a && 'dtype' in a;
}

/** Bytes a kernel writes: its output's element count (from the inputs and params) times the element size. */
function outputBytes(kernel: string, v: readonly View[], p: Record<string, unknown>): number {
  const dtype: DType = kernel === 'cast' ? (p.dtype as DType) : kernel === 'where' ? v[1].dtype : v[0].dtype;
  return outputElements(kernel, v, p) * bytesPer(dtype);
}

function outputElements(kernel: string, v: readonly View[], p: Record<string, unknown>): number {
  const size = (i: number) => sizeOf(v[i].shape);
  switch (kernel) {
    case 'pad':
      return sizeOf(v[0].shape.map((d, i) => d + (p.pads as [number, number][])[i][0] + (p.pads as [number, number][])[i][1]));
    case 'cat':
      return v.reduce((s, x) => s + sizeOf(x.shape), 0);
    case 'reduce':
      return v[0].shape[0];
    case 'layerNorm':
      return size(0) + 2 * v[0].shape[0];
    case 'matmul':
      return v[0].shape[0] * v[0].shape[1] * v[1].shape[2];
    case 'conv2d': {
      const [n, , h, w] = v[0].shape;
      const [co, , kh, kw] = v[1].shape;
      const q = p as unknown as Conv2dParams;
      return (
        n * co * convOutSize(h, kh, q.stride[0], q.padding[0], q.dilation[0]) * convOutSize(w, kw, q.stride[1], q.padding[1], q.dilation[1])
      );
    }
    case 'conv2dBackwardInput':
      return sizeOf(p.xShape as number[]);
    case 'conv2dBackwardWeight':
      return sizeOf(p.wShape as number[]);
    case 'resizeBilinear':
    case 'resizeNearest':
    case 'resizeBilinearBackward':
    case 'resizeNearestBackward': {
      const q = p as unknown as ResizeKernelParams;
      return v[0].shape[0] * v[0].shape[1] * q.outH * q.outW;
    }
    case 'gather':
      return size(1);
    case 'scatterAdd':
      return sizeOf(p.shape as number[]);
    default: // contiguous, cast, unary, binary, where, softmax: the shape of the (broadcast) input
      return size(kernel === 'where' ? 1 : 0);
  }
}

/** 2·(multiply-adds) for matmul and the convolutions (all three passes do the same work); null otherwise. */
function flopsOf(kernel: string, v: readonly View[], p: Record<string, unknown>): number | null {
  if (kernel === 'matmul') return 2 * v[0].shape[0] * v[0].shape[1] * v[0].shape[2] * v[1].shape[2];
  if (kernel === 'conv2d') {
    const groups = (p as unknown as Conv2dParams).groups;
    const [, , kh, kw] = v[1].shape;
    return 2 * outputElements(kernel, v, p) * (v[0].shape[1] / groups) * kh * kw;
  }
  if (kernel === 'conv2dBackwardInput') {
    const [, cig, kh, kw] = v[1].shape;
    return 2 * sizeOf(v[0].shape) * cig * kh * kw; // every dy element meets C/groups·kh·kw weights
  }
  if (kernel === 'conv2dBackwardWeight') {
    const [, cig, kh, kw] = p.wShape as number[];
    return 2 * sizeOf(v[1].shape) * cig * kh * kw;
  }
  return null;
}
