/**
 * A multilayer perceptron learns the two-moons problem: two interleaved half circles of 2-d points
 * that no straight line separates. Everything a real training run has, at toy size: a Module with
 * registered parameters, cross-entropy on logits, AdamW, one `tidy` per step, evaluation under
 * `noGrad`, a held-out set, and a safetensors checkpoint loaded back into a fresh model.
 *
 *   npx tsx examples/mlp-toy.ts             # 300 steps, a second or two
 *   SETR_SMOKE=1 npx tsx examples/mlp-toy.ts  # 60 steps (what the tests run)
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tidy, type Variable, variable } from '@setr-ts/autograd';
import { AdamW, F, Linear, Module, ReLU, Sequential } from '@setr-ts/nn';
import * as T from '@setr-ts/tensor';

/**
 * `n` points of two moons, half of each class, with Gaussian noise of std `noise`: points [n, 2]
 * (float32) and labels [n] (int32, 0 or 1). Deterministic for a given `manualSeed`.
 */
function twoMoons(n: number, noise = 0.1): { points: T.Tensor; labels: T.Tensor } {
  const half = n / 2;
  const angles = T.tidy(() => T.rand([half]).mul(Math.PI)).dataSync(); // along each half circle
  const xy = new Float32Array(2 * n);
  angles.forEach((a, i) => {
    xy.set([Math.cos(a), Math.sin(a)], 2 * i); // class 0: the upper moon, centred at (0, 0)
    xy.set([1 - Math.cos(a), 0.5 - Math.sin(a)], 2 * (half + i)); // class 1: flipped, shifted right and down
  });
  return T.tidy(() => ({
    points: T.tensor(xy, [n, 2]).add(T.randn([n, 2]).mul(noise)),
    labels: T.cat([T.zeros([half], { dtype: 'int32' }), T.ones([half], { dtype: 'int32' })]),
  }));
}

/** 2 → hidden → hidden → 2: two ReLU layers and the logits of the two classes. */
class Mlp extends Module {
  readonly net: Sequential;
  constructor(hidden: number) {
    super();
    this.net = this.registerModule(
      'net',
      new Sequential(new Linear(2, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, 2)),
    );
  }
  forward(x: Variable): Variable {
    return this.net.forward(x); // [N, 2] -> [N, 2]
  }
}

/** Share of `points` the model classifies as `labels`. */
function accuracy(model: Mlp, points: T.Tensor, labels: T.Tensor): number {
  return noGrad(() => T.tidy(() => model.forward(variable(points.clone())).data.argmax(1).eq(labels).float().mean().item()));
}

T.manualSeed(0);
const train = twoMoons(200, 0.2);
const test = twoMoons(200, 0.2);
const model = new Mlp(16);
console.log(
  `${model.numParameters()} parameters; before training: test accuracy ${(100 * accuracy(model, test.points, test.labels)).toFixed(1)}%`,
);

const opt = new AdamW(model.parameters(), { lr: 0.01, weightDecay: 0 });
const x = variable(train.points);
const steps = process.env.SETR_SMOKE ? 60 : 300;
for (let step = 1; step <= steps; step++) {
  const loss = tidy(() => {
    const l = F.crossEntropy(model.forward(x), train.labels); // full batch: 200 points
    l.backward();
    opt.step();
    opt.zeroGrad();
    return l.item();
  });
  if (step % (steps / 5) === 0) console.log(`step ${step}: loss ${loss.toFixed(4)}`);
}
const trainAcc = accuracy(model, train.points, train.labels);
const testAcc = accuracy(model, test.points, test.labels);
console.log(`train accuracy ${(100 * trainAcc).toFixed(1)}%, test accuracy ${(100 * testAcc).toFixed(1)}%`);

// the checkpoint: a safetensors file, loaded into a fresh model that must classify the same way
const path = join(tmpdir(), 'mlp-toy.safetensors');
await model.save(path, { steps: String(steps) });
const again = new Mlp(16);
const { metadata } = await again.load(path);
const same = accuracy(again, test.points, test.labels) === testAcc;
console.log(`checkpoint ${path} (${metadata.steps} steps) reloaded: same test accuracy: ${same}`);
