/**
 * Long loops, split across threads. A kernel that sums over a long range (a row reduction, a
 * matmul's inner dim, a weight gradient's pixels) gives each output element several threads, each
 * summing one chunk of the range into a partial; a second kernel adds the partials.
 *
 * Two reasons. Mesa's llvmpipe — the "GPU" of a headless Linux machine, WebGPU through Dawn's
 * OpenGL ES backend — ends every shader invocation after 65535 loop iterations in total
 * (`LP_MAX_TGSI_LOOP_ITERATIONS` in gallivm), silently: a longer loop returns a partial result. And on
 * real GPUs one thread walking a long range leaves the other thousands idle. Chunked sums are also
 * more accurate (error grows with the chunk, not the range), which matters because GPU compilers
 * may reassociate float arithmetic and undo tricks like Kahan summation (llvmpipe does).
 */
import type { DataId } from '../../backend.js';
import type { CheckSpec } from './device-memory.js';
import type { Launch } from './launch.js';

/** Most loop iterations one thread runs, well inside llvmpipe's 65535. */
const LOOP_BUDGET = 16384;

/** Elements one thread adds before handing on a partial sum. */
export const SUM_CHUNK = 1024;

export interface Chunking {
  /** Steps of the loop per thread. */
  readonly chunk: number;
  /** Threads (and partials) per output element. */
  readonly count: number;
}

/** Chunks for a loop of `length` steps, each step costing `stepCost` iterations (its inner loops + 1). */
export function chunking(length: number, stepCost = 1, maxChunk = LOOP_BUDGET): Chunking {
  const chunk = Math.max(1, Math.min(maxChunk, Math.floor(LOOP_BUDGET / stepCost)));
  return { chunk, count: Math.max(1, Math.ceil(length / chunk)) };
}

/**
 * Kernel lines giving thread `flat` its output element `o`, its chunk `s`, and the loop range
 * [lo, hi) of that chunk; the arguments are source expressions (e.g. `meta[2]`).
 */
export function chunkCode(count: string, chunk: string, length: string): string {
  return [
    `const o = divFloor(flat, ${count});`,
    `const s = flat - o * ${count};`,
    `const lo = s * ${chunk};`,
    `const hi = Math.min(lo + ${chunk}, ${length});`,
  ].join('\n');
}

/** What multi-kernel ops need from the backend: run a launch (with checks on its data), upload, free a buffer. */
export interface Runner {
  run(l: Launch, checks?: readonly CheckSpec[]): DataId;
  upload(values: Float32Array): DataId;
  dispose(id: DataId): void;
}
