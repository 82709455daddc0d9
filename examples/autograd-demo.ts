/**
 * Reverse-mode autodiff from one scalar to tensors (chapter 3 of docs/): the derivative of a scalar
 * function and the graph that computed it; then tensors, where broadcasting's gradient is summed back
 * to each operand's shape; then fitting y = 2x − 1 with a weight and a bias by gradient descent; and a
 * gradient checked against finite differences.
 *
 *   npx tsx examples/autograd-demo.ts
 */
import { gradcheck, parameter, tidy, type Variable, variable } from '@setr-ts/autograd';
import * as T from '@setr-ts/tensor';

T.manualSeed(0);

// 1. A scalar: f(x) = x·x + 3x at x = 2. Analytically f'(x) = 2x + 3 = 7.
const s = parameter(T.tensor(2));
const f = s.mul(s).add(s.mul(3));
f.backward();
console.log(`scalar: f(2) = ${f.item()}, f'(2) = ${s.grad!.item()} (2x + 3 = 7)`);

// The graph behind f: each op recorded a node with its inputs; the leaf appears once per use.
const describe = (v: Variable): string =>
  v.gradFn ? `${v.gradFn.op}(${v.gradFn.inputs.map((u) => (u ? describe(u) : 'const')).join(', ')})` : 'x';
const s2 = parameter(T.tensor(2));
console.log(`graph: ${describe(s2.mul(s2).add(s2.mul(3)))}`);

// 2. Tensors: the same rules elementwise, and broadcasting's gradient summed back (the unbroadcast rule).
const xm = parameter(
  T.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]),
); // [2,3]
const c = parameter(T.tensor([0.5, -1, 2])); // [3], broadcast over the rows
xm.mul(c).sum().backward();
console.log(`tensors: c [3] was used by both rows, so c.grad = column sums of x = ${c.grad!.toString()}`);

// 3. Fitting a line with a weight and a bias.
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

// 4. gradcheck: analytic gradients of a small function against central differences in float64
const r = gradcheck((a, c) => a.matmul(c).tanh().sum(1), [T.randn([2, 3]), T.randn([3, 4])]);
console.log(`gradcheck passed on ${r.elements} elements, max |analytic − numeric| = ${r.maxAbsDiff.toExponential(2)}`);
