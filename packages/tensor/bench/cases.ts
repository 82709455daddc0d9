/**
 * The benchmark cases: the shapes SETR-Tiny actually runs (its 1544-token sequence of width 128,
 * 4 heads of 32 over 193 tokens per image in a batch of 16 images, …) plus square matmuls and one 3×3
 * convolution, each with the work it does so the report can turn times into GFLOP/s or GB/s.
 *
 * A case says only *what* to compute; each subject (one of our backends, or a tfjs peer) says how.
 * Inputs are drawn once per case from the package's seeded generator, so every subject gets the very
 * same numbers and the results can be cross-checked.
 */
import { manualSeed, randn, sizeOf } from '../src/index.js';

/** `[B,M,K] @ [B,K,N]`; a transposed operand is stored the other way round and read through a view. */
export interface MatmulSpec {
  readonly kind: 'matmul';
  readonly batch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** A is stored `[K,M]` and used as its transpose (dW = Xᵀ·dY). */
  readonly transA: boolean;
  /** B is stored `[N,K]` and used as its transpose (dX = dY·Wᵀ, attention's Q·Kᵀ). */
  readonly transB: boolean;
}

/** A 3×3 (or k×k) convolution, stride 1, NCHW: the forward kernel or one of its two gradients. */
export interface ConvSpec {
  readonly kind: 'conv2d';
  readonly which: 'forward' | 'backwardInput' | 'backwardWeight';
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly co: number;
  readonly k: number;
  readonly padding: number;
}

/** Softmax or layerNorm over the last dim of a `[rows, cols]` matrix. */
export interface RowsSpec {
  readonly kind: 'softmax' | 'layerNorm';
  readonly rows: number;
  readonly cols: number;
}

export type CaseSpec = MatmulSpec | ConvSpec | RowsSpec;

export interface BenchCase {
  /** Short id used on the command line (`--cases`) and in the table. */
  readonly id: string;
  /** The shapes in words, e.g. `1544×128 · 128×384`. */
  readonly shape: string;
  readonly spec: CaseSpec;
  /** Floating-point operations (a multiply-add counts 2), for GFLOP/s; 0 for memory-bound ops. */
  readonly flops: number;
  /** Bytes one call must at least read and write (float32), for GB/s of the memory-bound ops. */
  readonly bytes: number;
  /** Part of the `--quick` smoke run. */
  readonly quick: boolean;
}

const F32 = 4;

function matmulCase(id: string, shape: string, s: Omit<MatmulSpec, 'kind'>, quick = false): BenchCase {
  const spec: MatmulSpec = { kind: 'matmul', ...s };
  const { batch, m, k, n } = s;
  return { id, shape, spec, flops: 2 * batch * m * k * n, bytes: batch * (m * k + k * n + m * n) * F32, quick };
}

const plain = { batch: 1, transA: false, transB: false };

/**
 * One SETR-Tiny linear layer Y = X·W (X `[tokens,in]`, W `[in,out]`) and the two products of its
 * backward pass; `quick` puts the dW product (a transposed view on the left) into the smoke run.
 */
function linearCases(name: string, tokens: number, inF: number, outF: number, quick = false): BenchCase[] {
  return [
    matmulCase(`${name}-fwd`, `${tokens}×${inF} · ${inF}×${outF}`, { ...plain, m: tokens, k: inF, n: outF }),
    // dX = dY·Wᵀ: W is the stored [in,out] weight, read through a transposed view
    matmulCase(`${name}-dX`, `${tokens}×${outF} · (${inF}×${outF})ᵀ`, { ...plain, m: tokens, k: outF, n: inF, transB: true }),
    // dW = Xᵀ·dY: X is the stored [tokens,in] activation, read through a transposed view
    matmulCase(`${name}-dW`, `(${tokens}×${inF})ᵀ · ${tokens}×${outF}`, { ...plain, m: inF, k: tokens, n: outF, transA: true }, quick),
  ];
}

function convCase(id: string, which: ConvSpec['which'], quick = false): BenchCase {
  const spec: ConvSpec = { kind: 'conv2d', which, n: 8, c: 64, h: 32, w: 32, co: 64, k: 3, padding: 1 };
  const { n, c, co, k } = spec;
  const { x, w, y } = convShapes(spec);
  const fmt = (shape: number[]) => shape.join('×');
  const macs = n * co * y[2] * y[3] * c * k * k; // the forward kernel and both gradients do the same multiply-adds
  const bytes = (sizeOf(x) + sizeOf(w) + sizeOf(y)) * F32;
  return { id, shape: `${fmt(x)} ⊛ ${fmt(w)}, pad ${spec.padding}`, spec, flops: 2 * macs, bytes, quick };
}

function rowsCase(kind: RowsSpec['kind'], rows: number, cols: number, shape: string, quick = false): BenchCase {
  // read x once, write y once (layerNorm's weight, bias and per-row stats are negligible)
  return { id: kind, shape, spec: { kind, rows, cols }, flops: 0, bytes: 2 * rows * cols * F32, quick };
}

// SETR-Tiny shapes from the issues: 1544 = 8 images × 193 tokens (a 96×128 CamVid image cut into
// 12×16 patches of 8×8, plus a class token) of width 128; attention runs 64 (image, head) pairs of
// head width 32.
const TOKENS = 1544;

export const CASES: readonly BenchCase[] = [
  matmulCase('mm-256', '256×256 · 256×256', { ...plain, m: 256, k: 256, n: 256 }, true),
  matmulCase('mm-512', '512×512 · 512×512', { ...plain, m: 512, k: 512, n: 512 }),
  matmulCase('mm-1024', '1024×1024 · 1024×1024', { ...plain, m: 1024, k: 1024, n: 1024 }),
  ...linearCases('qkv', TOKENS, 128, 384, true),
  ...linearCases('proj', TOKENS, 128, 128),
  ...linearCases('mlp1', TOKENS, 128, 512),
  ...linearCases('mlp2', TOKENS, 512, 128),
  // scores = Q·Kᵀ with K read through a transposed view, then context = P·V
  matmulCase('attn-qk', '64×(193×32 · (193×32)ᵀ)', { batch: 64, m: 193, k: 32, n: 193, transA: false, transB: true }, true),
  matmulCase('attn-pv', '64×(193×193 · 193×32)', { batch: 64, m: 193, k: 193, n: 32, transA: false, transB: false }),
  convCase('conv-fwd', 'forward', true),
  convCase('conv-dX', 'backwardInput'),
  convCase('conv-dW', 'backwardWeight'),
  rowsCase('softmax', 64 * 193, 193, '[64·193, 193], last dim', true),
  rowsCase('layerNorm', TOKENS, 128, '[1544, 128], weight+bias', true),
];

/** A named input: its values, row-major, and the shape they are stored in. */
export interface Input {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** What each kind of case takes, in our layout (NCHW, weights `[Co,C,kh,kw]`). */
export type CaseInputs = Record<string, Input>;

/** The stored (not viewed) shapes of a matmul's operands: a transposed operand is stored swapped. */
export function matmulStoredShapes(s: MatmulSpec): { a: number[]; b: number[] } {
  const lead = s.batch === 1 ? [] : [s.batch];
  return { a: [...lead, ...(s.transA ? [s.k, s.m] : [s.m, s.k])], b: [...lead, ...(s.transB ? [s.n, s.k] : [s.k, s.n])] };
}

/** Standard-normal inputs for a case, drawn from the seeded generator (the same for every subject). */
export function makeInputs(spec: CaseSpec, seed = 0): CaseInputs {
  manualSeed(seed);
  const draw = (shape: number[]): Input => {
    const t = randn(shape, { backend: 'reference' });
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return { values, shape };
  };
  switch (spec.kind) {
    case 'matmul': {
      const { a, b } = matmulStoredShapes(spec);
      return { a: draw(a), b: draw(b) };
    }
    case 'conv2d': {
      const { x, w, y } = convShapes(spec);
      return { x: draw(x), w: draw(w), dy: draw(y) };
    }
    case 'softmax':
      return { x: draw([spec.rows, spec.cols]) };
    case 'layerNorm':
      return { x: draw([spec.rows, spec.cols]), weight: draw([spec.cols]), bias: draw([spec.cols]) };
  }
}

/** Input, weight and output shapes of a conv case (NCHW, weight `[Co,C,kh,kw]`, stride 1). */
export function convShapes(s: ConvSpec): { x: number[]; w: number[]; y: number[] } {
  const out = (size: number) => size + 2 * s.padding - s.k + 1;
  return { x: [s.n, s.c, s.h, s.w], w: [s.co, s.c, s.k, s.k], y: [s.n, s.co, out(s.h), out(s.w)] };
}
