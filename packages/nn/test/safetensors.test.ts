import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, zeros } from '@setr-ts/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, halfToFloat, loadSafetensors, readSafetensors, saveSafetensors } from '../src/index.js';
import { fixture, fixturePath, type TensorJson } from './support/fixtures.js';
import { hasTorch, runFixtureScript } from './support/python.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file from a header (object, or raw text) and a data section; `len` overrides the length field. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), len?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, len ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A copy of `bytes` with byte `i` set to `v`. */
function withByte(bytes: Uint8Array, i: number, v: number): Uint8Array {
  const out = bytes.slice();
  out[i] = v;
  return out;
}

const f32 = (shape: number[], begin: number) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, begin + 4 * shape.reduce((a, b) => a * b, 1)],
});

describe('safetensors round trip', () => {
  it('saves and loads every dtype, scalars, empty tensors and metadata', async () => {
    const path = join(dir, 'round.safetensors');
    const tensors = {
      'a.weight': tensor([
        [1.5, -2],
        [3, 4.25],
      ]),
      'b.f64': tensor([Math.PI, -1e-300, 1e300], undefined, 'float64'),
      'c.idx': tensor(new Int32Array([0, -7, 2147483647])),
      scalar: tensor(2.5),
      empty: zeros([0, 3]),
    };
    await saveSafetensors(path, tensors, { step: '12', note: 'ünïcode' });
    const { tensors: back, metadata } = await readSafetensors(path);
    expect(metadata).toEqual({ step: '12', note: 'ünïcode' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype, name).toBe(t.dtype);
      expect(back[name].shape, name).toEqual(t.shape);
      expect(Array.from(back[name].dataSync()), name).toEqual(Array.from(t.dataSync()));
    }
  });

  it('pads the header to 8 bytes and lays tensors out widest first, so each is aligned to its element size', () => {
    const bytes = encodeSafetensors({
      small: { dtype: 'float32', shape: [3], values: new Float32Array(3) },
      wide: { dtype: 'float64', shape: [2], values: new Float64Array(2) },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.wide.data_offsets).toEqual([0, 16]);
    expect(header.small.data_offsets).toEqual([16, 28]);
    expect(header.__metadata__).toBeUndefined();
  });

  it('writes atomically: no temporary file is left behind, and an existing file is replaced whole', async () => {
    const path = join(dir, 'atomic.safetensors');
    await saveSafetensors(path, { x: tensor([1, 2, 3]) });
    await saveSafetensors(path, { y: tensor([4]) });
    expect(Object.keys(await loadSafetensors(path))).toEqual(['y']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await expect(saveSafetensors(join(dir, 'no-such-dir', 'x.safetensors'), { x: tensor([1]) })).rejects.toThrow(/ENOENT/);
  });

  it('rejects names and metadata the format cannot hold', () => {
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'float32', shape: [1], values: new Float32Array(1) } })).toThrow(
      /cannot name a tensor/,
    );
    expect(() => encodeSafetensors({}, { n: 3 as unknown as string })).toThrow(/metadata 'n' must be a string/);
    expect(() => encodeSafetensors({ x: { dtype: 'float32', shape: [2, 2], values: new Float32Array(3) } })).toThrow(
      /3 values for shape \[2,2\]/,
    );
  });
});

describe('safetensors written by PyTorch', () => {
  const expected = fixture<{ from_torch: Record<string, TensorJson & { dtype: string }> }>('safetensors.json').from_torch;

  it('loads F32, F64, I64, I32, F16, BF16 and U8 tensors with their values', async () => {
    const { tensors, metadata } = await readSafetensors(fixturePath('from_torch.safetensors'));
    expect(metadata).toEqual({ format: 'pt', note: 'written by gen_fixtures.py' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    const ours: Record<string, string> = {
      F32: 'float32',
      F64: 'float64',
      I64: 'int32',
      I32: 'int32',
      F16: 'float32',
      BF16: 'float32',
      U8: 'int32',
    };
    for (const [name, e] of Object.entries(expected)) {
      const t = tensors[name];
      expect(t.dtype, name).toBe(ours[e.dtype]);
      expect(t.shape, name).toEqual(e.shape);
      // every value is exact: F16/BF16 widen exactly, F32 values were float32 in torch too
      expect(Array.from(t.dataSync()), name).toEqual(e.data);
    }
  });

  it('decodes IEEE half precision, subnormals and specials included', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });
});

describe('malformed safetensors files are rejected with the reason', () => {
  const good = build({ w: f32([2], 0), b: f32([1], 8) }, new Uint8Array(12));
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than the length field', new Uint8Array(5), /file is 5 bytes, too short/],
    [
      'truncated data',
      good.subarray(0, good.length - 3),
      /tensor 'b': data_offsets \[8,12\] run past the end of the data section \(9 bytes; truncated/,
    ],
    ['truncated header', good.subarray(0, 20), /header length \d+ is impossible \(file is 20 bytes/],
    ['header length larger than the file', build({}, new Uint8Array(0), 1000n), /header length 1000 is impossible/],
    ['header length past 2^53', build({}, new Uint8Array(0), 2n ** 63n), /header length 9223372036854775808 is impossible/],
    ['header length zero', build('', new Uint8Array(0), 0n), /header length 0 is impossible/],
    ['bad JSON', build('{"w": {"dtype": "F32",'), /header is not valid UTF-8 JSON/],
    ['invalid UTF-8', withByte(build('{"a": {}}'), 10, 0xff), /header is not valid UTF-8 JSON/],
    ['header an array', build([1, 2]), /header is not a JSON object/],
    ['entry not an object', build({ w: 3 }), /tensor 'w': header entry is not an object/],
    [
      'unknown dtype',
      build({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /tensor 'w': unknown dtype 'C64' \(readable: F32, F64, I32, I64, F16, BF16/,
    ],
    ['missing dtype', build({ w: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor 'w': dtype is missing/],
    [
      'negative dim',
      build({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /tensor 'w': shape \[-1\] is not a list of non-negative integers/,
    ],
    [
      'reversed offsets',
      build({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4)),
      /tensor 'w': data_offsets \[4,0\] is not a pair/,
    ],
    [
      'span not shape × size',
      build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /tensor 'w': shape \[3\] of F32 needs 12 bytes, data_offsets \[0,8\] span 8/,
    ],
    [
      'offsets past the end',
      build({ w: f32([4], 0) }, new Uint8Array(8)),
      /tensor 'w': data_offsets \[0,16\] run past the end of the data section \(8 bytes/,
    ],
    [
      'overlapping offsets',
      build({ a: f32([2], 0), b: f32([2], 4) }, new Uint8Array(12)),
      /tensor 'b' \(data_offsets \[4,12\]\) overlaps tensor 'a' \(which ends at 8\)/,
    ],
    ['a gap', build({ a: f32([1], 0), b: f32([1], 8) }, new Uint8Array(12)), /gap of 4 bytes before tensor 'b'/],
    ['trailing bytes', build({ a: f32([1], 0) }, new Uint8Array(9)), /5 bytes after the last tensor are not described/],
    ['metadata not strings', build({ __metadata__: { step: 3 } }), /__metadata__ 'step' is not a string/],
    [
      'I64 out of int32 range',
      build({ n: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(new BigInt64Array([2n ** 40n]).buffer)),
      /tensor 'n': I64 value 1099511627776 at index 0 does not fit int32/,
    ],
  ];
  it.each(cases)('%s', (_what, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(message);
    expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(/^safetensors bad\.safetensors: /);
  });

  it('accepts the well-formed file the cases above were cut from', () => {
    expect(Object.keys(decodeSafetensors(good).tensors)).toEqual(['w', 'b']);
  });

  it('names the file when loading from disk', async () => {
    const path = join(dir, 'truncated.safetensors');
    writeFileSync(path, good.subarray(0, good.length - 1));
    await expect(loadSafetensors(path)).rejects.toThrow(`safetensors ${path}: tensor 'b'`);
  });
});

// The TS-written file must parse in PyTorch too (skipped where python3 with torch is absent).
describe.skipIf(!hasTorch)('a file written here parses in PyTorch', () => {
  it('reads back the same names, dtypes, shapes, values and metadata', async () => {
    const path = join(dir, 'for-torch.safetensors');
    await saveSafetensors(
      path,
      {
        w: tensor([
          [0.1, -2],
          [3, 4],
        ]),
        d: tensor([1e-300], undefined, 'float64'),
        i: tensor(new Int32Array([-5, 6])),
      },
      { by: 'setr-ts' },
    );
    const out = runFixtureScript('--read', path) as { metadata: unknown; tensors: Record<string, unknown> };
    expect(out.metadata).toEqual({ by: 'setr-ts' });
    expect(out.tensors.w).toEqual({ shape: [2, 2], data: Array.from(new Float32Array([0.1, -2, 3, 4])), dtype: 'torch.float32' });
    expect(out.tensors.d).toEqual({ shape: [1], data: [1e-300], dtype: 'torch.float64' });
    expect(out.tensors.i).toEqual({ shape: [2], data: [-5, 6], dtype: 'torch.int32' });
  });
});
