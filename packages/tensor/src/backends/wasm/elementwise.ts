/**
 * Elementwise ops on the TypeScript side: pick the op code, merge the inputs' dims together with the
 * output's, mark which inputs can be read in place, and run the map job (assembly/elementwise.ts).
 */
import type { BinaryOp, UnaryOp, View } from '../../backend.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import { addressOf } from './buffer.js';
import { BINARY_F32, BINARY_I32, BLOCK, COPY_MODE, MAP_JOB, SLOT_BYTES, UNARY_F32, UNARY_I32, WHERE } from './generated/contract.js';
import { copiesAsTranspose, copyView } from './layout.js';
import type { WasmRuntime } from './runtime.js';
import { mergeDims } from './views.js';

const TRANSCENDENTAL = new Set([
  UNARY_F32.exp,
  UNARY_F32.log,
  UNARY_F32.tanh,
  UNARY_F32.sigmoid,
  UNARY_F32.erf,
  UNARY_F32.gelu,
  BINARY_F32.geluGrad,
]);

/** Rough cost in nanoseconds per element, for deciding whether a job is worth splitting among threads. */
function elementCost(code: number): number {
  if (code === BINARY_F32.pow) return 30;
  return TRANSCENDENTAL.has(code) ? 3 : 0.5;
}

export function unaryCode(op: UnaryOp, x: View): number {
  const code = x.dtype === 'int32' ? UNARY_I32[op] : UNARY_F32[op];
  if (code === undefined) throw new Error(`wasm backend: unary op ${op} is not defined for ${x.dtype}`);
  return code;
}

export function binaryCode(op: BinaryOp, a: View): number {
  const code = a.dtype === 'int32' ? BINARY_I32[op] : BINARY_F32[op];
  if (code === undefined) throw new Error(`wasm backend: binary op ${op} is not defined for ${a.dtype}`);
  return code;
}

export const whereCode = WHERE;

/**
 * out[i] = op(inputs[0][i], inputs[1][i], …) over the inputs' common shape; `out` is a fresh buffer.
 * An input that is a transpose is first copied out by the tiled transpose kernel: gathered a block at
 * a time, it would read one element per cache line.
 */
export function map(rt: WasmRuntime, code: number, inputs: readonly View[], out: number): void {
  const shape = inputs[0].shape;
  const n = sizeOf(shape);
  if (n === 0) return;
  const temps: number[] = [];
  try {
    const ready = inputs.map((v) => {
      if (!copiesAsTranspose(shape, v.strides)) return { address: addressOf(v), strides: v.strides };
      const copy = rt.allocator.alloc(4 * n);
      temps.push(copy);
      copyView(rt, v, copy, COPY_MODE.COPY);
      return { address: copy, strides: contiguousStrides(shape) };
    });
    run(rt, code, shape, ready, out);
  } finally {
    for (const t of temps) rt.allocator.release(t);
  }
}

function run(
  rt: WasmRuntime,
  code: number,
  shape: readonly number[],
  inputs: readonly { address: number; strides: readonly number[] }[],
  out: number,
): void {
  const n = sizeOf(shape);
  const merged = mergeDims(shape, [contiguousStrides(shape), ...inputs.map((v) => v.strides)]);
  const [rowMajor, ...strides] = merged.strides;
  const rank = merged.shape.length;
  let contiguous = 0;
  strides.forEach((s, k) => {
    if (s.every((v, d) => v === rowMajor[d])) contiguous |= 1 << k;
  });
  const tasks = rt.tasksFor(n * elementCost(code), Math.ceil(n / BLOCK));
  const job = rt.job().set(MAP_JOB.CODE, code).set(MAP_JOB.COUNT, n).set(MAP_JOB.OUT, out).set(MAP_JOB.TASKS, tasks);
  job.set(MAP_JOB.SCRATCH, rt.slots).set(MAP_JOB.SCRATCH_STRIDE, SLOT_BYTES).set(MAP_JOB.RANK, rank).set(MAP_JOB.CONTIGUOUS, contiguous);
  for (const [k, v] of inputs.entries()) job.set(MAP_JOB.INPUTS + k, v.address);
  let field = job.array(job.array(MAP_JOB.SHAPE, merged.shape), rowMajor);
  for (const s of strides) field = job.array(field, s);
  rt.run('mapTask', tasks);
}
