/** Optimizer steps on the TypeScript side: one AdamW job per parameter (assembly/optim.ts), split among threads by elements. */
import type { AdamWParams, View } from '../../backend.js';
import { sizeOf } from '../../shape.js';
import { addressOf } from './buffer.js';
import { ADAMW_JOB } from './generated/contract.js';
import type { WasmRuntime } from './runtime.js';

/** Where the step writes: the new parameter and moments, each of the parameter's size. */
export interface AdamWOutputs {
  readonly param: number;
  readonly m: number;
  readonly v: number;
}

/** One AdamW step over contiguous param, grad and moments, the bias corrections folded into the job's constants. */
export function adamw(rt: WasmRuntime, param: View, grad: View, m: View, v: View, h: AdamWParams, out: AdamWOutputs): void {
  const n = sizeOf(param.shape);
  if (n === 0) return;
  const tasks = rt.tasksFor(n * 1.5, Math.ceil(n / 4)); // about 1.5 ns an element: 4 reads, 3 writes, a sqrt and a divide
  const f = ADAMW_JOB;
  const job = rt.job().set(f.PARAM, addressOf(param)).set(f.GRAD, addressOf(grad)).set(f.M, addressOf(m)).set(f.V, addressOf(v));
  job.set(f.PARAM_OUT, out.param).set(f.M_OUT, out.m).set(f.V_OUT, out.v).set(f.COUNT, n).set(f.TASKS, tasks);
  job
    .setF32(f.DECAY, 1 - h.lr * h.weightDecay)
    .setF32(f.BETA1, h.beta1)
    .setF32(f.BETA2, h.beta2);
  job.setF32(f.STEP_SIZE, h.lr / (1 - h.beta1 ** h.step)).setF32(f.CORRECTION2, Math.sqrt(1 - h.beta2 ** h.step));
  job.setF32(f.EPS, h.eps).setF32(f.SIGN, h.maximize ? -1 : 1);
  rt.run('adamwTask', tasks);
}
