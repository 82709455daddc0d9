/**
 * adamwUpdate, one AdamW step, fused where the backend has the kernel and composed elsewhere, against
 * the formula written out in float64: weight decay, bias corrections at steps 1 and 10, maximize, and
 * amsgrad (always composed) with its running maximum.
 */
import fc from 'fast-check';
import { it } from 'vitest';
import { adamwUpdate } from '../../src/index.js';
import { seedArb, shapeArb } from '../support/arbitraries.js';
import { expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { host, randomHost } from '../support/host.js';
import { looser } from '../support/oracle.js';

const stepCase = fc.record({
  shape: shapeArb({ minRank: 1, maxRank: 3, maxDim: 9 }),
  step: fc.constantFrom(1, 10),
  weightDecay: fc.constantFrom(0, 0.01),
  maximize: fc.boolean(),
  amsgrad: fc.boolean(),
  first: fc.boolean(),
  seed: seedArb,
});

describeBackends('adamwUpdate', (h) => {
  it('one step of the parameter and its moments, as the formula gives', () =>
    property(
      stepCase,
      async ({ shape, step, weightDecay, maximize, amsgrad, first, seed }) => {
        const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, step, maximize, amsgrad };
        const [p, g] = [randomHost(shape, seed), randomHost(shape, seed + 1)];
        const m = randomHost(shape, seed + 2, { min: -0.1, max: 0.1 });
        const v = randomHost(shape, seed + 3, { min: 0, max: 0.01 });
        const maxV = randomHost(shape, seed + 4, { min: 0, max: 0.01 });
        const outs = await h.agree([p, g, m, v, maxV], (pt, gt, mt, vt, xt) => {
          const r = adamwUpdate(pt, gt, first ? null : mt, first ? null : vt, amsgrad && !first ? xt : null, hyper);
          return [r.param, r.m, r.v];
        });
        // the formula, element by element, in float64
        const want = { p: [] as number[], m: [] as number[], v: [] as number[] };
        for (let i = 0; i < p.data.length; i++) {
          const gi = maximize ? -g.data[i] : g.data[i];
          const mi = 0.9 * (first ? 0 : m.data[i]) + 0.1 * gi;
          const vi = 0.999 * (first ? 0 : v.data[i]) + 0.001 * gi * gi;
          const second = amsgrad && !first ? Math.max(maxV.data[i], vi) : vi;
          const denom = Math.sqrt(second) / Math.sqrt(1 - 0.999 ** step) + 1e-8;
          want.p.push(p.data[i] * (1 - 0.01 * weightDecay) - (0.01 / (1 - 0.9 ** step)) * (mi / denom));
          want.m.push(mi);
          want.v.push(vi);
        }
        const tol = looser(h.tol, { rtol: 1e-5, atol: 1e-6 });
        const label = `[${shape}], step ${step}, weight decay ${weightDecay}, maximize ${maximize}, amsgrad ${amsgrad}, first ${first}`;
        expectHostClose(outs[0], host(shape, want.p), tol, `param, ${label}`);
        expectHostClose(outs[1], host(shape, want.m), tol, `m, ${label}`);
        expectHostClose(outs[2], host(shape, want.v), tol, `v, ${label}`);
      },
      30,
    ));
});
