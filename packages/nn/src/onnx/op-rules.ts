/**
 * The op mapping: for each op of autograd (and nn's one-op compositions), the ONNX nodes (opset 17)
 * that compute the same function. One table, one rule an op; an op that is missing here cannot be
 * exported, and the exporter says which op and in which module.
 *
 * Where our op and ONNX's differ in convention, the rule converts:
 * - `gelu` is exact, x·Φ(x) = x·½·(1 + erf(x/√2)); opset 17 has no Gelu, so Erf and three arithmetic nodes.
 * - `interpolate` is Resize: PyTorch's bilinear with `alignCorners: false` samples (o + ½)·in/out − ½,
 *   ONNX's `half_pixel`; `alignCorners: true` is ONNX's `align_corners`; nearest is `asymmetric` with
 *   `floor`. A `size` becomes Resize's `sizes`, a `scaleFactor` its `scales` (PyTorch then maps
 *   coordinates with 1/scaleFactor, as Resize does with `scales`).
 * - `pad` takes (before, after) pairs from the last dim (F.pad); Pad takes all befores, then all afters.
 * - `layerNorm` and `batchNorm` without weight or bias read the numbers 1 and 0; LayerNormalization and
 *   BatchNormalization want tensors there.
 * - views (`reshape`, `flatten`, `squeeze`, …) are all one Reshape to the result's shape; `contiguous`
 *   and `clone` are nothing at all.
 */
import { type Attribute, type GraphBuilder, type OnnxDType, typedArrayOf } from './graph.js';
import type { Operand, TracedOp } from './trace.js';

/** What a rule sees: the call, and the names of what it reads. */
export interface RuleContext {
  readonly b: GraphBuilder;
  readonly call: TracedOp;
  /** The value name of `operand` (an input, an earlier result, or an initializer it adds); numbers become scalars of the result's dtype. */
  name(operand: Operand): string;
}

/** Writes the nodes of one call; returns the value name of its result. */
type Rule = (c: RuleContext) => string;

const shapeOf = (o: Operand): readonly number[] => (o.kind === 'number' ? [] : o.kind === 'initializer' ? o.tensor.shape : o.shape);
const inputs = (c: RuleContext) => c.call.inputs.map((o) => c.name(o));
const pair = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const attr = <T>(c: RuleContext, name: string): T => c.call.attrs[name] as T;
const axis = (c: RuleContext, dim: number, rank = c.call.output.shape.length) => (dim < 0 ? dim + rank : dim);

/** One ONNX node with the same inputs. */
const same =
  (opType: string): Rule =>
  (c) =>
    c.b.node(opType, inputs(c));

/** One Reshape to the result's shape. */
const reshape: Rule = (c) => c.b.node('Reshape', [c.name(c.call.inputs[0]), c.b.sizes(c.call.output.shape)]);

/** A vector of `n` copies of an operand that is a number (1 or 0 for an absent weight or bias), or the operand. */
function filled(c: RuleContext, o: Operand, dims: readonly number[]): string {
  if (o.kind !== 'number') return c.name(o);
  const n = dims.reduce((a, d) => a * d, 1);
  return c.b.constant(c.call.output.dtype, dims, { array: typedArrayOf(c.call.output.dtype, new Array<number>(n).fill(o.value)) });
}

/** A mask for Where: bool, converted from int32 (a constant is converted here, a value in the graph). */
function boolMask(c: RuleContext, o: Operand): string {
  if (o.kind === 'constant') return c.b.constant('bool', o.shape, { array: Uint8Array.from(o.array, (v) => (v ? 1 : 0)) });
  return c.b.node('Cast', [c.name(o)], { to: { dtype: 'bool' } });
}

const RULES: Record<string, Rule> = {
  add: same('Add'),
  sub: same('Sub'),
  mul: same('Mul'),
  div: same('Div'),
  pow: same('Pow'),
  maximum: same('Max'),
  minimum: same('Min'),
  neg: same('Neg'),
  exp: same('Exp'),
  log: same('Log'),
  sqrt: same('Sqrt'),
  abs: same('Abs'),
  tanh: same('Tanh'),
  sigmoid: same('Sigmoid'),
  erf: same('Erf'),
  relu: same('Relu'),
  matmul: same('MatMul'),
  rsqrt: (c) => c.b.node('Reciprocal', [c.b.node('Sqrt', inputs(c))]),
  square: (c) => {
    const [x] = inputs(c);
    return c.b.node('Mul', [x, x]);
  },
  gelu: (c) => {
    // x·½·(1 + erf(x/√2))
    const [x] = inputs(c);
    const dt = c.call.output.dtype;
    const erf = c.b.node('Erf', [c.b.node('Div', [x, c.b.scalar(Math.SQRT2, dt)])]);
    return c.b.node('Mul', [c.b.node('Mul', [x, c.b.scalar(0.5, dt)]), c.b.node('Add', [erf, c.b.scalar(1, dt)])]);
  },
  clamp: (c) => {
    const bound = (v: number | undefined) => (v === undefined ? '' : c.b.scalar(v, c.call.output.dtype));
    return c.b.node('Clip', [c.name(c.call.inputs[0]), bound(attr(c, 'min')), bound(attr(c, 'max'))]);
  },
  where: (c) => c.b.node('Where', [boolMask(c, attr<Operand>(c, 'cond')), ...inputs(c)]),

  reshape,
  view: reshape,
  flatten: reshape,
  squeeze: reshape,
  unsqueeze: reshape,
  expand: (c) => c.b.node('Expand', [c.name(c.call.inputs[0]), c.b.sizes(c.call.output.shape)]),
  permute: (c) => c.b.node('Transpose', inputs(c), { perm: { ints: attr<number[]>(c, 'dims').map((d) => axis(c, d)) } }),
  transpose: (c) => {
    const perm = c.call.output.shape.map((_, i) => i);
    const [a, b] = [axis(c, attr(c, 'dim0')), axis(c, attr(c, 'dim1'))];
    [perm[a], perm[b]] = [perm[b], perm[a]];
    return c.b.node('Transpose', inputs(c), { perm: { ints: perm } });
  },
  narrow: (c) => {
    const [dim, start, length] = [attr<number>(c, 'dim'), attr<number>(c, 'start'), attr<number>(c, 'length')];
    return c.b.node('Slice', [c.name(c.call.inputs[0]), c.b.sizes([start]), c.b.sizes([start + length]), c.b.sizes([dim])]);
  },
  slice: (c) => {
    const [dim, start, step] = [attr<number>(c, 'dim'), attr<number>(c, 'start'), attr<number>(c, 'step')];
    const end = start + (c.call.output.shape[dim] - 1) * step + 1; // just past the last element taken
    return c.b.node('Slice', [c.name(c.call.inputs[0]), c.b.sizes([start]), c.b.sizes([end]), c.b.sizes([dim]), c.b.sizes([step])]);
  },
  contiguous: (c) => c.name(c.call.inputs[0]),
  clone: (c) => c.name(c.call.inputs[0]),
  cast: (c) => c.b.node('Cast', inputs(c), { to: { dtype: attr<OnnxDType>(c, 'dtype') } }),
  pad: (c) => {
    const pads = attr<number[]>(c, 'pads');
    const rank = c.call.output.shape.length;
    const befores = new Array<number>(rank).fill(0);
    const afters = new Array<number>(rank).fill(0);
    for (let i = 0; i < pads.length / 2; i++) [befores[rank - 1 - i], afters[rank - 1 - i]] = [pads[2 * i], pads[2 * i + 1]];
    const value = c.b.scalar(attr<number>(c, 'value'), c.call.output.dtype);
    return c.b.node('Pad', [c.name(c.call.inputs[0]), c.b.sizes([...befores, ...afters]), value], { mode: { string: 'constant' } });
  },
  cat: (c) => c.b.node('Concat', inputs(c), { axis: { int: attr<number>(c, 'dim') } }),
  stack: (c) => {
    const dim = attr<number>(c, 'dim');
    const unsqueezed = inputs(c).map((x) => c.b.node('Unsqueeze', [x, c.b.sizes([dim])]));
    return c.b.node('Concat', unsqueezed, { axis: { int: dim } });
  },
  gather: (c) => c.b.node('GatherElements', [...inputs(c), c.name(attr(c, 'index'))], { axis: { int: attr<number>(c, 'dim') } }),
  indexSelect: (c) => c.b.node('Gather', [...inputs(c), c.name(attr(c, 'index'))], { axis: { int: attr<number>(c, 'dim') } }),

  sum: (c) => c.b.node('ReduceSum', [...inputs(c), c.b.sizes(attr(c, 'dims'))], { keepdims: { int: attr<boolean>(c, 'keepdim') ? 1 : 0 } }),
  mean: reduce('ReduceMean'),
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  logsumexp: reduce('ReduceLogSumExp'),
  softmax: (c) => c.b.node('Softmax', inputs(c), { axis: { int: attr<number>(c, 'dim') } }),
  logSoftmax: (c) => c.b.node('LogSoftmax', inputs(c), { axis: { int: attr<number>(c, 'dim') } }),
  layerNorm: (c) => {
    // an absent weight or bias enters layerNorm as the number 0
    const [x, weight, bias] = c.call.inputs;
    const normalized = attr<number[]>(c, 'normalizedShape');
    const scale = weight.kind === 'number' ? filled(c, { kind: 'number', value: 1 }, normalized) : c.name(weight);
    const shift = bias.kind === 'number' ? [] : [c.name(bias)];
    return c.b.node('LayerNormalization', [c.name(x), scale, ...shift], {
      axis: { int: -normalized.length },
      epsilon: { float: attr<number>(c, 'eps') },
    });
  },
  batchNorm: (c) => {
    const [x, weight, bias, mean, variance] = c.call.inputs;
    const channels = [shapeOf(x)[1]];
    return c.b.node(
      'BatchNormalization',
      [c.name(x), filled(c, weight, channels), filled(c, bias, channels), c.name(mean), c.name(variance)],
      {
        epsilon: { float: attr<number>(c, 'eps') },
      },
    );
  },
  conv2d: (c) => {
    const [x, w, bias] = c.call.inputs;
    const opts = attr<{ stride?: number | number[]; padding?: number | number[]; dilation?: number | number[]; groups?: number }>(
      c,
      'opts',
    );
    const padding = pair(opts.padding ?? 0);
    const attributes: Record<string, Attribute> = {
      kernel_shape: { ints: shapeOf(w).slice(2) },
      strides: { ints: pair(opts.stride ?? 1) },
      pads: { ints: [...padding, ...padding] },
      dilations: { ints: pair(opts.dilation ?? 1) },
      group: { int: opts.groups ?? 1 },
    };
    // an absent bias enters conv2d as the number 0
    const inputNames = [c.name(x), c.name(w), ...(bias.kind === 'number' ? [] : [c.name(bias)])];
    return c.b.node('Conv', inputNames, attributes);
  },
  interpolate: (c) => {
    const opts = attr<{ size?: number | number[]; scaleFactor?: number | number[]; mode?: string; alignCorners?: boolean }>(c, 'opts');
    const [n, ch] = c.call.output.shape;
    // sizes: the whole output shape; scales: 1 for N and C
    const target =
      opts.size !== undefined
        ? ['', '', c.b.sizes([n, ch, ...pair(opts.size)])]
        : ['', c.b.constant('float32', [4], { array: Float32Array.from([1, 1, ...pair(opts.scaleFactor as number | number[])]) })];
    const linear = opts.mode === 'bilinear';
    const mode: Record<string, Attribute> = linear
      ? { mode: { string: 'linear' }, coordinate_transformation_mode: { string: opts.alignCorners ? 'align_corners' : 'half_pixel' } }
      : { mode: { string: 'nearest' }, coordinate_transformation_mode: { string: 'asymmetric' }, nearest_mode: { string: 'floor' } };
    return c.b.node('Resize', [c.name(c.call.inputs[0]), ...target], mode);
  },
};

/** A reduction whose axes are an attribute in opset 17. */
function reduce(opType: string): Rule {
  return (c) => c.b.node(opType, inputs(c), { axes: { ints: attr(c, 'dims') }, keepdims: { int: attr<boolean>(c, 'keepdim') ? 1 : 0 } });
}

/** The rule of `op`, or an error naming the op and the module that called it. */
export function ruleFor(op: TracedOp): Rule {
  const rule = Object.hasOwn(RULES, op.op) ? RULES[op.op] : undefined;
  if (rule === undefined) {
    throw new Error(
      `exportOnnx: op '${op.op}' (in module '${op.path || '<root>'}') has no ONNX mapping (mapped: ${Object.keys(RULES).sort().join(', ')})`,
    );
  }
  return rule;
}
