/**
 * Learning-rate schedules as pure functions: a {@link Schedule} maps a parameter group's base lr and
 * the iteration number (0, 1, 2, ...) to the lr for that iteration. Schedules compose: `linearWarmup`
 * multiplies a warmup ramp onto any schedule, `sequential` switches schedules at milestones. An
 * {@link LrScheduler} applies one to an optimizer's groups, stepped once per iteration.
 *
 * Each matches a PyTorch scheduler stepped per iteration (closed forms; PyTorch's own are recursive
 * and agree to rounding): `poly` is `PolynomialLR` (plus mmseg's floor `minLr`), `cosine` is
 * `CosineAnnealingLR`, `linearWarmup(s)` is `ChainedScheduler([LinearLR, s])`, and `sequential` is
 * `SequentialLR`.
 */

/** The lr at iteration `iter` for a group whose base lr is `baseLr`. */
export type Schedule = (baseLr: number, iter: number) => number;

function checkIters(op: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${n}`);
}

/** The base lr, unchanged. */
export const constantLr = (): Schedule => (baseLr) => baseLr;

/**
 * Polynomial decay to `minLr` over `maxIters`, then flat (mmseg's `poly`, SETR's schedule):
 * lr = (base − minLr) · (1 − min(t, T)/T)^power + minLr. Defaults: power 0.9, minLr 0.
 * @example poly({ maxIters: 80_000, power: 0.9, minLr: 1e-4 })
 */
export function poly(opts: { maxIters: number; power?: number; minLr?: number }): Schedule {
  const { maxIters, power = 0.9, minLr = 0 } = opts;
  checkIters('poly', 'maxIters', maxIters);
  return (baseLr, t) => (baseLr - minLr) * (1 - Math.min(t, maxIters) / maxIters) ** power + minLr;
}

/**
 * Cosine annealing from the base lr to `minLr` over `maxIters`, then flat:
 * lr = minLr + (base − minLr) · (1 + cos(π · min(t, T)/T)) / 2. (PyTorch's CosineAnnealingLR keeps
 * oscillating after T; holding the floor is what a training run wants.)
 */
export function cosine(opts: { maxIters: number; minLr?: number }): Schedule {
  const { maxIters, minLr = 0 } = opts;
  checkIters('cosine', 'maxIters', maxIters);
  return (baseLr, t) => minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * Math.min(t, maxIters)) / maxIters))) / 2;
}

/**
 * Multiplies `inner` by a ramp from `startFactor` (at iteration 0) to 1 (at `iters` and after),
 * linearly — mmcv's linear warmup, PyTorch's `LinearLR` chained with `inner`.
 * @example linearWarmup(poly({ maxIters: 80_000 }), { iters: 1500, startFactor: 1e-6 })
 */
export function linearWarmup(inner: Schedule, opts: { iters: number; startFactor?: number }): Schedule {
  const { iters, startFactor = 1e-3 } = opts;
  checkIters('linearWarmup', 'iters', iters);
  if (!(startFactor >= 0 && startFactor <= 1)) throw new Error(`linearWarmup: startFactor must lie in [0, 1], got ${startFactor}`);
  return (baseLr, t) => inner(baseLr, t) * (startFactor + ((1 - startFactor) * Math.min(t, iters)) / iters);
}

/**
 * Runs `schedules[0]` until `milestones[0]`, then `schedules[1]` counting iterations from that
 * milestone, and so on (PyTorch's `SequentialLR`).
 * @example sequential([linearWarmup(constantLr(), { iters: 500 }), poly({ maxIters: 9500 })], [500])
 */
export function sequential(schedules: readonly Schedule[], milestones: readonly number[]): Schedule {
  if (schedules.length !== milestones.length + 1)
    throw new Error(`sequential: ${schedules.length} schedules need ${schedules.length - 1} milestones, got ${milestones.length}`);
  if (milestones.some((m, i) => !Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1]))) {
    throw new Error(`sequential: milestones must be increasing positive integers, got [${milestones.join(',')}]`);
  }
  return (baseLr, t) => {
    let i = 0;
    while (i < milestones.length && t >= milestones[i]) i++;
    return schedules[i](baseLr, t - (i > 0 ? milestones[i - 1] : 0));
  };
}
