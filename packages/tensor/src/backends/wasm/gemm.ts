/**
 * The GEMM job (assembly/gemm/gemm.ts) on the TypeScript side: matrix products of batches of strided
 * matrices, used by matmul and by all three convolution kernels. This file chooses the blocking and how
 * the output is cut into tasks, allocates the per-thread packing buffers, and writes the job.
 */
import { MAX_TASKS } from './control.js';
import { GEMM_B_KIND, GEMM_JOB, MR, NR } from './generated/contract.js';
import type { WasmRuntime } from './runtime.js';

/** Depth of a packed block: MR×KC of A and KC×NR of B stay in L1 while a tile is computed. */
const KC = 256;
/** Rows of A packed at once (an MC×KC block, 120 KiB, stays in L2). */
const MC = 120;
/** Columns of B packed at once (a KC×NC block of 2 MiB, in L3). */
const NC = 2048;
/** Sustained speed used to estimate a product's duration when deciding to split it. */
const FLOPS_PER_NS = 20;

/** A strided operand: element (i, j) of batch (b1, b2), reduction step r, is at ptr + 4·(b1·s1 + b2·s2 + r·sr + i·rs + j·cs). */
export interface StridedOperand {
  readonly ptr: number;
  readonly s1: number;
  readonly s2: number;
  readonly sr?: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * B packed from an image as an im2col matrix that is never formed: element (k, j) is x[kOff[k] + jOff[j]].
 * `kTab` and `jTab` are addresses of i32 offsets (in elements), one per row and per column of B.
 */
export interface GatheredOperand {
  readonly ptr: number;
  readonly s1: number;
  readonly s2: number;
  readonly sr?: number;
  readonly kTab: number;
  readonly jTab: number;
}

export interface GemmSpec {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Batch counts: the job computes b1·b2 products. */
  readonly b1: number;
  readonly b2: number;
  /** Products summed into each C (default 1). */
  readonly reductions?: number;
  readonly a: StridedOperand;
  readonly b: StridedOperand | GatheredOperand;
  /** C is row-major with leading dimension `ld`. */
  readonly c: { readonly ptr: number; readonly s1: number; readonly s2: number; readonly ld: number };
}

const roundUp = (x: number, unit: number) => Math.ceil(x / unit) * unit;

/** C = A·B (summed over the reductions) for every batch; requires k ≥ 1. */
export function gemm(rt: WasmRuntime, spec: GemmSpec): void {
  const { m, n, k } = spec;
  const batches = spec.b1 * spec.b2;
  if (m === 0 || n === 0 || batches === 0) return;
  const reductions = spec.reductions ?? 1;
  // the k blocking depends on K alone, so every split of the work sums in the same order
  const kc = Math.ceil(k / Math.ceil(k / KC));
  const mc = Math.min(MC, roundUp(m, MR));
  const nc = Math.min(NC, roundUp(n, NR));
  const wanted = rt.tasksFor((2 * m * n * k * batches * reductions) / FLOPS_PER_NS, Number.MAX_SAFE_INTEGER, 1);
  let [bandsM, bandsN] = [1, 1];
  if (wanted > batches) {
    // cut the larger side: its packing is what each extra band repeats for the other operand
    const per = Math.ceil(wanted / batches);
    if (m >= n) bandsM = Math.min(per, Math.ceil(m / MR));
    else bandsN = Math.min(per, Math.ceil(n / NR));
  }
  const groups = Math.min(batches, Math.floor(MAX_TASKS / (bandsM * bandsN)));
  const tasks = groups * bandsM * bandsN;
  const slotBytes = roundUp(4 * (mc * kc + kc * nc + MR * NR), 64);
  // slots are numbered by thread, so a split job needs one for every thread
  const scratch = rt.allocator.alloc(slotBytes * (tasks > 1 ? rt.threads : 1));
  try {
    const job = rt.job();
    const f = GEMM_JOB;
    job.set(f.M, m).set(f.N, n).set(f.K, k).set(f.B1, spec.b1).set(f.B2, spec.b2).set(f.R, reductions);
    job.set(f.BANDS_M, bandsM).set(f.BANDS_N, bandsN).set(f.GROUPS, groups);
    const a = spec.a;
    job
      .set(f.A_PTR, a.ptr)
      .set(f.A_S1, a.s1)
      .set(f.A_S2, a.s2)
      .set(f.A_SR, a.sr ?? 0)
      .set(f.A_RS, a.rs)
      .set(f.A_CS, a.cs);
    const b = spec.b;
    job
      .set(f.B_PTR, b.ptr)
      .set(f.B_S1, b.s1)
      .set(f.B_S2, b.s2)
      .set(f.B_SR, b.sr ?? 0);
    if ('kTab' in b) job.set(f.B_KIND, GEMM_B_KIND.GATHERED).set(f.B_KTAB, b.kTab).set(f.B_JTAB, b.jTab);
    else job.set(f.B_KIND, GEMM_B_KIND.STRIDED).set(f.B_RS, b.rs).set(f.B_CS, b.cs);
    const c = spec.c;
    job.set(f.C_PTR, c.ptr).set(f.C_S1, c.s1).set(f.C_S2, c.s2).set(f.C_LD, c.ld);
    job.set(f.KC, kc).set(f.MC, mc).set(f.NC, nc).set(f.SCRATCH, scratch).set(f.SCRATCH_STRIDE, slotBytes);
    rt.run('gemmTask', tasks);
  } finally {
    rt.allocator.release(scratch);
  }
}
