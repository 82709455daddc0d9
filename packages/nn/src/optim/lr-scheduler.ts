/** Applying a learning-rate {@link Schedule} to an optimizer, one step per iteration. */
import type { BaseHyper, Optimizer } from './optimizer.js';
import type { Schedule } from './schedules.js';

/** A scheduler's state as plain JSON, for checkpoints: {@link LrScheduler.stateDict} makes it, `loadStateDict` restores it. */
export interface LrSchedulerState {
  /** Iterations stepped so far. */
  iter: number;
  /** Each group's lr when the scheduler was made: what the schedule scales. */
  baseLrs: number[];
}

/**
 * Sets each parameter group's lr to `schedule(baseLr, iter)`, where baseLr is the group's lr when the
 * scheduler was made (so a head group at 10× keeps its 10× throughout). The lr for iteration 0 is set
 * at construction; call `step()` after each `optimizer.step()`.
 * @example
 * const sched = new LrScheduler(opt, linearWarmup(poly({ maxIters: 80_000, minLr: 1e-4 }), { iters: 1500 }));
 * for (...) { loss.backward(); opt.step(); opt.zeroGrad(); sched.step(); }
 */
export class LrScheduler {
  private iter = 0;
  private baseLrs: number[];

  constructor(
    /** The optimizer whose groups' `lr` the scheduler sets. */
    readonly optimizer: Optimizer<BaseHyper>,
    /** Maps (base lr, iteration) to the lr of that iteration, e.g. `poly({ maxIters })`. */
    readonly schedule: Schedule,
  ) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.apply();
  }

  private apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.schedule(this.baseLrs[i], this.iter);
    });
  }

  /** Advances one iteration and sets the new learning rates. */
  step(): void {
    this.iter++;
    this.apply();
  }

  /** Iterations stepped so far. */
  get lastIter(): number {
    return this.iter;
  }

  /** The current lr of each group. */
  get lrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Plain JSON: the iteration and the base learning rates. */
  stateDict(): LrSchedulerState {
    return { iter: this.iter, baseLrs: [...this.baseLrs] };
  }

  /** Restores a state and sets the learning rates for its iteration. */
  loadStateDict(s: LrSchedulerState): void {
    if (s.baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new Error(
        `LrScheduler.loadStateDict: the state has ${s.baseLrs.length} groups, the optimizer ${this.optimizer.paramGroups.length}`,
      );
    }
    this.iter = s.iter;
    this.baseLrs = [...s.baseLrs];
    this.apply();
  }
}
