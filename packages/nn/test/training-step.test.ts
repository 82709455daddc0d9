/**
 * A whole training step (forward, cross-entropy, backward, clipping, AdamW, schedule) inside `tidy`:
 * nothing may leak from one step to the next, and the loss must go down on a fixed batch.
 */
import { tidy, variable } from '@setr-ts/autograd';
import { manualSeed, memory, randn, tensor } from '@setr-ts/tensor';
import { expect, it } from 'vitest';
import { AdamW, clipGradNorm, F, LrScheduler, linearWarmup, poly } from '../src/index.js';
import { TinyNet } from './support/tinynet.js';

it('trains TinyNet without leaking a tensor per step, and the loss falls', () => {
  manualSeed(0);
  const net = new TinyNet();
  const opt = new AdamW(net.parameters(), { lr: 1e-2 });
  const sched = new LrScheduler(opt, linearWarmup(poly({ maxIters: 30 }), { iters: 3 }));
  const x = variable(randn([2, 3, 4, 4]));
  // per-token labels [N, HW] with some ignored (255)
  const labels = tensor(new Int32Array(Array.from({ length: 32 }, (_, i) => (i % 7 === 0 ? 255 : i % 3))), [2, 16]);
  const losses: number[] = [];
  const live: number[] = [];
  for (let step = 0; step < 12; step++) {
    const loss = tidy(() => {
      const logits = net.forward(x).transpose(1, 2); // [N, HW, K] -> [N, K, HW]
      const l = F.crossEntropy(logits, labels, { ignoreIndex: 255 });
      l.backward();
      clipGradNorm(net.parameters(), 1.0);
      opt.step();
      opt.zeroGrad();
      sched.step();
      return l.item();
    });
    losses.push(loss);
    live.push(memory().numTensors);
  }
  // the first step creates the optimizer state; from then on the count must not move
  expect(new Set(live.slice(1)).size).toBe(1);
  expect(losses[11]).toBeLessThan(0.5 * losses[0]);
});
