/**
 * PyTorch checkpoints (.pth, torch.save's ZIP format): files written by torch.save itself
 * (scripts/gen_fixtures.py, torch 1.13) read exactly; our files read back; bad files refused with one
 * error naming the file and the problem; and, where /usr/bin/python3 with torch exists, torch.load
 * reading what is written here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, tensor, zeros } from '@setr-ts/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePth, encodePth, loadPth, loadSafetensors, type PlainValue, parsePth, readPth, savePth, serializePth } from '../src/index.js';
import { crc32, crc32Portable } from '../src/io/crc32.js';
import { OP } from '../src/io/pickle-opcodes.js';
import { type PyDict, PyList, PyTuple, unpickle } from '../src/io/pickle-reader.js';
import { PickleWriter } from '../src/io/pickle-writer.js';
import { readStoredZip } from '../src/io/zip-reader.js';
import { writeStoredZip, type ZipRecord } from '../src/io/zip-writer.js';
import { fixture, fixturePath } from './support/fixtures.js';
import { hasTorch, runFixtureScript } from './support/python.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-pth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  keys: string[];
  dtypes: Record<string, string>;
  meta?: Record<string, PlainValue>;
  skipped?: string[];
}
const expected = fixture<Record<string, Expected>>('pth.json');

/** The element-wise differences of two tensors, exactly (NaN equals NaN, -0 differs from 0): [] when they are the same. */
function differences(actual: Tensor, want: Tensor): string[] {
  if (actual.dtype !== want.dtype) return [`dtype ${actual.dtype}, expected ${want.dtype}`];
  if (actual.shape.join(',') !== want.shape.join(',')) return [`shape [${actual.shape}], expected [${want.shape}]`];
  const a = actual.dataSync();
  const b = want.dataSync();
  return Array.from(a).flatMap((v, i) => (Object.is(v, b[i]) ? [] : [`element ${i}: ${v}, expected ${b[i]}`]));
}

/** The error `f` throws; the test fails if it throws none or not an Error. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected an error, got none');
}

/** decodePth's error for `bytes`: one line, naming the file. */
function refusal(bytes: Uint8Array, source = 'bad.pth'): string {
  const { message } = thrown(() => decodePth(bytes, source));
  expect(message.startsWith(`pth ${source}: `), message).toBe(true);
  expect(message).not.toContain('\n');
  return message.slice(`pth ${source}: `.length);
}

/** An archive holding `pickle` as data.pkl, and `more` records. */
const archive = (pickle: Uint8Array, more: ZipRecord[] = []) => writeStoredZip([{ name: 'archive/data.pkl', data: pickle }, ...more]);

/** {'w': tensor} as torch pickles it, with the given storage and view. */
function tensorPickle(v: { storage?: string; key?: string; numel: number; offset?: number; size: number[]; stride: number[] }): Uint8Array {
  const w = new PickleWriter();
  w.op(OP.EMPTY_DICT).setItems(1, () => {
    w.string('w').global('torch._utils', '_rebuild_tensor_v2');
    w.tuple(6, () => {
      w.tuple(5, () =>
        w
          .string('storage')
          .global('torch', v.storage ?? 'FloatStorage')
          .string(v.key ?? '0')
          .string('cpu')
          .int(v.numel),
      );
      w.op(OP.BINPERSID)
        .int(v.offset ?? 0)
        .intTuple(v.size)
        .intTuple(v.stride)
        .bool(false);
      w.global('collections', 'OrderedDict')
        .tuple(0, () => {})
        .op(OP.REDUCE);
    });
    w.op(OP.REDUCE);
  });
  return w.finish();
}

const f32bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** Where the central directory entry of record `name` starts in `bytes`. */
function centralEntry(bytes: Uint8Array, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const encoded = new TextEncoder().encode(name);
  for (let at = 0; at + 46 < bytes.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50 || view.getUint16(at + 28, true) !== encoded.length) continue;
    if (encoded.every((b, i) => bytes[at + 46 + i] === b)) return at;
  }
  throw new Error(`no central entry for ${name}`);
}

describe('.pth files written by torch.save (torch 1.13)', () => {
  it('reads a state dict of every dtype, 0-d and empty tensors, and views sharing one storage, exactly', async () => {
    const want = expected.pth_state;
    const got = await readPth(fixturePath('pth_state.pth'));
    const ref = await loadSafetensors(fixturePath('pth_state_expected.safetensors'));
    expect(got.archiveName).toBe('pth_state'); // torch names the folder after the file
    expect(got.root).toBe('');
    expect(got.skipped).toEqual([]); // the state dict's _metadata (a BUILD) is an attribute, not an entry
    expect(Object.keys(got.tensors)).toEqual(want.keys);
    expect(got.sourceDtypes).toEqual(want.dtypes);
    for (const name of want.keys) expect(differences(got.tensors[name], ref[name]), name).toEqual([]);
    // what the conversions give, spelled out
    expect(got.tensors['1.num_batches_tracked'].dtype).toBe('int32');
    expect(got.tensors['1.num_batches_tracked'].item()).toBe(12345);
    expect(Array.from(got.tensors['dtypes.bool'].dataSync())).toEqual([1, 0, 1]);
    expect(Array.from(got.tensors['dtypes.f16'].dataSync())).toEqual([1.5, -2.25, 65504, 6.097555160522461e-5, 2 ** -24, 0]);
    expect(got.tensors.scalar.shape).toEqual([]);
    expect(got.tensors.empty.shape).toEqual([0, 3]);
    // a view is its own tensor: the transpose holds the base's values transposed
    const base = got.tensors['view.base'].arraySync() as number[][];
    expect(got.tensors['view.t'].arraySync()).toEqual(base[0].map((_, j) => base.map((row) => row[j])));
    expect(got.tensors['view.block'].arraySync()).toEqual(base.slice(1, 3).map((row) => row.slice(2, 5)));
    expect(got.tensors['view.col'].arraySync()).toEqual(base.map((row) => row[4]));
    expect(Array.from(got.tensors['view.tail'].dataSync())).toEqual([3, 4, 5, 6]);
  });

  it('reads a checkpoint dict: the state dict under state_dict, meta as plain values, the optimizer skipped', async () => {
    const want = expected.pth_checkpoint;
    const got = await readPth(fixturePath('pth_checkpoint.pth'));
    const ref = await loadSafetensors(fixturePath('pth_checkpoint_expected.safetensors'));
    expect(got.root).toBe('state_dict');
    expect(got.skipped).toEqual(want.skipped);
    expect(got.meta).toEqual(want.meta); // CLASSES, a tuple, comes back as an array
    expect(Object.keys(got.tensors)).toEqual(want.keys);
    for (const name of want.keys) expect(differences(got.tensors[name], ref[name]), name).toEqual([]);
  });

  it("reads timm's checkpoint['model'], saved with pickle protocol 4", async () => {
    const want = expected.pth_model_key;
    const got = await readPth(fixturePath('pth_model_key.pth'));
    const ref = await loadSafetensors(fixturePath('pth_model_key_expected.safetensors'));
    expect(got.root).toBe('model');
    expect(got.skipped).toEqual(want.skipped);
    expect(got.meta).toBeUndefined();
    for (const name of want.keys) expect(differences(got.tensors[name], ref[name]), name).toEqual([]);
    expect(Object.keys(await loadPth(fixturePath('pth_model_key.pth')))).toEqual(want.keys);
  });

  it('refuses an int64 value out of int32 range, naming the tensor and the element', () => {
    expect(refusal(readFileSync(fixturePath('pth_wide_int.pth')), 'wide.pth')).toBe(
      "tensor 'big' element 1: int64 value 1099511627776 does not fit int32",
    );
  });

  it('refuses the legacy format (torch < 1.6) and says how to convert it', () => {
    expect(refusal(readFileSync(fixturePath('pth_legacy.pth')))).toMatch(/^the legacy torch.save format .* torch.save it again$/);
  });

  it('refuses a checkpoint whose meta holds a numpy scalar, naming the global (torch.load(weights_only=True) refuses it too)', () => {
    expect(refusal(readFileSync(fixturePath('pth_numpy_meta.pth')))).toMatch(
      /^data\.pkl byte \d+: GLOBAL \('c', 0x63\): 'numpy\.core\.multiarray\.scalar' is not allowed: .*nothing is imported or run$/,
    );
  });
});

describe('.pth round trip', () => {
  const state = () => ({
    'a.weight': tensor([
      [1.5, -2],
      [3, 4.25],
    ]),
    'b.f64': tensor([Math.PI, -1e-300, 1e300, Number.NaN, -0], undefined, 'float64'),
    'bn.num_batches_tracked': tensor(new Int32Array([17]), []),
    idx: tensor(new Int32Array([0, -7, 2147483647, -2147483648])),
    scalar: tensor(2.5),
    empty: zeros([0, 3]),
    'ünï.✓': tensor([1]),
  });

  it('serializePth → parsePth gives back the same names, order, dtypes, shapes and values', async () => {
    const s = state();
    for (const integers of ['int64', 'int32'] as const) {
      const bytes = await serializePth(s, { integers });
      const back = parsePth(bytes, 'round.pth');
      expect(Object.keys(back)).toEqual(Object.keys(s));
      for (const [name, t] of Object.entries(s)) expect(differences(back[name], t), name).toEqual([]);
      expect(decodePth(bytes).sourceDtypes.idx).toBe(integers);
    }
  });

  it('keeps a tensor named __proto__ as an own entry', async () => {
    const s: Record<string, Tensor> = {};
    Object.defineProperty(s, '__proto__', { value: tensor([1, 2]), enumerable: true });
    const back = parsePth(await serializePth(s));
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('writes a checkpoint dict with meta, and reads meta back', async () => {
    const meta = {
      iter: 160000,
      CLASSES: ['road', 'car'],
      lr: 0.01,
      big: 2 ** 40,
      neg: -(2 ** 33),
      ok: true,
      none: null,
      nested: { a: [1] },
    };
    const contents = decodePth(await serializePth(state(), { meta }));
    expect(contents.root).toBe('state_dict');
    expect(contents.meta).toEqual(meta);
    expect(contents.skipped).toEqual(['meta (dict)']);
  });

  it('savePth names the folder after the file, writes atomically, aligns every record to 64 bytes, version 3 and byteorder little', async () => {
    const path = join(dir, 'setr_vit.pth');
    await savePth(path, state());
    await savePth(path, { only: tensor([1]) }); // replaces the file whole
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(Object.keys(await loadPth(path))).toEqual(['only']);
    await savePth(path, state());
    const bytes = new Uint8Array(readFileSync(path));
    const zip = readStoredZip(bytes, (what) => new Error(what));
    expect(zip.names).toEqual([
      'setr_vit/data.pkl',
      'setr_vit/byteorder',
      ...Object.keys(state()).map((_, i) => `setr_vit/data/${i}`),
      'setr_vit/version',
    ]);
    for (const name of zip.names) expect((zip.read(name).byteOffset - bytes.byteOffset) % 64, name).toBe(0);
    expect(new TextDecoder().decode(zip.read('setr_vit/version'))).toBe('3\n');
    expect(new TextDecoder().decode(zip.read('setr_vit/byteorder'))).toBe('little');
    expect((await readPth(path)).archiveName).toBe('setr_vit');
  });

  it('reads ZIP64 records (sizes and offsets in ZIP64 extra fields, counts in the ZIP64 end record) and unaligned records', async () => {
    const plain = await serializePth(state());
    const zip = readStoredZip(plain, (what) => new Error(what));
    const zip64 = writeStoredZip(
      zip.names.map((name) => ({ name, data: zip.read(name) })),
      { zip64: true },
    );
    const view = new DataView(zip64.buffer);
    const entry = centralEntry(zip64, 'archive/data.pkl');
    expect(view.getUint32(entry + 20, true)).toBe(0xffffffff); // the sizes really are in the extra field
    expect(view.getUint16(zip64.length - 12, true)).toBe(0xffff); // and the count in the ZIP64 end record
    const back = parsePth(zip64, 'zip64.pth');
    for (const [name, t] of Object.entries(state())) expect(differences(back[name], t), name).toEqual([]);
    // and records at odd offsets (another writer's archive, no alignment): read through an aligned copy
    const odd = writeStoredZip(
      zip.names.map((name) => ({ name, data: zip.read(name) })),
      { alignment: 1 },
    );
    expect(readStoredZip(odd, (what) => new Error(what)).read('archive/data/1').byteOffset % 8).not.toBe(0);
    const oddBack = parsePth(odd, 'odd.pth');
    for (const [name, t] of Object.entries(state())) expect(differences(oddBack[name], t), name).toEqual([]);
  });

  it('refuses what the format cannot hold', async () => {
    const one = { dtype: 'float32' as const, shape: [1], values: new Float32Array(1) };
    expect(() => encodePth({ w: one }, { archiveName: 'a/b' })).toThrow(/archive name 'a\/b' must be a non-empty folder name/);
    expect(() => encodePth({ w: { ...one, shape: [2] } })).toThrow(/tensor 'w' has 1 values for shape \[2\]/);
    expect(() => encodePth({ 'w\ud800': one })).toThrow(/lone surrogate/);
    expect(() => encodePth({ w: one }, { meta: { x: 2 ** 60 } })).not.toThrow(); // a float: not a safe integer
    expect(() => encodePth({ w: one }, { meta: { x: undefined as unknown as PlainValue } })).toThrow(
      /cannot write a value of type undefined/,
    );
  });
});

describe('pickle and CRC-32 pieces', () => {
  const hooks = { globals: new Map(), persistentLoad: () => null };
  const read = (w: PickleWriter) => unpickle(w.finish(), hooks, (what) => new Error(what));

  it('ints round-trip at every width: BININT1, BININT2, BININT, LONG1 of either sign', () => {
    const ints = [
      0,
      1,
      255,
      256,
      65535,
      65536,
      -1,
      -128,
      -129,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      -(2 ** 31) - 1,
      2 ** 40,
      -(2 ** 40),
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ];
    const w = new PickleWriter();
    w.op(OP.EMPTY_LIST).op(OP.MARK);
    for (const n of ints) w.int(n);
    w.op(OP.APPENDS);
    expect((read(w) as PyList).items).toEqual(ints);
  });

  it('floats, strings, None, bools, tuples and nested dicts round-trip', () => {
    const w = new PickleWriter().value({
      f: [0.1, -1e300, Number.POSITIVE_INFINITY],
      s: 'ünï ✓ 😀',
      n: null,
      t: true,
      f2: false,
      d: { e: [] },
    });
    const v = read(w) as PyDict;
    expect([...v.entries.keys()]).toEqual(['f', 's', 'n', 't', 'f2', 'd']);
    expect((v.entries.get('f') as PyList).items).toEqual([0.1, -1e300, Number.POSITIVE_INFINITY]);
    expect(v.entries.get('s')).toBe('ünï ✓ 😀');
    expect(v.entries.get('n')).toBeNull();
    expect((v.entries.get('d') as PyDict).entries.get('e')).toEqual(new PyList([]));
    const t = new PickleWriter().tuple(4, function (this: PickleWriter) {}); // MARK TUPLE: an empty tuple
    expect(read(t)).toEqual(new PyTuple([]));
  });

  it('reads the memo (BINPUT/BINGET, LONG_BINPUT/LONG_BINGET, MEMOIZE)', () => {
    // 'x' · BINPUT 7 · LONG_BINPUT 9 · MEMOIZE (as 2) · BINGET 7 · LONG_BINGET 9 · BINGET 2 · TUPLE3 · STOP
    const bytes = new Uint8Array([
      0x80, 2, 0x58, 1, 0, 0, 0, 0x78, 0x71, 7, 0x72, 9, 0, 0, 0, 0x94, 0x68, 7, 0x6a, 9, 0, 0, 0, 0x68, 2, 0x87, 0x2e,
    ]);
    expect(unpickle(bytes, hooks, (what) => new Error(what))).toEqual(new PyTuple(['x', 'x', 'x']));
    bytes[24] = 3; // BINGET 3: never stored
    expect(() => unpickle(bytes, hooks, (what) => new Error(what))).toThrow("byte 23: BINGET ('h', 0x68): memo entry 3 was never stored");
  });

  it('CRC-32 has its check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const big = new Uint8Array(1000).map((_, i) => (i * 31) & 0xff);
    // slicing-by-8 agrees with the byte-at-a-time definition at every length
    const slow = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    // the JavaScript loop (words from any alignment) agrees with the byte-at-a-time definition, and so does the native one
    for (const start of [0, 1, 2, 3, 5])
      for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 900]) {
        const part = big.subarray(start, start + n);
        expect([crc32Portable(part), crc32(part)], `${start}+${n}`).toEqual([slow(part), slow(part)]);
      }
  });
});

describe('bad .pth files: one error naming the file and the problem', () => {
  const good = readFileSync(fixturePath('pth_checkpoint.pth'));

  it('not a ZIP archive, or empty', () => {
    expect(refusal(new Uint8Array(0))).toBe('not a ZIP archive: it starts with bytes (none: the file is empty), not 50 4b 03 04');
    expect(refusal(readFileSync(fixturePath('from_torch.safetensors')))).toMatch(
      /^not a ZIP archive: it starts with bytes [0-9a-f ]+, not 50 4b 03 04$/,
    );
  });

  it('truncated anywhere', () => {
    for (let n = 4; n < good.length; n += 37)
      expect(refusal(good.subarray(0, n), 'cut.pth')).toMatch(
        /^no end-of-central-directory record: the file \(\d+ bytes\) is truncated or damaged$/,
      );
  });

  it('a damaged byte in a record: its CRC-32 differs', () => {
    const zip = readStoredZip(good, (what) => new Error(what));
    const at = zip.read('pth_checkpoint/data/0').byteOffset - good.byteOffset;
    const bytes = new Uint8Array(good);
    bytes[at + 3] ^= 0x40;
    expect(refusal(bytes)).toMatch(
      /^record 'pth_checkpoint\/data\/0': CRC-32 is [0-9a-f]{8}, the directory says [0-9a-f]{8} \(damaged file\)$/,
    );
  });

  it('a compressed record', () => {
    const bytes = new Uint8Array(good);
    new DataView(bytes.buffer).setUint16(centralEntry(bytes, 'pth_checkpoint/data.pkl') + 10, 8, true);
    expect(refusal(bytes)).toBe(
      "record 'pth_checkpoint/data.pkl' is compressed (method 8, deflate); torch.save stores records uncompressed",
    );
  });

  it('an archive that is not what torch.save writes', () => {
    const pickle = tensorPickle({ numel: 1, size: [1], stride: [1] });
    expect(refusal(writeStoredZip([{ name: 'data.pkl', data: pickle }]))).toBe(
      "record 'data.pkl' is not in a folder: torch.save puts every record in one top-level folder (e.g. archive/)",
    );
    expect(refusal(writeStoredZip([{ name: 'archive/version', data: new Uint8Array([0x33]) }]))).toBe(
      "no record 'archive/data.pkl': not an archive torch.save wrote",
    );
    expect(refusal(archive(pickle, [{ name: 'archive/constants.pkl', data: pickle }]))).toMatch(
      /^a TorchScript archive \(torch.jit.save\)/,
    );
    expect(refusal(archive(pickle, [{ name: 'archive/byteorder', data: new TextEncoder().encode('big') }]))).toBe(
      "byteorder record says 'big': only little-endian checkpoints are read",
    );
    expect(refusal(writeStoredZip([]))).toBe('the archive is empty (torch.save writes data.pkl and data/ records)');
  });

  it('an unknown opcode, or a byte that is none', () => {
    expect(refusal(archive(new Uint8Array([0x80, 2, 0x69, 0x6f, 0x73, 0x0a])))).toBe(
      "data.pkl byte 2: INST ('i', 0x69): not an opcode this reader reads (it reads what torch.save writes for tensors and plain values)",
    );
    expect(refusal(archive(new Uint8Array([0x80, 2, 0xff])))).toMatch(/^data\.pkl byte 2: 0xff \(not a pickle opcode\): /);
    expect(refusal(archive(new Uint8Array([0x80, 2, 0x7d])))).toBe('data.pkl byte 3: the pickle ends without STOP (truncated?)');
    expect(refusal(archive(new Uint8Array([0x80, 2, 0x58, 9, 0, 0, 0, 0x61])))).toBe(
      "data.pkl byte 2: BINUNICODE ('X', 0x58): needs 9 more bytes, the pickle ends at byte 8 (truncated?)",
    );
  });

  it('an unknown GLOBAL, and a call of a global that may only be named', () => {
    const w = new PickleWriter();
    w.global('os', 'system')
      .tuple(1, () => w.string('echo pwned'))
      .op(OP.REDUCE);
    expect(refusal(archive(w.finish()))).toBe(
      "data.pkl byte 2: GLOBAL ('c', 0x63): 'os.system' is not allowed: only tensors, plain values and OrderedDicts are read, and nothing is imported or run",
    );
    const v = new PickleWriter();
    v.global('torch', 'FloatStorage')
      .tuple(0, () => {})
      .op(OP.REDUCE);
    expect(refusal(archive(v.finish()))).toMatch(
      /^data\.pkl byte \d+: REDUCE \('R', 0x52\): 'torch\.FloatStorage' may appear in a pickle but is never called by this reader$/,
    );
  });

  it('a pickle that is not a dict of tensors, or whose persistent ids and views are wrong', () => {
    expect(refusal(archive(new PickleWriter().value([1, 2]).finish()))).toBe('data.pkl holds a list, not a dict of tensors');
    const junk = new PickleWriter();
    junk.op(OP.EMPTY_DICT).setItems(1, () => junk.string('w').string('junk').op(OP.BINPERSID));
    expect(refusal(archive(junk.finish()))).toBe("data.pkl persistent id is not ('storage', StorageClass, key, device, numel): 'junk'");
    expect(refusal(archive(tensorPickle({ storage: 'ComplexFloatStorage', numel: 1, size: [1], stride: [1] })))).toMatch(
      /^data\.pkl storage '0' is a torch\.ComplexFloatStorage, which has no dtype here \(readable: FloatStorage, DoubleStorage, /,
    );
    expect(refusal(archive(tensorPickle({ numel: 3, size: [3], stride: [1] })))).toBe("no record 'archive/data/0' for storage '0'");
    const data = (bytes: Uint8Array) => [{ name: 'archive/data/0', data: bytes }];
    expect(refusal(archive(tensorPickle({ numel: 3, size: [3], stride: [1] }), data(f32bytes([1, 2]))))).toBe(
      "record 'archive/data/0' holds 8 bytes; its FloatStorage of 3 elements needs 12",
    );
    expect(refusal(archive(tensorPickle({ numel: 3, offset: 1, size: [3], stride: [1] }), data(f32bytes([1, 2, 3]))))).toBe(
      "tensor 'w': size [3], stride [1] at offset 1 reach element 3 of storage '0', which has 3",
    );
    expect(refusal(archive(tensorPickle({ numel: 3, size: [2], stride: [1, 1] }), data(f32bytes([1, 2, 3]))))).toMatch(
      /^data\.pkl torch\._utils\._rebuild_tensor_v2: storage offset 0, size \(2,\) and stride \(1, 1\) are not a count and two tuples of counts of one length$/,
    );
    // and a good one, for contrast: a strided view of that storage
    const ok = decodePth(archive(tensorPickle({ numel: 3, offset: 0, size: [2], stride: [2] }), data(f32bytes([1, 2, 3]))));
    expect(Array.from(ok.tensors.w.values)).toEqual([1, 3]);
  });

  it('any damaged byte gives either a consistent read or one error naming the file (a seeded mutation run)', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let refused = 0;
    for (let run = 0; run < 400; run++) {
      const bytes = new Uint8Array(good);
      const flips = 1 + Math.floor(random() * 3);
      for (let k = 0; k < flips; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        decodePth(bytes, 'fuzz.pth');
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message.startsWith('pth fuzz.pth: '), (e as Error).message).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100); // most damage is seen (the CRCs), some lands in padding or the unread directory fields
  });
});

if (!hasTorch) console.warn('pth.test.ts: skipping the torch.load checks: /usr/bin/python3 with torch is not available');

describe.skipIf(!hasTorch)('torch.load (/usr/bin/python3) reads what is written here', () => {
  interface Report {
    type: string;
    keys: string[];
    meta: unknown;
    tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }>;
  }
  const load = (path: string) => runFixtureScript('--torch-load', path) as { plain: Report; weights_only: Report | { error: string } };
  const fromTorch = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : -Infinity);
  const check = (report: Report, state: Record<string, Tensor>, dtypes: Record<string, string>) => {
    expect(Object.keys(report.tensors)).toEqual(Object.keys(state));
    for (const [name, t] of Object.entries(state)) {
      const r = report.tensors[name];
      expect(r.dtype, name).toBe(dtypes[name] ?? `torch.${t.dtype}`);
      expect(r.shape, name).toEqual(t.shape);
      const want = Array.from(t.dataSync());
      expect(
        r.data.map(fromTorch).every((v, i) => Object.is(v, want[i])),
        `${name}: ${r.data} vs ${want}`,
      ).toBe(true);
    }
  };
  const state = () => ({
    'backbone.patch_embed.proj.weight': tensor([[[[0.1, -2]], [[Number.NaN, Number.POSITIVE_INFINITY]]]]),
    'decode_head.f64': tensor([Math.PI, -0, -1e-300], undefined, 'float64'),
    'bn.num_batches_tracked': tensor(new Int32Array([17]), []),
    labels: tensor(new Int32Array([0, -7, 2147483647])),
    scalar: tensor(2.5),
    empty: zeros([0, 3]),
    'ünï.✓': tensor([1]),
  });
  const ints = { 'bn.num_batches_tracked': 'torch.int64', labels: 'torch.int64' };

  it('a state dict: plainly and with weights_only=True, int32 as torch.int64', async () => {
    const path = join(dir, 'for-torch.pth');
    await savePth(path, state());
    const got = load(path);
    expect(got.plain.type).toBe('OrderedDict');
    check(got.plain, state(), ints);
    check(got.weights_only as Report, state(), ints);
  });

  it('a checkpoint dict with meta; int32 kept as torch.int32 on request', async () => {
    const path = join(dir, 'ckpt.pth');
    const meta = { iter: 160000, CLASSES: ['road', 'car'], big: 2 ** 40, ok: true, none: null, nested: { a: [1, -2] } };
    await savePth(path, state(), { meta, integers: 'int32' });
    const got = load(path);
    expect(got.plain.keys).toEqual(['meta', 'state_dict']);
    expect(got.plain.meta).toEqual(meta);
    check(got.plain, state(), { 'bn.num_batches_tracked': 'torch.int32', labels: 'torch.int32' });
    expect((got.weights_only as Report).meta).toEqual(meta);
  });

  it('a float in meta: torch.load reads it; torch 1.13 with weights_only=True does not (its unpickler has no BINFLOAT)', async () => {
    const path = join(dir, 'float-meta.pth');
    await savePth(path, state(), { meta: { lr: 0.01 } });
    const got = load(path);
    expect(got.plain.meta).toEqual({ lr: 0.01 });
    const wo = got.weights_only;
    if ('error' in wo)
      expect(wo.error).toMatch(/Unsupported operand 71/); // 71 = 'G', BINFLOAT
    else expect(wo.meta).toEqual({ lr: 0.01 }); // torch ≥ 2.0 reads it
  });

  it('an archive with ZIP64 records', async () => {
    const plain = await serializePth(state());
    const zip = readStoredZip(plain, (what) => new Error(what));
    const path = join(dir, 'zip64.pth');
    writeFileSync(
      path,
      writeStoredZip(
        zip.names.map((name) => ({ name, data: zip.read(name) })),
        { zip64: true },
      ),
    );
    check(load(path).plain, state(), ints);
  });
});
