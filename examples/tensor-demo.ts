/**
 * A first look at @setr-ts/tensor: create tensors, view them without copying, broadcast, reduce,
 * multiply matrices and convolve — on whichever backend the engine picks (printed at the first op).
 *
 *   npx tsx examples/tensor-demo.ts            # default backend
 *   SETR_BACKEND=reference npx tsx examples/tensor-demo.ts
 */
import * as T from '@setr-ts/tensor';

if (process.env.SETR_BACKEND) await T.setBackend(process.env.SETR_BACKEND);
T.manualSeed(0);

// 1. Creation and shape: a 2×3 matrix, its transpose is a view (same buffer, swapped strides).
const a = T.tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const at = a.T;
console.log('a =', a.toString());
console.log('a.T shape', at.shape, 'strides', at.strides, '(no copy: strides swapped)');

// 2. Broadcasting: [2,3] + [3] adds the row to every row, like NumPy and PyTorch.
console.log('a + [10, 20, 30] =', a.add(T.tensor([10, 20, 30])).toString());

// 3. Reductions over any dims, with keepdim.
console.log('a.sum(1) =', a.sum(1).toString(), ' a.mean() =', a.mean().item());

// 4. Matrix product and a numerically stable softmax.
console.log('a @ a.T =', T.matmul(a, at).toString());
console.log('softmax(a, 1) =', a.softmax(1).toString());

// 5. A 3×3 convolution of a random image: [N,C,H,W] = [1,2,5,5] → 4 channels.
const x = T.randn([1, 2, 5, 5]);
const w = T.randn([4, 2, 3, 3]);
const y = T.conv2d(x, w, null, { padding: 1 });
console.log('conv2d output shape', y.shape);

// 6. Memory is explicit: tidy disposes every intermediate made inside it.
const before = T.memory().numTensors;
const kept = T.tidy(() => T.interpolate(y, { scaleFactor: 2, mode: 'bilinear' }).relu().mean([2, 3]));
console.log('tidy kept 1 tensor:', T.memory().numTensors - before === 1, kept.shape);
