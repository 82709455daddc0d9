/**
 * The blocked matrix product C = A·B (Goto & van de Geijn, "Anatomy of high-performance matrix
 * multiplication", ACM TOMS 2008): for each block of KC steps of the shared dimension, B's block is
 * packed once (it stays in L2) and reused by every block of MC rows of A (packed to stay in L1/L2);
 * inside, the MR×NR micro-kernel sweeps the packed panels with C's tile held in registers.
 *
 * One job multiplies a batch of matrices. A task is one (group of batches, row band, column band) piece
 * of the output; bands are cut at whole panels, and the KC blocking depends only on K, so an element of
 * C is computed by the same instructions in the same order however many tasks share the work.
 *
 * Batches are two-level (b1, b2) — images and groups for a convolution — and a job may also sum over
 * R "reduction batches" into the same C (a convolution's weight gradient sums over images).
 */
import { GEMM_B_KIND, GEMM_JOB } from '../generated/contract';
import { MR, microKernel, NR } from '../generated/microkernel';
import { at, boundary, field } from '../job';
import { packA, packB, packBGathered } from './pack';

// @inline
function batchOffset(job: usize, b1: i32, b2: i32, s1: i32, s2: i32): usize {
  return (<usize>b1 * <usize>field(job, s1) + <usize>b2 * <usize>field(job, s2)) << 2;
}

/** Start of band `i` of `bands` over `n` rows cut at multiples of `unit`. */
// @inline
function bandStart(n: i32, unit: i32, bands: i32, i: i32): i32 {
  const units = (n + unit - 1) / unit;
  return min(n, ((units * i) / bands) * unit);
}

export function gemmTask(job: usize, task: i32, slot: i32): void {
  const m = field(job, GEMM_JOB.M);
  const n = field(job, GEMM_JOB.N);
  const bandsM = field(job, GEMM_JOB.BANDS_M);
  const bandsN = field(job, GEMM_JOB.BANDS_N);
  const perGroup = bandsM * bandsN;
  const group = task / perGroup;
  const bm = (task % perGroup) / bandsN;
  const bn = task % bandsN;
  const batches = field(job, GEMM_JOB.B1) * field(job, GEMM_JOB.B2);
  const i0 = bandStart(m, MR, bandsM, bm);
  const i1 = bandStart(m, MR, bandsM, bm + 1);
  const j0 = bandStart(n, NR, bandsN, bn);
  const j1 = bandStart(n, NR, bandsN, bn + 1);
  const end = boundary(batches, 1, field(job, GEMM_JOB.GROUPS), group + 1);
  for (let batch = boundary(batches, 1, field(job, GEMM_JOB.GROUPS), group); batch < end; batch++) {
    const b1 = batch / field(job, GEMM_JOB.B2);
    const b2 = batch % field(job, GEMM_JOB.B2);
    const a = <usize>field(job, GEMM_JOB.A_PTR) + batchOffset(job, b1, b2, GEMM_JOB.A_S1, GEMM_JOB.A_S2);
    const b = <usize>field(job, GEMM_JOB.B_PTR) + batchOffset(job, b1, b2, GEMM_JOB.B_S1, GEMM_JOB.B_S2);
    const c = <usize>field(job, GEMM_JOB.C_PTR) + batchOffset(job, b1, b2, GEMM_JOB.C_S1, GEMM_JOB.C_S2);
    for (let r = 0; r < field(job, GEMM_JOB.R); r++) {
      const ar = a + ((<usize>r * <usize>field(job, GEMM_JOB.A_SR)) << 2);
      const br = b + ((<usize>r * <usize>field(job, GEMM_JOB.B_SR)) << 2);
      multiply(job, ar, br, c, i0, i1, j0, j1, r > 0, slot);
    }
  }
}

/** C[i0..i1)[j0..j1) (+)= A[i0..i1)·B[..][j0..j1) for one matrix of the batch: the Goto loop nest. */
function multiply(job: usize, a: usize, b: usize, c: usize, i0: i32, i1: i32, j0: i32, j1: i32, addToC: bool, slot: i32): void {
  const kTotal = field(job, GEMM_JOB.K);
  const aRs = field(job, GEMM_JOB.A_RS);
  const aCs = field(job, GEMM_JOB.A_CS);
  const gathered = field(job, GEMM_JOB.B_KIND) === GEMM_B_KIND.GATHERED;
  const bRs = field(job, GEMM_JOB.B_RS);
  const bCs = field(job, GEMM_JOB.B_CS);
  const ldc = field(job, GEMM_JOB.C_LD);
  const kcMax = field(job, GEMM_JOB.KC);
  const mcMax = field(job, GEMM_JOB.MC);
  const ncMax = field(job, GEMM_JOB.NC);
  const aPack = <usize>field(job, GEMM_JOB.SCRATCH) + <usize>slot * <usize>field(job, GEMM_JOB.SCRATCH_STRIDE);
  const bPack = aPack + ((<usize>(mcMax * kcMax)) << 2);
  const tile = bPack + ((<usize>(kcMax * ncMax)) << 2);
  for (let jc = j0; jc < j1; jc += ncMax) {
    const nc = min(ncMax, j1 - jc);
    for (let pc = 0; pc < kTotal; pc += kcMax) {
      const kc = min(kcMax, kTotal - pc);
      if (gathered) packBGathered(b, <usize>field(job, GEMM_JOB.B_KTAB), <usize>field(job, GEMM_JOB.B_JTAB), pc, kc, jc, nc, bPack);
      else packB(b, bRs, bCs, pc, kc, jc, nc, bPack);
      const accumulate = addToC || pc > 0;
      for (let ic = i0; ic < i1; ic += mcMax) {
        const mc = min(mcMax, i1 - ic);
        packA(a, aRs, aCs, ic, mc, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = bPack + ((<usize>(jr * kc)) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const aPanel = aPack + ((<usize>(ir * kc)) << 2);
            const cTile = c + ((<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) << 2);
            if (ir + MR <= mc && jr + NR <= nc) {
              microKernel(aPanel, bPanel, cTile, (<usize>ldc) << 2, kc, accumulate);
            } else {
              edgeTile(aPanel, bPanel, cTile, ldc, kc, accumulate, min(MR, mc - ir), min(NR, nc - jr), tile);
            }
          }
        }
      }
    }
  }
}

/** A tile cut by the matrix edge: computed whole into `tile`, then its `rows`×`cols` corner is written. */
function edgeTile(aPanel: usize, bPanel: usize, c: usize, ldc: i32, kc: i32, accumulate: bool, rows: i32, cols: i32, tile: usize): void {
  microKernel(aPanel, bPanel, tile, (<usize>NR) << 2, kc, false);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const p = at(c, i * ldc + j);
      const v = load<f32>(at(tile, i * NR + j));
      store<f32>(p, accumulate ? load<f32>(p) + v : v);
    }
  }
}
