import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type DType, memory, ReferenceBackend, type Tensor, tensor, zeros } from '@setr-ts/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeSafetensors, encodeSafetensors, halfToFloat, loadSafetensors, readSafetensors, saveSafetensors } from '../src/index.js';
import { DEAD_WRITER_QUIET_MS, STALE_TEMP_AGE_MS, staleTempFiles } from '../src/io/atomic-write.js';
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

  it('keeps names that are Object.prototype properties: __proto__, constructor, toString', async () => {
    const path = join(dir, 'proto.safetensors');
    const tensors: Record<string, Tensor> = { constructor: tensor([2]), toString: tensor([3]) };
    Object.defineProperty(tensors, '__proto__', { value: tensor([1, 1]), enumerable: true }); // an own key, as a state dict would have it
    const metadata = JSON.parse('{"__proto__": "kept", "hasOwnProperty": "too"}') as Record<string, string>;
    await saveSafetensors(path, tensors, metadata);
    const back = await readSafetensors(path);
    expect(Object.keys(back.tensors).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    const own = (name: string) => Object.getOwnPropertyDescriptor(back.tensors, name)?.value as Tensor;
    expect(Array.from(own('__proto__').dataSync())).toEqual([1, 1]); // an own key, not the prototype
    expect(Array.from(own('constructor').dataSync())).toEqual([2]);
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype); // still a plain record
    expect(Object.entries(back.metadata)).toEqual([
      ['__proto__', 'kept'],
      ['hasOwnProperty', 'too'],
    ]);
    // and from a header written elsewhere
    const file = build('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', new Uint8Array(4));
    expect(Object.keys(decodeSafetensors(file).tensors)).toEqual(['__proto__']);
  });

  it('refuses to write a name or metadata that is not valid Unicode (a lone surrogate)', () => {
    const one = { dtype: 'float32' as const, shape: [1], values: new Float32Array(1) };
    expect(() => encodeSafetensors({ 'w\ud800': one })).toThrow(/tensor name 'w.' has a lone surrogate/);
    expect(() => encodeSafetensors({ w: one }, { note: '\udc00' })).toThrow(/metadata 'note' has a lone surrogate/);
    expect(Object.keys(decodeSafetensors(encodeSafetensors({ 'w\u{1f600}': one })).tensors)).toEqual(['w\u{1f600}']); // a pair is fine
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
  // the header's JSON is read strictly, as the format's reference reader (serde_json) reads it
  const w = '"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}';
  const entry = (fields: string) => build(`{"w": {${fields}}}`, new Uint8Array(4));
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  cases.push(
    [
      'duplicate dtype',
      entry('"dtype": "F32", "dtype": "I32", "shape": [1], "data_offsets": [0, 4]'),
      /header has duplicate key 'dtype' in tensor 'w'$/,
    ],
    [
      'duplicate shape',
      entry('"dtype": "F32", "shape": [1], "shape": [1], "data_offsets": [0, 4]'),
      /duplicate key 'shape' in tensor 'w'$/,
    ],
    [
      'duplicate offsets',
      entry('"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "data_offsets": [0, 4]'),
      /duplicate key 'data_offsets' in tensor 'w'$/,
    ],
    ['duplicate tensor', build(`{${w}, ${w}}`, new Uint8Array(4)), /header has duplicate key 'w'$/],
    [
      'duplicate __metadata__',
      build(`{"__metadata__": {}, ${w}, "__metadata__": {"a": "b"}}`, new Uint8Array(4)),
      /duplicate key '__metadata__'$/,
    ],
    [
      'duplicate metadata key',
      build(`{"__metadata__": {"a": "1", "a": "2"}, ${w}}`, new Uint8Array(4)),
      /duplicate key 'a' in __metadata__$/,
    ],
    ['byte-order mark', build(`\ufeff{${w}}`, new Uint8Array(4)), /header starts with a byte-order mark/],
    [
      'lone high surrogate in a name',
      build(`{"w\\ud800": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}`, new Uint8Array(4)),
      /header contains a lone surrogate \\ud800 at character 3/,
    ],
    ['high surrogate then a letter', build(`{"__metadata__": {"a": "\\ud83d\\u0041"}, ${w}}`, new Uint8Array(4)), /lone surrogate \\ud83d/],
    ['lone low surrogate in metadata', build(`{"__metadata__": {"a": "x\\udc00"}, ${w}}`, new Uint8Array(4)), /lone surrogate \\udc00/],
    [
      'shape nested 10^4 deep',
      entry(`"dtype": "F32", "shape": ${deep(10_000)}, "data_offsets": [0, 4]`),
      /tensor 'w': shape \[\[\[\[\[.*… is not a list of non-negative integers$/,
    ],
    [
      'offsets nested 10^5 deep, unclosed',
      entry(`"dtype": "F32", "shape": [1], "data_offsets": ${'['.repeat(100_000)}`),
      /tensor 'w': data_offsets \[\[\[.*… is not a list/,
    ],
    [
      'unknown field nested 10^5 deep',
      entry(`"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": ${deep(100_000)}`),
      /header nests deeper than 64 levels in field 'x' of tensor 'w'$/,
    ],
    ['dtype __proto__', entry('"dtype": "__proto__", "shape": [1], "data_offsets": [0, 4]'), /tensor 'w': unknown dtype '__proto__'/],
    ['dtype constructor', entry('"dtype": "constructor", "shape": [1], "data_offsets": [0, 4]'), /tensor 'w': unknown dtype 'constructor'/],
    [
      'a dim above 2^53',
      entry('"dtype": "F32", "shape": [99999999999999999999], "data_offsets": [0, 4]'),
      /shape \[99999999999999999999\] holds 99999999999999999999, above 2\^53 - 1/,
    ],
    [
      'a dim written 1.0',
      entry('"dtype": "F32", "shape": [1.0], "data_offsets": [0, 4]'),
      /shape \[1\.0\] is not a list of non-negative integers/,
    ],
    ['shape a string', entry('"dtype": "F32", "shape": "1", "data_offsets": [0, 4]'), /shape "1" is not a list/],
    ['shape missing', entry('"dtype": "F32", "data_offsets": [0, 4]'), /tensor 'w': shape is missing/],
    ['offsets missing', entry('"dtype": "F32", "shape": [1]'), /tensor 'w': data_offsets is missing/],
    ['three offsets', entry('"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 4]'), /data_offsets \[0,4,4\] is not a pair/],
    [
      'product past 2^53',
      entry('"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]'),
      /shape \[4294967296,4294967296\] of F32 needs at least 2\^53 bytes/,
    ],
    [
      'text after the object',
      build(`{${w}} {}`, new Uint8Array(4)),
      /header is not valid UTF-8 JSON \(only spaces may follow the header object at character \d+, found "\{"\)/,
    ],
    ['a trailing comma', build(`{${w},}`, new Uint8Array(4)), /expected a key in double quotes/],
    ['a raw newline in a string', build(`{"w\n": {}}`), /raw control character U\+000a in a string/],
    ['an unknown escape', build('{"w\\x": {}}'), /unknown escape in a string/],
    ['unterminated', build('{"w'), /unterminated string at character 3, found the end of the header/],
  );
  it.each(cases)('%s', (_what, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(message);
    expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(/^safetensors bad\.safetensors: /);
  });

  it('accepts the well-formed file the cases above were cut from', () => {
    expect(Object.keys(decodeSafetensors(good).tensors)).toEqual(['w', 'b']);
  });

  it('accepts what serde_json accepts: surrogate pairs, escapes, unknown fields (skipped), spaces around', () => {
    const file = build(
      ' {"w\\ud83d\\ude00\\n": {"x": [{"y": [1.5e3, true, null, "\\/"]}], "dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}  \t',
      new Uint8Array(4),
    );
    expect(Object.keys(decodeSafetensors(file).tensors)).toEqual(['w\u{1f600}\n']);
  });

  it('names the file when loading from disk', async () => {
    const path = join(dir, 'truncated.safetensors');
    writeFileSync(path, good.subarray(0, good.length - 1));
    await expect(loadSafetensors(path)).rejects.toThrow(`safetensors ${path}: tensor 'b'`);
  });
});

describe('temporary files that a killed save left behind', () => {
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number; // a process that has exited
  /** A temporary file named as writeFileAtomic names its own: `.<target>.<pid>.<12 hex>.tmp`. */
  const tempOf = (target: string, pid: number, hex = '0123456789ab') => join(dirname(target), `.${basename(target)}.${pid}.${hex}.tmp`);
  const good = build({ w: f32([2], 0), b: f32([1], 8) }, new Uint8Array(12));

  it('the next save removes those whose writer is gone or that are old, and no others', async () => {
    mkdirSync(join(dir, 'stale'));
    const path = join(dir, 'stale', 'ckpt.safetensors');
    const dead = tempOf(path, deadPid); // its writer was killed two minutes ago: removed
    const old = tempOf(path, process.ppid, 'aaaaaaaaaaaa'); // its writer lives, but it is over an hour old: removed
    const mine = tempOf(path, process.pid, 'bbbbbbbbbbbb'); // this process's pid, fresh (a worker thread writing?): kept
    const live = tempOf(path, process.ppid, 'cccccccccccc'); // a live writer's, fresh: kept
    const justNow = tempOf(path, deadPid, 'dddddddddddd'); // writer not seen here but written a moment ago (another host?): kept
    const otherTarget = tempOf(`${path}.1`, deadPid); // the temporary file of ckpt.safetensors.1: kept
    const notOurs = join(dir, 'stale', '.ckpt.safetensors.backup.tmp'); // not our naming: kept
    for (const f of [dead, old, mine, live, justNow, otherTarget, notOurs]) writeFileSync(f, 'partial');
    const ago = (ms: number) => (Date.now() - ms) / 1000;
    for (const f of [dead, otherTarget, notOurs]) utimesSync(f, ago(2 * DEAD_WRITER_QUIET_MS), ago(2 * DEAD_WRITER_QUIET_MS));
    utimesSync(old, ago(STALE_TEMP_AGE_MS + 60_000), ago(STALE_TEMP_AGE_MS + 60_000));
    expect(staleTempFiles(path).sort()).toEqual([dead, old].sort());
    await saveSafetensors(path, { x: tensor([1]) });
    expect(readdirSync(join(dir, 'stale')).sort()).toEqual(
      ['ckpt.safetensors', ...[mine, live, justNow, otherTarget, notOurs].map((f) => basename(f))].sort(),
    );
    expect(staleTempFiles(path)).toEqual([]);
  });

  it('a load mentions them in one line: in the error when it fails (the file may never have been renamed), else as a warning', async () => {
    mkdirSync(join(dir, 'killed'));
    const path = join(dir, 'killed', 'model.safetensors');
    const temp = tempOf(path, deadPid);
    writeFileSync(temp, new Uint8Array(1_500_000));
    const ago = (Date.now() - 2 * DEAD_WRITER_QUIET_MS) / 1000;
    utimesSync(temp, ago, ago);
    const note = `an interrupted save left a temporary file next to it (${basename(temp)}; 1.5 MB), which the next save to this path removes`;
    const missing = await loadSafetensors(path).catch((e: NodeJS.ErrnoException) => e);
    expect(missing.message).toBe(`readSafetensors: cannot read ${path}: it does not exist (ENOENT); ${note}`);
    expect(missing.code).toBe('ENOENT'); // still the system error, code and all
    writeFileSync(path, good.subarray(0, good.length - 1));
    await expect(loadSafetensors(path)).rejects.toThrow(`(11 bytes; truncated file?); ${note}`);
    writeFileSync(path, good);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const loaded = await loadSafetensors(path);
      expect(Object.keys(loaded)).toEqual(['w', 'b']);
      for (const t of Object.values(loaded)) t.dispose();
      expect(warn.mock.calls).toEqual([[`safetensors ${path}: ${note}`]]);
      await saveSafetensors(path, { w: tensor([1]) }); // removes it
      expect(existsSync(temp)).toBe(false);
      for (const t of Object.values(await loadSafetensors(path))) t.dispose();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('a load that fails half-way (a backend without float64) leaves no tensor behind and names the file', async () => {
    class NoFloat64 extends ReferenceBackend {
      override readonly dtypes: readonly DType[] = ['float32', 'int32'];
    }
    const path = join(dir, 'half.safetensors');
    writeFileSync(path, build({ a: f32([1], 0), d: { dtype: 'F64', shape: [1], data_offsets: [4, 12] } }, new Uint8Array(12)));
    const before = memory().numTensors;
    const error = (await readSafetensors(path, { backend: new NoFloat64() }).catch((e) => e)) as Error;
    expect(error.message.startsWith(`safetensors ${path}: tensor 'd': `), error.message).toBe(true); // then the tensor package's words
    expect(error.message).toMatch(/does not support dtype float64/);
    expect(memory().numTensors).toBe(before);
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
