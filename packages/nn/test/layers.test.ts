/**
 * Every layer against PyTorch: the fixture holds a torch module's state (loaded here with strict
 * names, which also checks that our parameter and buffer names are PyTorch's), an input, the output,
 * the gradients of sum(out · upstream) w.r.t. the input and each parameter, and the state afterwards
 * (BatchNorm's running statistics). Computed in float64 on both sides.
 */
import { variable } from '@setr-ts/autograd';
import type { DType, Tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, GELU, type Layer, LayerNorm, Linear, MultiheadAttention, ReLU, Upsample } from '../src/index.js';
import { expectClose, fixture, type TensorJson, toTensor } from './support/fixtures.js';

interface LayerCase {
  state: Record<string, TensorJson>;
  input: TensorJson;
  out: TensorJson;
  upstream: TensorJson;
  grads: Record<string, TensorJson>;
  state_after: Record<string, TensorJson>;
  [meta: string]: unknown;
}

const cases = fixture<Record<string, LayerCase>>('layers.json');

type Opts = Record<string, unknown>;
const pairOf = (v: unknown) => (v === undefined ? undefined : (v as number | [number, number]));

/** Our module for a fixture case, built from the case's recorded hyper-parameters. */
function build(name: string, c: LayerCase, dtype: DType): Layer {
  const o = (c.options ?? {}) as Opts;
  if (name.startsWith('linear')) return new Linear(c.inFeatures as number, c.outFeatures as number, { bias: c.bias as boolean, dtype });
  if (name.startsWith('conv2d')) {
    return new Conv2d(o.in_channels as number, o.out_channels as number, pairOf(o.kernel_size) as number, {
      stride: pairOf(o.stride),
      padding: pairOf(o.padding),
      dilation: pairOf(o.dilation),
      groups: o.groups as number | undefined,
      bias: o.bias as boolean | undefined,
      dtype,
    });
  }
  if (name.startsWith('layernorm')) return new LayerNorm(c.normalizedShape as number[], { eps: c.eps as number, dtype });
  if (name.startsWith('batchnorm2d')) {
    const bn = new BatchNorm2d(c.numFeatures as number, {
      momentum: c.momentum as number | null | undefined,
      eps: c.eps as number | undefined,
      affine: !name.endsWith('noaffine'),
      dtype,
    });
    return c.training ? bn.train() : bn.eval();
  }
  if (name === 'relu') return new ReLU();
  if (name === 'gelu') return new GELU();
  if (name.startsWith('attention'))
    return new MultiheadAttention(c.dim as number, c.numHeads as number, { qkvBias: c.qkvBias as boolean | undefined, dtype });
  if (name.startsWith('upsample')) {
    return new Upsample({
      size: o.size as [number, number] | undefined,
      scaleFactor: o.scale_factor as number | undefined,
      mode: o.mode as 'bilinear' | 'nearest',
      alignCorners: o.align_corners as boolean | undefined,
    });
  }
  throw new Error(`no module for fixture case ${name}`);
}

/** A state dict from the fixture: float entries in `dtype`, num_batches_tracked as int32. */
function stateOf(s: Record<string, TensorJson>, dtype: DType): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, toTensor(v, k.endsWith('num_batches_tracked') ? 'int32' : dtype)]));
}

function run(name: string, c: LayerCase, dtype: DType, tol: { rtol: number; atol: number }): void {
  const layer = build(name, c, dtype);
  layer.loadStateDict(stateOf(c.state, dtype));
  const x = variable(toTensor(c.input, dtype), { requiresGrad: true });
  const out = layer.forward(x);
  expectClose(out.data, c.out, { ...tol, what: `${name} output` });
  out.backward(toTensor(c.upstream, dtype));
  expectClose(x.grad as Tensor, c.grads.input, { ...tol, what: `${name} input gradient` });
  const params = Object.fromEntries(layer.namedParameters());
  expect(Object.keys(params).sort()).toEqual(
    Object.keys(c.grads)
      .filter((k) => k !== 'input')
      .sort(),
  );
  for (const [pname, p] of Object.entries(params))
    expectClose(p.grad as Tensor, c.grads[pname], { ...tol, what: `${name} gradient of ${pname}` });
  const after = layer.stateDict();
  expect(Object.keys(after)).toEqual(Object.keys(c.state_after));
  for (const [k, t] of Object.entries(after)) expectClose(t, c.state_after[k], { ...tol, what: `${name} state ${k} after forward` });
}

describe('layers match PyTorch (float64)', () => {
  it.each(Object.keys(cases))('%s', (name) => run(name, cases[name], 'float64', { rtol: 1e-10, atol: 1e-12 }));
});

describe('layers match PyTorch (float32)', () => {
  it.each(Object.keys(cases))('%s', (name) => run(name, cases[name], 'float32', { rtol: 1e-4, atol: 1e-5 }));
});

describe('MultiheadAttention.forwardWithWeights', () => {
  it('returns the forward output and softmax weights [B, heads, N, N] whose rows sum to 1', () => {
    const c = cases[Object.keys(cases).find((k) => k.startsWith('attention')) as string];
    const attn = build('attention', c, 'float64') as MultiheadAttention;
    attn.loadStateDict(stateOf(c.state, 'float64'));
    const x = variable(toTensor(c.input, 'float64'));
    const { out, weights } = attn.forwardWithWeights(x);
    expectClose(out.data, c.out, { rtol: 1e-10, atol: 1e-12, what: 'output' });
    const [b, n] = x.shape;
    expect(weights.shape).toEqual([b, attn.numHeads, n, n]);
    for (const s of weights.data.sum(-1).dataSync()) expect(s).toBeCloseTo(1, 12);
  });
});
