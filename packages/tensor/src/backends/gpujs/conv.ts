/**
 * conv2d and its two gradients, each written gather-style: a thread owns one element of its output
 * and sums every product that lands there. The forward pass owns an output pixel and visits its
 * taps; the input gradient owns an input pixel and finds the output pixels whose taps covered it
 * (oy·stride = iy + pad − ky·dilation, so oy must divide out exactly); the weight gradient owns a
 * weight and visits every output pixel. No thread writes another's element, so there are no races
 * and no atomics — which gpu.js does not have. Each kernel's outermost loop is split into chunks
 * when it is long (chunks.ts), the partials summed by a second kernel.
 */
import type { Conv2dParams, DataId } from '../../backend.js';
import { convOutSize } from '../../conv-geometry.js';
import type { Shape } from '../../shape.js';
import { chunkCode, chunking, type Runner } from './chunks.js';
import { kernelSource, meta } from './launch.js';
import { sumRows } from './rows.js';
import { coordsCode } from './view-code.js';

// meta layout shared by the three kernels; CHUNK and COUNT split the outermost loop
const [N, C, H, W, CO, CIG, KH, KW, HO, WO, SH, SW, PH, PW, DH, DW, COG, CHUNK, COUNT] = Array.from({ length: 19 }, (_, i) => `meta[${i}]`);

interface Geometry {
  readonly values: number[];
  readonly ho: number;
  readonly wo: number;
}

function geometry(xShape: Shape, wShape: Shape, p: Conv2dParams): Geometry {
  const [n, c, h, w] = xShape;
  const [co, cig, kh, kw] = wShape;
  const ho = convOutSize(h, kh, p.stride[0], p.padding[0], p.dilation[0]);
  const wo = convOutSize(w, kw, p.stride[1], p.padding[1], p.dilation[1]);
  return { values: [n, c, h, w, co, cig, kh, kw, ho, wo, ...p.stride, ...p.padding, ...p.dilation, co / p.groups], ho, wo };
}

const xAt = (b: string, ch: string, iy: string, ix: string) => `((${b} * ${C} + ${ch}) * ${H} + ${iy}) * ${W} + ${ix}`;
const wAt = (oc: string, ci: string, ky: string, kx: string) => `((${oc} * ${CIG} + ${ci}) * ${KH} + ${ky}) * ${KW} + ${kx}`;
const yAt = (b: string, oc: string, oy: string, ox: string) => `((${b} * ${CO} + ${oc}) * ${HO} + ${oy}) * ${WO} + ${ox}`;

/** Thread (b, oc, oy, ox, chunk of input channels): Σ over those channels and the taps inside the image. */
const FORWARD = (bias: boolean) =>
  [
    'const flat = this.thread.x;',
    chunkCode(COUNT, CHUNK, CIG),
    coordsCode(4, (d) => [N, CO, HO, WO][d], 'o'),
    `const g = divFloor(c1, ${COG});`,
    'let sum = 0;',
    'for (let ci = lo; ci < hi; ci += 1) {',
    `const xc = g * ${CIG} + ci;`,
    `for (let ky = 0; ky < ${KH}; ky++) {`,
    `const iy = c2 * ${SH} - ${PH} + ky * ${DH};`,
    `if (iy >= 0 && iy < ${H}) {`,
    `for (let kx = 0; kx < ${KW}; kx++) {`,
    `const ix = c3 * ${SW} - ${PW} + kx * ${DW};`,
    `if (ix >= 0 && ix < ${W}) {`,
    `sum += x[${xAt('c0', 'xc', 'iy', 'ix')}] * w[${wAt('c1', 'ci', 'ky', 'kx')}];`,
    '}',
    '}',
    '}',
    '}',
    '}',
    // the bias joins one partial only
    bias ? 'return s === 0 ? sum + bias[c1] : sum;' : 'return sum;',
  ].join('\n');

/** Thread (b, c, iy, ix, chunk of the group's output channels): Σ dy·w over the output pixels whose taps read it. */
const BACKWARD_INPUT = [
  'const flat = this.thread.x;',
  chunkCode(COUNT, CHUNK, COG),
  coordsCode(4, (d) => [N, C, H, W][d], 'o'),
  `const g = divFloor(c1, ${CIG});`,
  `const ci = c1 - g * ${CIG};`,
  'let sum = 0;',
  'for (let oo = lo; oo < hi; oo += 1) {',
  `const oc = g * ${COG} + oo;`,
  `for (let ky = 0; ky < ${KH}; ky++) {`,
  `const ty = c2 + ${PH} - ky * ${DH};`,
  `const oy = divFloor(ty, ${SH});`,
  `if (ty >= 0 && oy * ${SH} === ty && oy < ${HO}) {`,
  `for (let kx = 0; kx < ${KW}; kx++) {`,
  `const tx = c3 + ${PW} - kx * ${DW};`,
  `const ox = divFloor(tx, ${SW});`,
  `if (tx >= 0 && ox * ${SW} === tx && ox < ${WO}) {`,
  `sum += dy[${yAt('c0', 'oc', 'oy', 'ox')}] * w[${wAt('oc', 'ci', 'ky', 'kx')}];`,
  '}',
  '}',
  '}',
  '}',
  '}',
  'return sum;',
].join('\n');

/** Thread (oc, ci, ky, kx, chunk of (batch, output row) pairs): Σ x·dy over those rows' pixels whose tap lies inside the image. */
const BACKWARD_WEIGHT = [
  'const flat = this.thread.x;',
  chunkCode(COUNT, CHUNK, `${N} * ${HO}`),
  coordsCode(4, (d) => [CO, CIG, KH, KW][d], 'o'),
  `const xc = divFloor(c0, ${COG}) * ${CIG} + c1;`,
  'let sum = 0;',
  'for (let r = lo; r < hi; r += 1) {',
  `const b = divFloor(r, ${HO});`,
  `const oy = r - b * ${HO};`,
  `const iy = oy * ${SH} - ${PH} + c2 * ${DH};`,
  `if (iy >= 0 && iy < ${H}) {`,
  `for (let ox = 0; ox < ${WO}; ox++) {`,
  `const ix = ox * ${SW} - ${PW} + c3 * ${DW};`,
  `if (ix >= 0 && ix < ${W}) {`,
  `sum += x[${xAt('b', 'xc', 'iy', 'ix')}] * dy[${yAt('b', 'c0', 'oy', 'ox')}];`,
  '}',
  '}',
  '}',
  '}',
  'return sum;',
].join('\n');

/** Runs one of the kernels over `elements` outputs with its outer loop of `length` steps chunked, and sums the partials. */
function chunked(
  r: Runner,
  op: string,
  key: string,
  args: string[],
  body: string,
  inputs: DataId[],
  g: Geometry,
  elements: number,
  length: number,
  stepCost: number,
): DataId {
  const { chunk, count } = chunking(length, stepCost);
  const partial = r.run({
    op,
    key,
    source: () => kernelSource(args, body),
    inputs,
    tables: [meta([...g.values, chunk, count])],
    outSize: elements * count,
  });
  if (count === 1) return partial;
  const out = sumRows(r, partial, elements, count);
  r.dispose(partial);
  return out;
}

export function conv2d(r: Runner, x: DataId, xShape: Shape, w: DataId, wShape: Shape, bias: DataId | null, p: Conv2dParams): DataId {
  const g = geometry(xShape, wShape, p);
  const [, cig, kh, kw] = wShape;
  const args = ['x', 'w', ...(bias ? ['bias'] : []), 'meta'];
  const inputs = [x, w, ...(bias ? [bias] : [])];
  return chunked(
    r,
    'conv2d',
    `conv2d:${bias !== null}`,
    args,
    FORWARD(bias !== null),
    inputs,
    g,
    xShape[0] * wShape[0] * g.ho * g.wo,
    cig,
    kh * (kw + 1) + 1,
  );
}

export function conv2dBackwardInput(r: Runner, dy: DataId, w: DataId, wShape: Shape, xShape: Shape, p: Conv2dParams): DataId {
  const g = geometry(xShape, wShape, p);
  const [co, , kh, kw] = wShape;
  const elements = xShape[0] * xShape[1] * xShape[2] * xShape[3];
  return chunked(
    r,
    'conv2dBackwardInput',
    'conv2d:dx',
    ['dy', 'w', 'meta'],
    BACKWARD_INPUT,
    [dy, w],
    g,
    elements,
    co / p.groups,
    kh * (kw + 1) + 1,
  );
}

export function conv2dBackwardWeight(r: Runner, x: DataId, xShape: Shape, dy: DataId, wShape: Shape, p: Conv2dParams): DataId {
  const g = geometry(xShape, wShape, p);
  const elements = wShape[0] * wShape[1] * wShape[2] * wShape[3];
  return chunked(
    r,
    'conv2dBackwardWeight',
    'conv2d:dw',
    ['x', 'dy', 'meta'],
    BACKWARD_WEIGHT,
    [x, dy],
    g,
    elements,
    xShape[0] * g.ho,
    g.wo + 1,
  );
}
