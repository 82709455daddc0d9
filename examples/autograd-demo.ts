/**
 * Reverse-mode autodiff in a few lines: fit y = 2x − 1 with one weight and one bias by gradient
 * descent, then check a gradient against finite differences.
 *
 *   npx tsx examples/autograd-demo.ts
 */
import { gradcheck, parameter, tidy, variable } from '@setr-ts/autograd';
import * as T from '@setr-ts/tensor';

T.manualSeed(0);
const x = variable(T.tensor([[0], [1], [2], [3]]));
const y = T.tensor([[-1], [1], [3], [5]]);
let w = parameter(T.randn([1, 1]));
let b = parameter(T.zeros([1]));

const steps = process.env.SETR_SMOKE ? 20 : 200;
for (let step = 0; step < steps; step++) {
  // forward and backward; tidy frees every intermediate, the parameters keep their .grad
  const loss = tidy(() => {
    const l = x.matmul(w).add(b).sub(y).square().mean(); // mean squared error
    l.backward();
    return l.item();
  });
  // gradient descent: tensors are immutable, so a step makes new parameters from the old ones
  const [nextW, nextB] = T.tidy(() => [w, b].map((p) => p.data.sub(p.grad!.mul(0.05))));
  w.dispose(); // frees its value and its gradient
  b.dispose();
  w = parameter(nextW);
  b = parameter(nextB);
  if (step % (steps / 4) === 0) console.log(`step ${step}: loss ${loss.toFixed(5)}`);
}
console.log(`w = ${w.item().toFixed(3)}, b = ${b.item().toFixed(3)} (exact: 2, -1)`);

// gradcheck: analytic gradients of a small function against central differences in float64
const r = gradcheck((a, c) => a.matmul(c).tanh().sum(1), [T.randn([2, 3]), T.randn([3, 4])]);
console.log(`gradcheck passed on ${r.elements} elements, max |analytic − numeric| = ${r.maxAbsDiff.toExponential(2)}`);
