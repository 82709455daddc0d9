/**
 * The op table checked by the real runtime: every mapped op (and the layers built from them) is
 * exported alone, run in onnxruntime-node, and must give our output within 1e-5 (float32 both sides);
 * the files also pass `onnx.checker` (full check) where python3-onnx is installed. Then dynamic sizes,
 * the names of inputs, outputs and weights, and the error for an op without a mapping.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cat, interpolate, noGrad, pad, stack, type Variable, variable, where } from '@setr-ts/autograd';
import { randn, type Tensor, tensor, tidy } from '@setr-ts/tensor';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, exportOnnx, GELU, LayerNorm, Linear, Module, MultiheadAttention, Parameter, Upsample } from '../src/index.js';
import { checkOnnxFiles, hasOnnxChecker, maxAbsDiff, runOnnx } from './support/onnx.js';

/** A module around a function of its input, with the given children (whose weights the function may read). */
class Fn extends Module {
  constructor(
    private readonly f: (x: Variable, m: Fn) => Variable,
    children: Record<string, Module> = {},
    params: Record<string, Tensor> = {},
  ) {
    super();
    for (const [name, m] of Object.entries(children)) this.registerModule(name, m);
    for (const [name, t] of Object.entries(params)) this.registerParameter(name, new Parameter(t));
  }
  child<M extends Module>(name: string): M {
    return this.namedChildren().find(([n]) => n === name)?.[1] as M;
  }
  param(name: string): Parameter {
    return this.namedParameters().find(([n]) => n === name)?.[1] as Parameter;
  }
  forward(x: Variable): Variable {
    return this.f(x, this);
  }
}

/** A BatchNorm2d whose running statistics are not the initial 0 and 1. */
function trainedBatchNorm(c: number, affine = true): BatchNorm2d {
  const bn = new BatchNorm2d(c, { affine });
  bn.setBuffer('running_mean', randn([c]).mul(0.3));
  bn.setBuffer('running_var', randn([c]).abs().add(0.5));
  bn.weight?.assign(randn([c]).add(1));
  bn.bias?.assign(randn([c]));
  return bn;
}

const mask = tensor(
  Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
  { dtype: 'int32' },
).reshape([2, 3, 4, 5]);
const positive = (x: Variable) => x.abs().add(0.5);

/** name, input shape, module. */
const CASES: [string, number[], () => Fn][] = [
  [
    'neg exp log sqrt rsqrt',
    [2, 3, 4, 5],
    () => new Fn((x) => positive(x).log().add(positive(x).sqrt()).add(positive(x).rsqrt()).sub(x.neg().exp())),
  ],
  [
    'abs tanh sigmoid erf relu square',
    [2, 3, 4, 5],
    () => new Fn((x) => x.abs().add(x.tanh()).mul(x.sigmoid()).add(x.erf()).sub(x.relu()).add(x.square())),
  ],
  ['gelu (GELU module)', [2, 3, 4, 5], () => new Fn((x, m) => m.child<GELU>('act').forward(x.mul(3)), { act: new GELU() })],
  [
    'add sub mul div pow with numbers and broadcasting',
    [2, 3, 4, 5],
    () => new Fn((x, m) => x.add(2).sub(m.param('b')).mul(x).div(3).add(positive(x).pow(1.5)), {}, { b: randn([4, 1]) }),
  ],
  [
    'maximum minimum clamp',
    [2, 3, 4, 5],
    () =>
      new Fn((x) =>
        x
          .maximum(0.1)
          .add(x.minimum(x.mul(0.5)))
          .add(x.clamp(-0.5, 0.25)),
      ),
  ],
  ['where on a constant mask', [2, 3, 4, 5], () => new Fn((x) => where(mask, x, x.mul(-2)))],
  [
    'reshape view flatten squeeze unsqueeze',
    [2, 3, 4, 5],
    () => new Fn((x) => x.reshape([6, 20]).view([2, 3, 20]).flatten(1).unsqueeze(0).squeeze(0)),
  ],
  ['permute transpose contiguous', [2, 3, 4, 5], () => new Fn((x) => x.permute([0, 2, 3, 1]).transpose(1, 2).contiguous())],
  ['expand', [2, 1, 4, 1], () => new Fn((x) => x.expand([2, 3, 4, 5]))],
  [
    'narrow slice split chunk',
    [2, 6, 4, 5],
    () =>
      new Fn((x) =>
        x
          .narrow(1, 1, 3)
          .add(x.slice(1, 0, 6, 2))
          .add(x.split(3, 1)[1])
          .add(x.chunk(2, 1)[0]),
      ),
  ],
  ['cat stack pad', [2, 3, 4, 5], () => new Fn((x) => pad(cat([x, x.mul(2)], 1), [1, 2, 0, 1], 0.5).add(stack([x, x], 0).sum(0).mean()))],
  [
    'sum mean max min (dims, keepdim)',
    [2, 3, 4, 5],
    () => new Fn((x) => x.sum([1, 2]).add(x.mean(2).sum(1)).add(x.max(1, true).squeeze(1).min(1))),
  ],
  [
    'logsumexp softmax logSoftmax',
    [2, 3, 4, 5],
    () => new Fn((x) => x.logsumexp(1).add(x.softmax(1).sum(1)).add(x.logSoftmax(-1).mean(1))),
  ],
  [
    'gather indexSelect',
    [2, 3, 4, 5],
    () =>
      new Fn((x) =>
        x
          .gather(3, tensor([0, 4, 1, 1, 2], { dtype: 'int32' }).reshape([1, 1, 1, 5]).expand([2, 3, 4, 5]))
          .add(x.indexSelect(2, tensor([3, 0, 0, 2], { dtype: 'int32' }))),
      ),
  ],
  ['cast', [2, 3, 4, 5], () => new Fn((x) => x.double().mul(3).float())],
  [
    'matmul, Linear',
    [2, 3, 7],
    () => new Fn((x, m) => m.child<Linear>('fc').forward(x).matmul(m.param('w')), { fc: new Linear(7, 5) }, { w: randn([5, 4]) }),
  ],
  [
    'Conv2d: stride, padding, dilation, groups, no bias',
    [2, 4, 9, 11],
    () =>
      new Fn((x, m) => m.child<Conv2d>('b').forward(m.child<Conv2d>('a').forward(x)), {
        a: new Conv2d(4, 6, 3, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
        b: new Conv2d(6, 3, 1, { bias: false }),
      }),
  ],
  [
    'LayerNorm with and without affine',
    [2, 3, 8],
    () =>
      new Fn((x, m) => m.child<LayerNorm>('b').forward(m.child<LayerNorm>('a').forward(x)), {
        a: new LayerNorm(8, { eps: 1e-6 }),
        b: new LayerNorm([3, 8], { elementwiseAffine: false }),
      }),
  ],
  [
    'BatchNorm2d in evaluation, with and without affine',
    [2, 4, 3, 5],
    () =>
      new Fn((x, m) => m.child<BatchNorm2d>('b').forward(m.child<BatchNorm2d>('a').forward(x)), {
        a: trainedBatchNorm(4),
        b: trainedBatchNorm(4, false),
      }),
  ],
  [
    'Upsample and interpolate: bilinear (align corners or not, scale or size), nearest',
    [2, 3, 6, 5],
    () =>
      new Fn(
        (x, m) => {
          const up = m.child<Upsample>('up').forward(x); // [2, 3, 12, 10]
          const aligned = interpolate(x, { size: [12, 10], mode: 'bilinear', alignCorners: true });
          const down = interpolate(up, { size: [12, 10], mode: 'nearest' });
          const odd = interpolate(interpolate(x, { size: [7, 3], mode: 'bilinear' }), { size: [12, 10], mode: 'bilinear' });
          return up.add(aligned).add(down).add(odd);
        },
        { up: new Upsample({ scaleFactor: 2, mode: 'bilinear' }) },
      ),
  ],
  [
    'MultiheadAttention',
    [2, 5, 8],
    () => new Fn((x, m) => m.child<MultiheadAttention>('attn').forward(x), { attn: new MultiheadAttention(8, 2) }),
  ],
];

const dir = mkdtempSync(join(tmpdir(), 'onnx-ops-'));
const written: string[] = [];

/** Exports `model` for input `x`, runs it in onnxruntime, returns the largest difference from our output. */
async function difference(model: Module & { forward(x: Variable): Variable }, x: Tensor, file: string): Promise<number> {
  const bytes = exportOnnx(model, { inputs: { x }, forward: ({ x }) => ({ y: model.forward(x) }) });
  writeFileSync(file, bytes);
  written.push(file);
  const ours = tidy(() => noGrad(() => model.eval().forward(variable(x)).dataSync()));
  const theirs = await runOnnx(bytes, { x });
  return maxAbsDiff(ours, theirs.y.data);
}

describe('every mapped op, in onnxruntime-node', () => {
  it.each(CASES)('%s', async (name, shape, build) => {
    const x = randn(shape);
    const model = build();
    expect(await difference(model, x, join(dir, `${name.split(' ')[0]}.onnx`))).toBeLessThan(1e-5);
    model.dispose();
    x.dispose();
  });
});

describe('names, sizes, errors', () => {
  it('names the inputs and outputs as asked and the weights by their state-dict names', () => {
    const net = new Fn((x, m) => m.child<Conv2d>('conv').forward(x), { conv: new Conv2d(3, 4, 3, { padding: 1 }) });
    const bytes = exportOnnx(net, {
      inputs: { images: randn([1, 3, 8, 8]) },
      forward: ({ images }) => ({ features: net.forward(images), same: images }),
    });
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    const graph = model.graph as InstanceType<typeof onnxProto.onnx.GraphProto>;
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(graph.input.map((v) => v.name)).toEqual(['images']);
    expect(graph.output.map((v) => v.name)).toEqual(['features', 'same']);
    expect(graph.initializer.map((t) => t.name)).toEqual(['conv.weight', 'conv.bias']);
    expect(graph.node.map((n) => [n.opType, n.name])).toEqual([
      ['Conv', '/conv/Conv_0'],
      ['Identity', '/same/Identity'],
    ]);
  });

  it('an op without a mapping is an error naming the op and the module', () => {
    const net = new Fn((x, m) => m.child<Fn>('inner').forward(x), { inner: new Fn((x) => x.var(1)) });
    expect(() => exportOnnx(net, { inputs: { x: randn([2, 3]) }, forward: ({ x }) => ({ y: net.forward(x) }) })).toThrow(
      /^exportOnnx: op 'var' \(in module 'inner'\) has no ONNX mapping \(mapped: /,
    );
  });

  it('with dynamic axes, reshapes and resizes follow the batch and the image size', async () => {
    // patches of 4 → tokens → Linear → back to a map → resized to the input: sizes B, H/4·W/4, H/4, W/4, H, W
    const net = new Fn(
      (x, m) => {
        const [b, , h, w] = x.shape;
        const map = m.child<Conv2d>('patch').forward(x); // [B, 6, H/4, W/4]
        const tokens = m.child<Linear>('fc').forward(map.flatten(2).transpose(1, 2)); // [B, N, 5]
        const back = tokens.transpose(1, 2).reshape([b, 5, h / 4, w / 4]);
        return interpolate(back, { size: [h, w], mode: 'bilinear' });
      },
      { patch: new Conv2d(3, 6, 4, { stride: 4 }), fc: new Linear(6, 5) },
    );
    const bytes = exportOnnx(net, {
      inputs: { x: randn([1, 3, 8, 12]) },
      forward: ({ x }) => ({ y: net.forward(x) }),
      dynamicAxes: { x: { 0: { name: 'batch' }, 2: { name: 'height', step: 4 }, 3: { name: 'width', step: 4 } } },
    });
    const graph = onnxProto.onnx.ModelProto.decode(bytes).graph as InstanceType<typeof onnxProto.onnx.GraphProto>;
    const dims = (v: (typeof graph.input)[number]) => v.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims(graph.input[0])).toEqual(['batch', 3, 'height', 'width']);
    expect(dims(graph.output[0])).toEqual(['batch', 5, 'height', 'width']);
    for (const shape of [
      [2, 3, 16, 12],
      [3, 3, 20, 28],
    ]) {
      const x = randn(shape);
      const ours = tidy(() => noGrad(() => net.forward(variable(x)).dataSync()));
      const theirs = await runOnnx(bytes, { x });
      expect(theirs.y.dims).toEqual(shape.map((n, i) => (i === 1 ? 5 : n)));
      expect(maxAbsDiff(ours, theirs.y.data)).toBeLessThan(1e-5);
      x.dispose();
    }
  });

  it('with dynamic axes, a forward pass that branches on the size is refused, naming the node', () => {
    const net = new Fn((x) => (x.shape[2] > 8 ? x.relu() : x.neg()));
    expect(() =>
      exportOnnx(net, {
        inputs: { x: randn([1, 3, 8, 8]) },
        forward: ({ x }) => ({ y: net.forward(x) }),
        dynamicAxes: { x: { 2: { name: 'h' } } },
      }),
    ).toThrow(/^exportOnnx: with dynamic axes, node \/Neg_0 \(Neg\) is not the same at another input size \(\/Relu_0 Relu there\)/);
  });
});

afterAll(() => {
  if (!hasOnnxChecker) console.warn('onnx-ops.test.ts: skipping onnx.checker: /usr/bin/python3 has no onnx module (Debian: python3-onnx)');
});

describe.skipIf(!hasOnnxChecker)('onnx.checker (python3-onnx)', () => {
  it('accepts every exported file with full_check (shape inference included)', () => {
    expect(written.length).toBe(CASES.length);
    expect(checkOnnxFiles(written)).toEqual({});
  });
});
