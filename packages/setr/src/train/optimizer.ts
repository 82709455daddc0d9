/**
 * The optimizer and learning-rate schedule of a training run, from the config's `train` section: the
 * encoder's parameters at the base lr, the rest's (neck, decode and auxiliary heads) at `headLrMult` times it (the
 * official SETR configs train heads at 10× over a pretrained encoder), AdamW or SGD with momentum, and
 * mmsegmentation's schedule: a linear warmup multiplied onto a poly decay over the whole run.
 */
import { AdamW, type BaseHyper, LrScheduler, linearWarmup, type Optimizer, poly, SGD } from '@setr-ts/nn';
import type { Setr } from '../model/segmentor.js';
import type { TrainConfig } from '../train-config.js';

/** What {@link buildOptimization} returns: the optimizer and the scheduler that drives its learning rates. */
export interface Optimization {
  /** AdamW or SGD over two groups: the encoder at `lr`, the heads at `lr · headLrMult`. */
  readonly optimizer: Optimizer<BaseHyper>;
  /** Linear warmup then poly decay over the run's steps; call `step()` after each optimizer step. */
  readonly scheduler: LrScheduler;
}

/**
 * @example const { optimizer, scheduler } = buildOptimization(model, config.train, stepsPerEpoch * config.train.epochs);
 */
export function buildOptimization(model: Setr, t: TrainConfig, totalSteps: number): Optimization {
  const heads = model
    .namedChildren()
    .filter(([name]) => name !== 'backbone')
    .flatMap(([, m]) => m.parameters()); // neck, decode_head, auxiliary_head
  const groups = [
    { params: model.backbone.parameters(), lr: t.lr },
    { params: heads, lr: t.lr * t.headLrMult },
  ];
  const optimizer: Optimizer<BaseHyper> =
    t.optimizer === 'adamw'
      ? new AdamW(groups, { lr: t.lr, weightDecay: t.weightDecay })
      : new SGD(groups, { lr: t.lr, momentum: t.momentum, weightDecay: t.weightDecay });
  const decay = poly({ maxIters: Math.max(1, totalSteps), power: t.power, minLr: t.minLr });
  const schedule = t.warmupIters > 0 ? linearWarmup(decay, { iters: t.warmupIters, startFactor: t.warmupRatio }) : decay;
  return { optimizer, scheduler: new LrScheduler(optimizer, schedule) };
}
