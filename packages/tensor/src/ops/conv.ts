/**
 * 2-D convolution (PyTorch's cross-correlation, NCHW) and the two kernels its backward pass needs.
 */
import type { Conv2dParams } from '../backend.js';
import { convOutSize } from '../conv-geometry.js';
import { op } from '../engine.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDtype, checkSameDtype, wrap } from './util.js';
import { contiguous } from './view.js';

/** Options of {@link conv2d} (PyTorch `F.conv2d`'s keyword arguments); a number means the same for height and width. */
export interface Conv2dOptions {
  /** Step of the kernel window, number or `[sh, sw]`; default 1. Output size is `floor((H + 2p − d·(k − 1) − 1) / s) + 1`. */
  stride?: number | readonly [number, number];
  /** Zeros added on each side of H and W, number or `[ph, pw]`; default 0. */
  padding?: number | readonly [number, number];
  /** Spacing between kernel taps, number or `[dh, dw]`; default 1 (dense). */
  dilation?: number | readonly [number, number];
  /** Channel groups; default 1. C and Co must both divide by it; `groups = C` is a depthwise convolution. */
  groups?: number;
}

const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** Normalises options to pairs and checks them. */
export function conv2dParams(op: string, opts: Conv2dOptions): Conv2dParams {
  const p: Conv2dParams = {
    stride: pair(opts.stride ?? 1),
    padding: pair(opts.padding ?? 0),
    dilation: pair(opts.dilation ?? 1),
    groups: opts.groups ?? 1,
  };
  const ok = (v: readonly number[], min: number) => v.every((x) => Number.isInteger(x) && x >= min);
  if (!ok(p.stride, 1) || !ok(p.dilation, 1) || !ok(p.padding, 0) || !ok([p.groups], 1)) {
    throw new Error(
      `${op}: invalid options stride=${fmt(p.stride)} padding=${fmt(p.padding)} dilation=${fmt(p.dilation)} groups=${p.groups}`,
    );
  }
  return p;
}

function checkShapes(op: string, xShape: readonly number[], wShape: readonly number[], p: Conv2dParams): number[] {
  if (xShape.length !== 4 || wShape.length !== 4)
    throw new Error(`${op}: expected input [N,C,H,W] and weight [Co,C/groups,kh,kw], got ${fmt(xShape)} and ${fmt(wShape)}`);
  const [n, c, h, w] = xShape;
  const [co, cig, kh, kw] = wShape;
  if (c % p.groups !== 0 || co % p.groups !== 0) throw new Error(`${op}: channels in ${c} and out ${co} must divide by groups ${p.groups}`);
  if (kh < 1 || kw < 1) throw new Error(`${op}: weight ${fmt(wShape)} has an empty ${kh}x${kw} kernel`);
  if (cig !== c / p.groups)
    throw new Error(`${op}: weight ${fmt(wShape)} expects ${cig * p.groups} input channels, input ${fmt(xShape)} has ${c}`);
  const ho = convOutSize(h, kh, p.stride[0], p.padding[0], p.dilation[0]);
  const wo = convOutSize(w, kw, p.stride[1], p.padding[1], p.dilation[1]);
  if (ho < 1 || wo < 1)
    throw new Error(
      `${op}: input ${fmt(xShape)} is too small for kernel ${kh}x${kw} (padding ${fmt(p.padding)}, dilation ${fmt(p.dilation)})`,
    );
  return [n, co, ho, wo];
}

/** `conv2d(x [N,C,H,W], w [Co,C/groups,kh,kw], bias? [Co])`. */
export const conv2d = op('conv2d', (x: Tensor, w: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor => {
  const b = backendOf('conv2d', x, w, ...(bias ? [bias] : []));
  checkDtype('conv2d', x, ['float32', 'float64']);
  checkSameDtype('conv2d', x, w, ...(bias ? [bias] : []));
  const p = conv2dParams('conv2d', opts);
  const outShape = checkShapes('conv2d', x.shape, w.shape, p);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[0])) throw new Error(`conv2d: bias ${fmt(bias.shape)} must be [${w.shape[0]}]`);
  return wrap(b, b.conv2d(contiguous(x), contiguous(w), bias && contiguous(bias), p), outShape, x.dtype);
});

/** Gradient of conv2d w.r.t. its input, given dy and the weight; `xShape` is the input's shape. */
export const conv2dBackwardInput = op(
  'conv2dBackwardInput',
  (dy: Tensor, w: Tensor, xShape: readonly number[], opts: Conv2dOptions = {}): Tensor => {
    const b = backendOf('conv2dBackwardInput', dy, w);
    checkDtype('conv2dBackwardInput', dy, ['float32', 'float64']);
    checkSameDtype('conv2dBackwardInput', dy, w);
    const p = conv2dParams('conv2dBackwardInput', opts);
    const expected = checkShapes('conv2dBackwardInput', xShape, w.shape, p);
    if (!shapesEqual(expected, dy.shape)) throw new Error(`conv2dBackwardInput: dy ${fmt(dy.shape)} should be ${fmt(expected)}`);
    return wrap(b, b.conv2dBackwardInput(contiguous(dy), contiguous(w), { ...p, xShape }), xShape, dy.dtype);
  },
);

/** Gradient of conv2d w.r.t. its weight, given the input and dy; `wShape` is the weight's shape. */
export const conv2dBackwardWeight = op(
  'conv2dBackwardWeight',
  (x: Tensor, dy: Tensor, wShape: readonly number[], opts: Conv2dOptions = {}): Tensor => {
    const b = backendOf('conv2dBackwardWeight', x, dy);
    checkDtype('conv2dBackwardWeight', x, ['float32', 'float64']);
    checkSameDtype('conv2dBackwardWeight', x, dy);
    const p = conv2dParams('conv2dBackwardWeight', opts);
    const expected = checkShapes('conv2dBackwardWeight', x.shape, wShape, p);
    if (!shapesEqual(expected, dy.shape)) throw new Error(`conv2dBackwardWeight: dy ${fmt(dy.shape)} should be ${fmt(expected)}`);
    return wrap(b, b.conv2dBackwardWeight(contiguous(x), contiguous(dy), { ...p, wShape }), wShape, x.dtype);
  },
);
