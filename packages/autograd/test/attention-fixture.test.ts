/**
 * A composite checked against PyTorch: two pre-norm attention layers (linear, causal softmax
 * attention, layerNorm, GELU MLP, residuals), forward and backward, against the values
 * scripts/gen_fixtures.py recorded with torch 1.13 in float64. Run in float64 the results must agree
 * to rounding; in float32 to float32's precision.
 */
import { readFileSync } from 'node:fs';
import { type Backend, type DType, memory, registeredBackends, setBackend, setLogger, type Tensor, tensor } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { parameter, tidy, type Variable } from '../src/index.js';
import { expectClose } from './support/check.js';

interface Stored {
  shape: number[];
  data: number[];
}
interface Fixture {
  torch: string;
  config: { batch: number; tokens: number; dim: number; heads: number; hidden: number; layers: number };
  x: Stored;
  r: Stored;
  params: Record<string, Stored>;
  out: Stored;
  loss: number;
  grads: Record<string, Stored>;
}

const fixture: Fixture = JSON.parse(readFileSync(new URL('./fixtures/attention-block.json', import.meta.url), 'utf8'));
const { batch: B, tokens: T, dim: D, heads: H, layers } = fixture.config;

function linear(x: Variable, p: Record<string, Variable>, name: string): Variable {
  return x.matmul(p[`${name}.weight`].transpose(0, 1)).add(p[`${name}.bias`]); // F.linear: x Wᵀ + b
}

/** One pre-norm layer, written as the PyTorch script writes it. `causal` is 1 above the diagonal. */
function block(x: Variable, p: Record<string, Variable>, prefix: string, causal: Tensor): Variable {
  const dh = D / H;
  const h = ag.layerNorm(x, [D], p[`${prefix}ln1.weight`], p[`${prefix}ln1.bias`]);
  const [q, k, v] = ['q', 'k', 'v'].map((n) =>
    linear(h, p, prefix + n)
      .view(B, T, H, dh)
      .transpose(1, 2),
  );
  const scores = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(dh));
  const a = ag.where(causal, Number.NEGATIVE_INFINITY, scores).softmax(-1);
  const o = a.matmul(v).transpose(1, 2).reshape(B, T, D);
  const x1 = x.add(linear(o, p, `${prefix}proj`));
  const h2 = ag.layerNorm(x1, [D], p[`${prefix}ln2.weight`], p[`${prefix}ln2.bias`]);
  return x1.add(linear(linear(h2, p, `${prefix}fc1`).gelu(), p, `${prefix}fc2`));
}

/** Forward and backward in `dtype`; checks nothing leaked, returns the output, the loss and every gradient as arrays. */
async function run(dtype: DType) {
  const before = memory();
  const load = (s: Stored) => tensor(s.data, s.shape, dtype);
  const x = parameter(load(fixture.x));
  const params = Object.fromEntries(Object.entries(fixture.params).map(([n, s]) => [n, parameter(load(s))]));
  const r = load(fixture.r);
  const causal = tensor(
    Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? 1 : 0)),
    [T, T],
    'int32',
  );
  const { out, loss } = tidy(() => {
    let y = x;
    for (let l = 0; l < layers; l++) y = block(y, params, `layers.${l}.`, causal);
    return { out: y, loss: y.mul(ag.variable(r)).sum() };
  });
  loss.backward();
  // read back with data(), which every backend supports (GPU backends may only read asynchronously)
  const read = async (t: Tensor | null) => Array.from(t ? await t.data() : []);
  const gradNames = ['x', ...Object.keys(params)];
  const gradValues = await Promise.all([x, ...Object.values(params)].map((v) => read(v.grad)));
  const result = {
    out: await read(out.data),
    loss: (await read(loss.data))[0],
    grads: Object.fromEntries(gradNames.map((n, i) => [n, gradValues[i]])) as Record<string, number[]>,
  };
  for (const t of [out, loss, x, ...Object.values(params), r, causal]) t.dispose();
  const after = memory();
  expect([after.numTensors, after.numBytes], 'tensors and bytes left after disposing everything').toEqual([
    before.numTensors,
    before.numBytes,
  ]);
  return result;
}

/** Compares a run with the fixture; returns the largest difference of the output and of any gradient. */
function compare(got: Awaited<ReturnType<typeof run>>, tol: { atol: number; rtol: number }) {
  const out = expectClose(got.out, fixture.out.data, tol, 'output');
  expectClose([got.loss], [fixture.loss], { atol: tol.atol * 100, rtol: tol.rtol }, 'loss');
  let grads = 0;
  for (const [name, g] of Object.entries(fixture.grads))
    grads = Math.max(grads, expectClose(got.grads[name], g.data, tol, `gradient of ${name}`));
  return { out, grads };
}

/**
 * Autograd only calls tensor ops, so it must work on every registered backend: the block runs on each
 * (SETR_TEST_BACKENDS=name,… narrows the list). The reference backend is held to what was measured on
 * it; other backends to float32 precision with room for a different summation order.
 */
const backends = registeredBackends().filter(
  (n) => !process.env.SETR_TEST_BACKENDS || process.env.SETR_TEST_BACKENDS.split(',').includes(n),
);

describe.each(backends)(`two-layer attention block against PyTorch ${fixture.torch} fixtures, on %s`, (name) => {
  let backend: Backend;
  beforeAll(async () => {
    setLogger(() => {});
    backend = await setBackend(name);
  });

  it('float64: output, loss and all 33 gradients agree to rounding (atol 1e-12), and nothing leaks', async (ctx) => {
    if (!backend.dtypes.includes('float64')) ctx.skip(`${name} has no float64`);
    const got = await run('float64');
    expect(Object.keys(got.grads)).toHaveLength(1 + Object.keys(fixture.params).length);
    compare(got, { atol: 1e-12, rtol: 1e-10 }); // measured on reference: largest diff 4e-15 (output), 5e-14 (gradients)
  });

  it('float32: agree to float32 precision, and nothing leaks', async () => {
    // measured on reference: largest diff 8e-7 (output), 2e-6 (gradients)
    compare(await run('float32'), name === 'reference' ? { atol: 1e-5, rtol: 1e-4 } : { atol: 1e-4, rtol: 1e-3 });
  });
});
