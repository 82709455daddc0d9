/**
 * Optimizers, gradient clipping and lr schedules against PyTorch trajectories (float64), and the
 * resume guarantee: train, save, load into a fresh optimizer, continue = the uninterrupted run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@setr-ts/tensor';
import { tensor } from '@setr-ts/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdamW,
  clipGradNorm,
  constantLr,
  cosine,
  LrScheduler,
  linearWarmup,
  type Optimizer,
  Parameter,
  poly,
  type Schedule,
  SGD,
  sequential,
} from '../src/index.js';
import { expectClose, fixture, type TensorJson, toTensor } from './support/fixtures.js';

interface OptimCase {
  kind: 'sgd' | 'adamw';
  options: Record<string, unknown>;
  groups?: Record<string, unknown>[];
  params: TensorJson[];
  grads: (TensorJson | null)[][];
  traj: TensorJson[][];
}
interface ClipCase {
  maxNorm: number;
  normType: number | 'inf';
  grads: TensorJson[];
  totalNorm: number;
  clipped: TensorJson[];
}
const { optimizers, clip } = fixture<{ optimizers: Record<string, OptimCase>; clip: Record<string, ClipCase> }>('optim.json');

/** PyTorch's keyword names to ours. */
function hyper(torch: Record<string, unknown>): Record<string, unknown> {
  const names: Record<string, string> = { weight_decay: 'weightDecay' };
  return Object.fromEntries(Object.entries(torch).map(([k, v]) => [names[k] ?? k, v]));
}

function makeOptimizer(c: OptimCase, params: Parameter[]): Optimizer<{ lr: number; weightDecay: number }> {
  const groups = c.groups ? c.groups.map((g, i) => ({ params: [params[i]], ...hyper(g) })) : params;
  const opts = hyper(c.options);
  return c.kind === 'sgd' ? new SGD(groups, opts as { lr: number }) : new AdamW(groups, opts);
}

/** Sets the fixture's gradients of step `s` (null: this parameter has none this step). */
function setGrads(params: Parameter[], c: OptimCase, s: number): void {
  params.forEach((p, i) => {
    p.zeroGrad();
    const g = c.grads[s][i];
    if (g) p.grad = toTensor(g);
  });
}

describe('optimizers follow PyTorch step for step (float64)', () => {
  it.each(Object.keys(optimizers))('%s', (name) => {
    const c = optimizers[name];
    const params = c.params.map((p) => new Parameter(toTensor(p)));
    const opt = makeOptimizer(c, params);
    c.traj.forEach((expected, s) => {
      setGrads(params, c, s);
      opt.step();
      params.forEach((p, i) => {
        expectClose(p.data, expected[i], { rtol: 1e-12, atol: 1e-14, what: `${name} step ${s} param ${i}` });
      });
    });
  });
});

describe('resuming from a saved optimizer continues exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nn-optim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['sgd_momentum_wd', 'sgd_groups', 'adamw_amsgrad', 'adamw_groups'])(
    '%s: 3 steps, save, load into a fresh optimizer, 3 more = 6 uninterrupted',
    async (name) => {
      const c = optimizers[name];
      const schedule = linearWarmup(poly({ maxIters: 6 }), { iters: 2, startFactor: 0.5 });
      const run = (
        params: Parameter[],
        opt: Optimizer<{ lr: number; weightDecay: number }>,
        sched: LrScheduler,
        from: number,
        to: number,
      ) => {
        for (let s = from; s < to; s++) {
          setGrads(params, c, s);
          opt.step();
          sched.step();
        }
      };
      const straightParams = c.params.map((p) => new Parameter(toTensor(p)));
      const straight = makeOptimizer(c, straightParams);
      run(straightParams, straight, new LrScheduler(straight, schedule), 0, 6);

      const firstParams = c.params.map((p) => new Parameter(toTensor(p)));
      const first = makeOptimizer(c, firstParams);
      const firstSched = new LrScheduler(first, schedule);
      run(firstParams, first, firstSched, 0, 3);
      const path = join(dir, `${name}.safetensors`);
      await first.save(path);
      const schedState = JSON.parse(JSON.stringify(firstSched.stateDict()));

      // a fresh process would rebuild the model, load its weights, then the optimizer and scheduler
      const resumedParams = firstParams.map((p) => new Parameter(p.data.clone()));
      const resumed = makeOptimizer(c, resumedParams);
      const resumedSched = new LrScheduler(resumed, schedule);
      await resumed.load(path);
      resumedSched.loadStateDict(schedState);
      expect(resumed.paramGroups.map((g) => g.lr)).toEqual(first.paramGroups.map((g) => g.lr));
      run(resumedParams, resumed, resumedSched, 3, 6);

      resumedParams.forEach((p, i) => {
        expect(Array.from(p.data.dataSync()), `param ${i}`).toEqual(Array.from(straightParams[i].data.dataSync()));
      });
    },
  );

  it('refuses a state that does not fit, listing every problem', () => {
    const c = optimizers.sgd_momentum_wd;
    const params = c.params.map((p) => new Parameter(toTensor(p)));
    const opt = makeOptimizer(c, params);
    setGrads(params, c, 0);
    opt.step();
    const other = new SGD(
      [new Parameter(tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float64')), new Parameter(tensor([1], undefined, 'float64'))],
      { lr: 0.1 },
    );
    expect(() => other.loadStateDict(opt.stateDict())).toThrow(
      /state does not fit this optimizer:\n {2}state 0\.momentum_buffer is \[3,2\], parameter 0 is \[2,3\]\n {2}state 1\.momentum_buffer is \[4\], parameter 1 is \[1\]/,
    );
    expect(() => new SGD([params[0]], { lr: 0.1 }).loadStateDict(opt.stateDict())).toThrow(/group 0 has 2 parameters in the state, 1 here/);
  });

  it('refuses a file holding another optimizer', async () => {
    const c = optimizers.adamw_default;
    const params = c.params.map((p) => new Parameter(toTensor(p)));
    const adam = makeOptimizer(c, params);
    const path = join(dir, 'adam.safetensors');
    await adam.save(path);
    await expect(new SGD(params, { lr: 1 }).load(path)).rejects.toThrow(`SGD.load: ${path} holds the state of a AdamW`);
    // the bytes, as a browser keeps them: those of the file, refused the same way
    const bytes = await adam.toBytes();
    expect(bytes).toEqual(new Uint8Array(readFileSync(path)));
    expect(() => new SGD(params, { lr: 1 }).loadBytes(bytes, 'kept bytes')).toThrow('SGD.load: kept bytes holds the state of a AdamW');
    const again = makeOptimizer(c, params);
    again.loadBytes(bytes, 'kept bytes');
    expect(JSON.stringify(again.stateDict().paramGroups)).toBe(JSON.stringify(adam.stateDict().paramGroups));
  });
});

describe('optimizer arguments', () => {
  const p = () => new Parameter(tensor([1, 2]));
  it('rejects bad hyper-parameters and malformed groups', () => {
    expect(() => new SGD([p()], { lr: -1 })).toThrow(/SGD: invalid learning rate -1/);
    expect(() => new SGD([p()], { lr: 0.1, nesterov: true })).toThrow(/nesterov momentum requires a momentum and zero dampening/);
    expect(() => new AdamW([p()], { betas: [0.9, 1] })).toThrow(/AdamW: betas must lie in \[0, 1\), got \(0.9, 1\)/);
    const shared = p();
    expect(() => new SGD([{ params: [shared] }, { params: [shared] }], { lr: 0.1 })).toThrow(/appears in more than one group/);
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(/parameter group 0 is empty/);
  });

  it('skips frozen parameters and parameters without a gradient', () => {
    const a = p();
    const b = p().setRequiresGrad(false);
    const opt = new SGD([a, b], { lr: 1 });
    b.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(a.data.dataSync())).toEqual([1, 2]);
    expect(Array.from(b.data.dataSync())).toEqual([1, 2]);
  });
});

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  it.each(Object.keys(clip))('%s', (name) => {
    const c = clip[name];
    const params = c.grads.map((g) => {
      const q = new Parameter(toTensor(g));
      q.grad = toTensor(g);
      return q;
    });
    const total = clipGradNorm(params, c.maxNorm, c.normType);
    expect(total.item()).toBeCloseTo(c.totalNorm, 12);
    params.forEach((q, i) => {
      expectClose(q.grad as Tensor, c.clipped[i], { rtol: 1e-12, atol: 1e-14, what: `${name} grad ${i}` });
    });
  });

  it('returns 0 when no parameter has a gradient', () => {
    expect(clipGradNorm([new Parameter(tensor([1]))], 1).item()).toBe(0);
  });
});

interface ScheduleCase {
  baseLrs: number[];
  lrs: number[][];
  [k: string]: unknown;
}
const schedules = fixture<Record<string, ScheduleCase>>('schedules.json');

const build: Record<string, (c: ScheduleCase) => Schedule> = {
  poly: (c) => poly({ maxIters: c.maxIters as number, power: c.power as number }),
  cosine: (c) => cosine({ maxIters: c.maxIters as number, minLr: c.minLr as number }),
  linear_warmup: (c) => linearWarmup(constantLr(), { iters: c.warmupIters as number, startFactor: c.startFactor as number }),
  chained_warmup_poly: (c) =>
    linearWarmup(poly({ maxIters: c.maxIters as number, power: c.power as number }), {
      iters: c.warmupIters as number,
      startFactor: c.startFactor as number,
    }),
  sequential_warmup_poly: (c) =>
    sequential(
      [
        linearWarmup(constantLr(), { iters: c.warmupIters as number, startFactor: c.startFactor as number }),
        poly({ maxIters: c.maxIters as number, power: c.power as number }),
      ],
      [c.warmupIters as number],
    ),
  poly_min_lr: (c) => poly({ maxIters: c.maxIters as number, power: c.power as number, minLr: c.minLr as number }),
};

describe('lr schedules match PyTorch schedulers stepped per iteration', () => {
  it.each(Object.keys(schedules))('%s', (name) => {
    const c = schedules[name];
    const opt = new SGD(
      c.baseLrs.map((lr) => ({ params: [new Parameter(tensor([0]))], lr })),
      { lr: c.baseLrs[0] },
    );
    const sched = new LrScheduler(opt, build[name](c));
    c.lrs.forEach((expected, t) => {
      sched.lrs.forEach((lr, g) => {
        expect(Math.abs(lr - expected[g]), `${name} iteration ${t} group ${g}: ${lr} vs ${expected[g]}`).toBeLessThanOrEqual(
          1e-12 * Math.abs(expected[g]) + 1e-15,
        );
      });
      sched.step();
    });
  });

  it('checks its arguments', () => {
    expect(() => poly({ maxIters: 0 })).toThrow(/poly: maxIters must be a positive integer, got 0/);
    expect(() => linearWarmup(constantLr(), { iters: 5, startFactor: 2 })).toThrow(/startFactor must lie in \[0, 1\]/);
    expect(() => sequential([constantLr()], [3])).toThrow(/1 schedules need 0 milestones, got 1/);
    expect(() => sequential([constantLr(), constantLr(), constantLr()], [5, 5])).toThrow(/milestones must be increasing/);
  });
});
