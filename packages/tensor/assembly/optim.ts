/**
 * Optimizer steps fused into one pass per parameter. AdamW (see src/ops/adamw.ts for the formula):
 * for each element, with the bias corrections precomputed on the TypeScript side,
 *   m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,  p ← p·decay − stepSize·m / (√v / correction2 + eps).
 * Threads split the elements.
 */
import { ADAMW_JOB } from './generated/contract';
import { at, boundary, field, fieldF32 } from './job';

export function adamwTask(job: usize, task: i32, _slot: i32): void {
  const p = <usize>field(job, ADAMW_JOB.PARAM);
  const g = <usize>field(job, ADAMW_JOB.GRAD);
  const m = <usize>field(job, ADAMW_JOB.M);
  const v = <usize>field(job, ADAMW_JOB.V);
  const pOut = <usize>field(job, ADAMW_JOB.PARAM_OUT);
  const mOut = <usize>field(job, ADAMW_JOB.M_OUT);
  const vOut = <usize>field(job, ADAMW_JOB.V_OUT);
  const n = field(job, ADAMW_JOB.COUNT);
  const tasks = field(job, ADAMW_JOB.TASKS);
  const decay = fieldF32(job, ADAMW_JOB.DECAY);
  const beta1 = fieldF32(job, ADAMW_JOB.BETA1);
  const beta2 = fieldF32(job, ADAMW_JOB.BETA2);
  const stepSize = fieldF32(job, ADAMW_JOB.STEP_SIZE);
  const correction2 = fieldF32(job, ADAMW_JOB.CORRECTION2);
  const eps = fieldF32(job, ADAMW_JOB.EPS);
  const sign = fieldF32(job, ADAMW_JOB.SIGN);
  const start = boundary(n, 4, tasks, task);
  const end = boundary(n, 4, tasks, task + 1);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const gi = f32x4.mul(v128.load(at(g, i)), f32x4.splat(sign));
    const mi = f32x4.add(f32x4.mul(v128.load(at(m, i)), f32x4.splat(beta1)), f32x4.mul(gi, f32x4.splat(1 - beta1)));
    const vi = f32x4.add(f32x4.mul(v128.load(at(v, i)), f32x4.splat(beta2)), f32x4.mul(f32x4.mul(gi, gi), f32x4.splat(1 - beta2)));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), f32x4.splat(correction2)), f32x4.splat(eps));
    const step = f32x4.mul(f32x4.div(mi, denom), f32x4.splat(stepSize));
    v128.store(at(mOut, i), mi);
    v128.store(at(vOut, i), vi);
    v128.store(at(pOut, i), f32x4.sub(f32x4.mul(v128.load(at(p, i)), f32x4.splat(decay)), step));
  }
  for (; i < end; i++) {
    const gi = load<f32>(at(g, i)) * sign;
    const mi = beta1 * load<f32>(at(m, i)) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(at(v, i)) + (1 - beta2) * gi * gi;
    store<f32>(at(mOut, i), mi);
    store<f32>(at(vOut, i), vi);
    store<f32>(at(pOut, i), load<f32>(at(p, i)) * decay - (stepSize * mi) / (Mathf.sqrt(vi) / correction2 + eps));
  }
}
