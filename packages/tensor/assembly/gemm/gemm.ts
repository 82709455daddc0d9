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
import { at, boundary, field } from '../job';
import { MR, NR, microKernel } from '../generated/microkernel';
import { packA, packB, packBGathered } from './pack';

/** Job fields of gemmTask. Strides are in elements; S1/S2 step the batch, SR the reduction batch. */
const M = 0;
const N = 1;
const K = 2;
const B1 = 3; // batch counts: batch b is (b / B2, b % B2)
const B2 = 4;
const R = 5;
const BANDS_M = 6;
const BANDS_N = 7;
const A_PTR = 8;
const A_S1 = 9;
const A_S2 = 10;
const A_SR = 11;
const A_RS = 12;
const A_CS = 13;
const B_KIND = 14; // STRIDED or GATHERED
const B_PTR = 15;
const B_S1 = 16;
const B_S2 = 17;
const B_SR = 18;
const B_RS = 19; // STRIDED: row and column strides
const B_CS = 20;
const B_KTAB = 21; // GATHERED: an offset per row and per column of B
const B_JTAB = 22;
const C_PTR = 23;
const C_S1 = 24;
const C_S2 = 25;
const C_LD = 26;
const KC = 27;
const MC = 28;
const NC = 29;
const SCRATCH = 30; // per slot: packed A (MC·KC), packed B (KC·NC), one tile
const SCRATCH_STRIDE = 31;
const GROUPS = 32; // the B1·B2 batches are cut into GROUPS ranges; tasks = GROUPS·BANDS_M·BANDS_N

const STRIDED = 0;
const GATHERED = 1;

// @ts-ignore: decorator
@inline
function batchOffset(job: usize, b1: i32, b2: i32, s1: i32, s2: i32): usize {
  return (<usize>b1 * <usize>field(job, s1) + <usize>b2 * <usize>field(job, s2)) << 2;
}

/** Start of band `i` of `bands` over `n` rows cut at multiples of `unit`. */
// @ts-ignore: decorator
@inline
function bandStart(n: i32, unit: i32, bands: i32, i: i32): i32 {
  const units = (n + unit - 1) / unit;
  return min(n, ((units * i) / bands) * unit);
}

export function gemmTask(job: usize, task: i32, slot: i32): void {
  const m = field(job, M);
  const n = field(job, N);
  const bandsM = field(job, BANDS_M);
  const bandsN = field(job, BANDS_N);
  const perGroup = bandsM * bandsN;
  const group = task / perGroup;
  const bm = (task % perGroup) / bandsN;
  const bn = task % bandsN;
  const batches = field(job, B1) * field(job, B2);
  const i0 = bandStart(m, MR, bandsM, bm);
  const i1 = bandStart(m, MR, bandsM, bm + 1);
  const j0 = bandStart(n, NR, bandsN, bn);
  const j1 = bandStart(n, NR, bandsN, bn + 1);
  const end = boundary(batches, 1, field(job, GROUPS), group + 1);
  for (let batch = boundary(batches, 1, field(job, GROUPS), group); batch < end; batch++) {
    const b1 = batch / field(job, B2);
    const b2 = batch % field(job, B2);
    const a = <usize>field(job, A_PTR) + batchOffset(job, b1, b2, A_S1, A_S2);
    const b = <usize>field(job, B_PTR) + batchOffset(job, b1, b2, B_S1, B_S2);
    const c = <usize>field(job, C_PTR) + batchOffset(job, b1, b2, C_S1, C_S2);
    for (let r = 0; r < field(job, R); r++) {
      const ar = a + (<usize>r * <usize>field(job, A_SR) << 2);
      const br = b + (<usize>r * <usize>field(job, B_SR) << 2);
      multiply(job, ar, br, c, i0, i1, j0, j1, r > 0, slot);
    }
  }
}

/** C[i0..i1)[j0..j1) (+)= A[i0..i1)·B[..][j0..j1) for one matrix of the batch: the Goto loop nest. */
function multiply(job: usize, a: usize, b: usize, c: usize, i0: i32, i1: i32, j0: i32, j1: i32, addToC: bool, slot: i32): void {
  const kTotal = field(job, K);
  const aRs = field(job, A_RS);
  const aCs = field(job, A_CS);
  const gathered = field(job, B_KIND) == GATHERED;
  const bRs = field(job, B_RS);
  const bCs = field(job, B_CS);
  const ldc = field(job, C_LD);
  const kcMax = field(job, KC);
  const mcMax = field(job, MC);
  const ncMax = field(job, NC);
  const aPack = <usize>field(job, SCRATCH) + <usize>slot * <usize>field(job, SCRATCH_STRIDE);
  const bPack = aPack + (<usize>(mcMax * kcMax) << 2);
  const tile = bPack + (<usize>(kcMax * ncMax) << 2);
  for (let jc = j0; jc < j1; jc += ncMax) {
    const nc = min(ncMax, j1 - jc);
    for (let pc = 0; pc < kTotal; pc += kcMax) {
      const kc = min(kcMax, kTotal - pc);
      if (gathered) packBGathered(b, <usize>field(job, B_KTAB), <usize>field(job, B_JTAB), pc, kc, jc, nc, bPack);
      else packB(b, bRs, bCs, pc, kc, jc, nc, bPack);
      const accumulate = addToC || pc > 0;
      for (let ic = i0; ic < i1; ic += mcMax) {
        const mc = min(mcMax, i1 - ic);
        packA(a, aRs, aCs, ic, mc, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = bPack + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const aPanel = aPack + (<usize>(ir * kc) << 2);
            const cTile = c + (<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr) << 2);
            if (ir + MR <= mc && jr + NR <= nc) {
              microKernel(aPanel, bPanel, cTile, <usize>ldc << 2, kc, accumulate);
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
  microKernel(aPanel, bPanel, tile, <usize>NR << 2, kc, false);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const p = at(c, i * ldc + j);
      const v = load<f32>(at(tile, i * NR + j));
      store<f32>(p, accumulate ? load<f32>(p) + v : v);
    }
  }
}
