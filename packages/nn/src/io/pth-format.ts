/**
 * PyTorch's checkpoint format (`torch.save`, the ZIP format of PyTorch ≥ 1.6), as bytes ↔ arrays, with
 * no tensors and no files involved. A `.pth` file is a ZIP archive of stored records (zip-reader.ts,
 * zip-writer.ts) in one top-level folder — torch.save names it after the file (`model.pth` → `model/`),
 * or `archive/` when it writes to a stream:
 *
 *   model/data.pkl     the saved object as a pickle (protocol 2): for a state dict, an OrderedDict of
 *                      name → tensor; for an mmengine checkpoint, {'meta': {...}, 'state_dict': {...}, ...}
 *   model/byteorder    'little' (written since torch 2.1; 1.13 writes none and ignores it)
 *   model/data/0, 1, … one record per storage: its elements, raw, little-endian
 *   model/version      '3\n', the archive format's version
 *
 * In data.pkl a tensor is the call `torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
 * stride, requires_grad, backward_hooks)`, and its storage a persistent id, the tuple
 * `('storage', torch.FloatStorage, '<key>', '<device>', numel)`, which names the record `data/<key>`.
 * Tensors may share a storage (views, slices, tied weights) and a view has an offset and strides, so a
 * tensor's elements are read as `storage[offset + Σ index_i · stride_i]`.
 *
 * The reader runs data.pkl through a restricted unpickler (pickle-reader.ts) that knows only those two
 * torch functions (and `_rebuild_parameter`, for a pickled nn.Parameter) and the storage classes, and
 * executes nothing: a pickle that asks for anything else is refused, naming what it asked for. It reads
 * a plain state dict, or a checkpoint dict holding one under 'state_dict' or else 'model' (the keys
 * mmengine's and mmsegmentation's loaders look for); everything else is skipped and listed.
 *
 * Dtypes: float32, float64 and int32 load as themselves; float16 and bfloat16 widen to float32
 * (exactly); int64 narrows to int32 (a value out of int32's range is an error naming the tensor);
 * int16, int8, uint8 and bool widen to int32. Complex and quantized storages are refused.
 */
import type { DType, TypedArray } from '@setr-ts/tensor';
import { OP } from './pickle-opcodes.js';
import { PyDict, PyGlobal, PyList, PyObject, PyTuple, type PyValue, pyTypeName, unpickle } from './pickle-reader.js';
import { PickleWriter, type PlainValue } from './pickle-writer.js';
import { bfloat16ToFloat, halfToFloat, hasLoneSurrogate, setOwn, type TensorRecord } from './safetensors-format.js';
import { readStoredZip } from './zip-reader.js';
import { writeStoredZip } from './zip-writer.js';

/** A `.pth` file in memory, as {@link decodePth} returns it. */
export interface PthContents {
  /** The state dict's tensors, by name, converted to our dtypes (see {@link sourceDtypes}). */
  readonly tensors: Record<string, TensorRecord>;
  /** Each tensor's dtype in the file, as torch names it without `torch.` (`float16`, `int64`, `bool`, ...). */
  readonly sourceDtypes: Record<string, string>;
  /** Where the state dict was: `''` (the file is one), `'state_dict'` or `'model'` (a checkpoint dict's key). */
  readonly root: '' | 'state_dict' | 'model';
  /** What was not read as a tensor, each as `name (python type)`: a checkpoint's `meta`, `optimizer`, ...; non-tensor state-dict entries. */
  readonly skipped: readonly string[];
  /** A checkpoint's `meta` dict as plain values, when it holds only None, bools, numbers, strings, lists, tuples and str-keyed dicts. */
  readonly meta?: { readonly [key: string]: PlainValue };
  /** The archive's top-level folder (`archive`, or the stem of the file torch.save wrote). */
  readonly archiveName: string;
}

/** Options of {@link encodePth}. */
export interface PthWriteOptions {
  /** The archive's top-level folder; `'archive'` unless given (what torch.save writes to a stream). */
  readonly archiveName?: string;
  /**
   * How int32 tensors are stored: `'int64'` (torch.LongStorage, PyTorch's default integer, the dtype of
   * its own `num_batches_tracked`; the default) or `'int32'` (torch.IntStorage).
   */
  readonly integers?: 'int64' | 'int32';
  /**
   * Write an mmengine-style checkpoint `{'meta': meta, 'state_dict': OrderedDict(...)}` instead of a
   * bare state dict. Integers are written as Python ints, other numbers as floats (BINFLOAT, which the
   * `weights_only=True` loader of torch 1.13 does not read; torch ≥ 2.0's does).
   */
  readonly meta?: { readonly [key: string]: PlainValue };
}

/** A torch storage class: its element size and how its elements become one of our dtypes. */
interface StorageType {
  /** torch's name of the dtype (`torch.float16` without `torch.`). */
  readonly torch: string;
  readonly bytes: number;
  readonly dtype: DType;
  /** The elements of little-endian `bytes` (aligned to the element size), as they are in the file. */
  readonly view: (bytes: Uint8Array) => ArrayLike<number> | BigInt64Array;
  /** An element as a value of `dtype` (throwing where it has none); absent where the raw value is it. */
  readonly convert?: (raw: number | bigint) => number;
}

const elements =
  <A>(make: (buffer: ArrayBufferLike, byteOffset: number, length: number) => A, size: number) =>
  (b: Uint8Array): A =>
    make(b.buffer, b.byteOffset, b.length / size);

const STORAGE_TYPES: ReadonlyMap<string, StorageType> = new Map<string, StorageType>([
  ['FloatStorage', { torch: 'float32', bytes: 4, dtype: 'float32', view: elements((b, o, n) => new Float32Array(b, o, n), 4) }],
  ['DoubleStorage', { torch: 'float64', bytes: 8, dtype: 'float64', view: elements((b, o, n) => new Float64Array(b, o, n), 8) }],
  ['IntStorage', { torch: 'int32', bytes: 4, dtype: 'int32', view: elements((b, o, n) => new Int32Array(b, o, n), 4) }],
  [
    'LongStorage',
    {
      torch: 'int64',
      bytes: 8,
      dtype: 'int32',
      view: elements((b, o, n) => new BigInt64Array(b, o, n), 8),
      convert: (v) => {
        if (v < -2147483648 || v > 2147483647) throw new Error(`int64 value ${v} does not fit int32`);
        return Number(v);
      },
    },
  ],
  [
    'HalfStorage',
    {
      torch: 'float16',
      bytes: 2,
      dtype: 'float32',
      view: elements((b, o, n) => new Uint16Array(b, o, n), 2),
      convert: (h) => halfToFloat(h as number),
    },
  ],
  [
    'BFloat16Storage',
    {
      torch: 'bfloat16',
      bytes: 2,
      dtype: 'float32',
      view: elements((b, o, n) => new Uint16Array(b, o, n), 2),
      convert: (h) => bfloat16ToFloat(h as number),
    },
  ],
  ['ShortStorage', { torch: 'int16', bytes: 2, dtype: 'int32', view: elements((b, o, n) => new Int16Array(b, o, n), 2) }],
  ['CharStorage', { torch: 'int8', bytes: 1, dtype: 'int32', view: elements((b, o, n) => new Int8Array(b, o, n), 1) }],
  ['ByteStorage', { torch: 'uint8', bytes: 1, dtype: 'int32', view: elements((b, o, n) => new Uint8Array(b, o, n), 1) }],
  ['BoolStorage', { torch: 'bool', bytes: 1, dtype: 'int32', view: elements((b, o, n) => new Uint8Array(b, o, n), 1) }],
]);

/** Storage classes a pickle may name but whose tensors have no dtype here: refused with their name, not as unknown globals. */
const UNREADABLE_STORAGES = [
  'ComplexFloatStorage',
  'ComplexDoubleStorage',
  'QInt8Storage',
  'QUInt8Storage',
  'QInt32Storage',
  'QUInt4x2Storage',
  'QUInt2x4Storage',
  'UntypedStorage',
];

/** What each of our dtypes is written as. */
const WRITE_STORAGE: Readonly<Record<DType, string>> = { float32: 'FloatStorage', float64: 'DoubleStorage', int32: 'LongStorage' };

const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';

/** The first bytes of a file of the legacy format (before 1.6): PROTO 2, then LONG1 of torch's magic number 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

// Typed arrays use the host's byte order; the format is little-endian, as is every platform Node ships for.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('@setr-ts/nn: .pth I/O needs a little-endian host');

/** A storage as the persistent id gives it. */
interface Storage {
  readonly typeName: string;
  readonly type: StorageType;
  readonly key: string;
  readonly numel: number;
}

/** A tensor as `_rebuild_tensor_v2` gives it: a view of a storage. */
interface TensorView {
  readonly storage: Storage;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
}

/** The error every reader check throws: it names the file (or `<bytes>`) and says what is wrong. */
function bad(source: string, what: string): Error {
  return new Error(`pth ${source}: ${what}`);
}

const isCount = (v: PyValue): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const fmtList = (list: readonly number[]) => `[${list.join(',')}]`;

/**
 * Parses and validates a `.pth` file's bytes (what `torch.save(model.state_dict(), f)` or a checkpoint
 * dict wrapping one writes). `source` names the file in error messages.
 * @example const { tensors, skipped } = decodePth(readFileSync('setr.pth'), 'setr.pth');
 */
export function decodePth(bytes: Uint8Array, source = '<bytes>'): PthContents {
  const fail = (what: string) => bad(source, what);
  if (LEGACY_MAGIC.every((b, i) => bytes[i] === b))
    throw fail(
      'the legacy torch.save format (PyTorch < 1.6, or _use_new_zipfile_serialization=False) is not read; load it in PyTorch and torch.save it again',
    );
  const zip = readStoredZip(bytes, fail);
  const first = zip.names[0];
  if (first === undefined) throw fail('the archive is empty (torch.save writes data.pkl and data/ records)');
  const slash = first.indexOf('/');
  if (slash <= 0) throw fail(`record '${first}' is not in a folder: torch.save puts every record in one top-level folder (e.g. archive/)`);
  const archiveName = first.slice(0, slash);
  const record = (name: string) => `${archiveName}/${name}`;
  if (zip.has(record('constants.pkl')))
    throw fail('a TorchScript archive (torch.jit.save), not a torch.save checkpoint: load it in PyTorch and torch.save its state_dict()');
  if (!zip.has(record('data.pkl'))) throw fail(`no record '${record('data.pkl')}': not an archive torch.save wrote`);
  if (zip.has(record('byteorder'))) {
    const order = new TextDecoder().decode(zip.read(record('byteorder'))).trim();
    if (order !== 'little') throw fail(`byteorder record says '${order.slice(0, 20)}': only little-endian checkpoints are read`);
  }

  const storages = new Map<string, Storage>();
  const pickleFail = (what: string) => fail(`data.pkl ${what}`);
  const persistentLoad = (pid: PyValue): PyValue => {
    const items = pid instanceof PyTuple ? pid.items : [];
    const [kind, cls, key, , numel] = items;
    if (items.length !== 5 || kind !== 'storage' || !(cls instanceof PyGlobal) || typeof key !== 'string' || typeof items[3] !== 'string')
      throw pickleFail(`persistent id is not ('storage', StorageClass, key, device, numel): ${describe(pid)}`);
    const type = STORAGE_TYPES.get(cls.name);
    if (type === undefined)
      throw pickleFail(
        `storage '${key}' is a ${cls.qualified}, which has no dtype here (readable: ${[...STORAGE_TYPES.keys()].join(', ')})`,
      );
    if (!isCount(numel)) throw pickleFail(`storage '${key}' has ${describe(numel)} elements, not a count`);
    const seen = storages.get(key);
    if (seen !== undefined && (seen.typeName !== cls.name || seen.numel !== numel))
      throw pickleFail(`storage '${key}' is both a ${seen.typeName} of ${seen.numel} and a ${cls.name} of ${numel} elements`);
    const storage = seen ?? { typeName: cls.name, type, key, numel };
    storages.set(key, storage);
    return new PyObject('storage', storage);
  };
  const rebuildTensor = (args: readonly PyValue[]): PyValue => {
    const [storage, offset, size, stride] = args;
    if (args.length < 6 || args.length > 7 || !(storage instanceof PyObject) || storage.type !== 'storage')
      throw pickleFail(
        `${REBUILD_TENSOR} takes (storage, offset, size, stride, requires_grad, hooks), got (${args.map(describe).join(', ')})`,
      );
    const counts = (v: PyValue) => (v instanceof PyTuple && v.items.every(isCount) ? (v.items as number[]) : undefined);
    const sizes = counts(size);
    const strides = counts(stride);
    if (!isCount(offset) || sizes === undefined || strides === undefined || sizes.length !== strides.length)
      throw pickleFail(
        `${REBUILD_TENSOR}: storage offset ${describe(offset)}, size ${describe(size)} and stride ${describe(stride)} are not a count and two tuples of counts of one length`,
      );
    return new PyObject<TensorView>('tensor', { storage: storage.value as Storage, offset, size: sizes, stride: strides });
  };
  const globals = new Map<string, ((args: readonly PyValue[]) => PyValue) | undefined>([
    [REBUILD_TENSOR, rebuildTensor],
    [
      REBUILD_PARAMETER,
      (args) => {
        if (!(args[0] instanceof PyObject) || args[0].type !== 'tensor')
          throw pickleFail(`${REBUILD_PARAMETER} takes (tensor, requires_grad, hooks), got (${args.map(describe).join(', ')})`);
        return args[0];
      },
    ],
    ...[...STORAGE_TYPES.keys(), ...UNREADABLE_STORAGES].map((name) => [`torch.${name}`, undefined] as const),
  ]);
  const top = unpickle(zip.read(record('data.pkl')), { globals, persistentLoad }, pickleFail);
  if (!(top instanceof PyDict)) throw fail(`data.pkl holds a ${pyTypeName(top)}, not a dict of tensors`);

  // mmengine's load_checkpoint: checkpoint['state_dict'] if present; mmseg's ViT also takes checkpoint['model']
  let root: PthContents['root'] = '';
  let state = top;
  const skipped: string[] = [];
  for (const key of ['state_dict', 'model'] as const) {
    const inner = top.entries.get(key);
    if (inner instanceof PyDict) {
      root = key;
      state = inner;
      for (const [k, v] of top.entries) if (k !== key) skipped.push(`${describeKey(k)} (${pyTypeName(v)})`);
      break;
    }
  }

  const decoded = new Map<string, ArrayLike<number> | BigInt64Array>();
  const storageElements = (s: Storage) => {
    let values = decoded.get(s.key);
    if (values === undefined) {
      const name = record(`data/${s.key}`);
      if (!zip.has(name)) throw fail(`no record '${name}' for storage '${s.key}'`);
      let data = zip.read(name);
      if (data.length !== s.numel * s.type.bytes)
        throw fail(`record '${name}' holds ${data.length} bytes; its ${s.typeName} of ${s.numel} elements needs ${s.numel * s.type.bytes}`);
      if (data.byteOffset % s.type.bytes !== 0) data = data.slice(); // a typed array must be aligned to its element size
      values = s.type.view(data);
      decoded.set(s.key, values);
    }
    return values;
  };

  const tensors: Record<string, TensorRecord> = {};
  const sourceDtypes: Record<string, string> = {};
  for (const [key, value] of state.entries) {
    if (typeof key !== 'string' || !(value instanceof PyObject) || value.type !== 'tensor') {
      skipped.push(`${root ? `${root}.` : ''}${describeKey(key)} (${pyTypeName(value)})`);
      continue;
    }
    const view = value.value as TensorView;
    setOwn(tensors, key, { dtype: view.storage.type.dtype, shape: [...view.size], values: gather(view, storageElements, key, fail) });
    setOwn(sourceDtypes, key, view.storage.type.torch);
  }
  const meta = root ? top.entries.get('meta') : undefined;
  const plainMeta = meta instanceof PyDict ? (toPlain(meta) as { [key: string]: PlainValue } | undefined) : undefined;
  return { tensors, sourceDtypes, root, skipped, archiveName, ...(plainMeta && { meta: plainMeta }) };
}

/** A tensor's elements, row-major, in its dtype: `storage[offset + Σ index_i · stride_i]`, bounds checked. */
function gather(
  view: TensorView,
  storageElements: (s: Storage) => ArrayLike<number> | BigInt64Array,
  name: string,
  fail: (what: string) => Error,
): TypedArray {
  const { storage, offset, size, stride } = view;
  const numel = size.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(numel)) throw fail(`tensor '${name}': size ${fmtList(size)} has 2^53 or more elements`);
  const out =
    storage.type.dtype === 'float32'
      ? new Float32Array(numel)
      : storage.type.dtype === 'float64'
        ? new Float64Array(numel)
        : new Int32Array(numel);
  if (numel === 0) return out;
  let last = offset; // the storage index of the tensor's last element
  for (let d = 0; d < size.length; d++) last += (size[d] - 1) * stride[d];
  if (last >= storage.numel)
    throw fail(
      `tensor '${name}': size ${fmtList(size)}, stride ${fmtList(stride)} at offset ${offset} reach element ${last} of storage '${storage.key}', which has ${storage.numel}`,
    );
  const raw = storageElements(storage);
  const convert = storage.type.convert;
  const rank = size.length;
  const contiguous = size.every((_, d) => size[d] === 1 || stride[d] === size.slice(d + 1).reduce((a, b) => a * b, 1));
  if (contiguous && convert === undefined) {
    out.set((raw as Float32Array).subarray(offset, offset + numel));
    return out;
  }
  const read = convert ? (i: number) => convert(raw[i]) : (i: number) => raw[i] as number;
  let j = 0; // the element being written, row-major
  try {
    if (rank === 0) {
      out[0] = read(offset);
      return out;
    }
    // an odometer over every dimension but the last; the last one is the inner loop
    const index = new Array<number>(rank - 1).fill(0);
    const inner = size[rank - 1];
    const innerStride = stride[rank - 1];
    let base = offset;
    for (;;) {
      for (let k = 0; k < inner; k++, j++) out[j] = read(base + k * innerStride);
      let d = rank - 2;
      for (; d >= 0; d--) {
        index[d]++;
        base += stride[d];
        if (index[d] < size[d]) break;
        base -= stride[d] * size[d];
        index[d] = 0;
      }
      if (d < 0) return out;
    }
  } catch (e) {
    throw fail(`tensor '${name}' element ${j}: ${(e as Error).message}`);
  }
}

/** A value for a message: short, one line. */
function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof PyTuple)
    return `(${v.items.slice(0, 8).map(describe).join(', ')}${v.items.length > 8 ? ', …' : v.items.length === 1 ? ',' : ''})`;
  return `a ${pyTypeName(v)}`;
}

/** A dict key for the list of skipped entries: a str as itself, anything else as Python would print it. */
function describeKey(k: PyValue): string {
  return typeof k === 'string' ? k : describe(k);
}

/** A value as plain JSON-like data, or undefined where it holds something else (a tensor, bytes, a non-str key, a huge int). */
function toPlain(v: PyValue): PlainValue | undefined {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof PyTuple || v instanceof PyList) {
    const items = v.items.map(toPlain);
    return items.includes(undefined) ? undefined : (items as PlainValue[]);
  }
  if (v instanceof PyDict) {
    const out: Record<string, PlainValue> = {};
    for (const [k, item] of v.entries) {
      const plain = toPlain(item);
      if (typeof k !== 'string' || plain === undefined) return undefined;
      setOwn(out, k, plain);
    }
    return out;
  }
  return undefined;
}

/**
 * Serialises tensors to `.pth` bytes that `torch.load` reads as an OrderedDict of tensors (or, with
 * `meta`, as a checkpoint dict holding it under 'state_dict'). Each tensor gets its own storage, written
 * contiguous; records are aligned to 64 bytes as torch aligns them.
 * @example writeFileSync('w.pth', encodePth({ w: { dtype: 'float32', shape: [2], values: new Float32Array([1, 2]) } }));
 */
export function encodePth(tensors: Record<string, TensorRecord>, opts: PthWriteOptions = {}): Uint8Array {
  const archive = opts.archiveName ?? 'archive';
  if (archive === '' || archive === '.' || archive === '..' || /[/\\\n\r]/.test(archive) || hasLoneSurrogate(archive))
    throw new Error(`encodePth: archive name '${archive}' must be a non-empty folder name without '/', '\\' or line breaks`);
  const integers = opts.integers ?? 'int64';
  if (integers !== 'int64' && integers !== 'int32') throw new Error(`encodePth: integers must be 'int64' or 'int32', got '${integers}'`);
  const names = Object.keys(tensors);
  const data: { name: string; data: Uint8Array }[] = [];
  for (const name of names) {
    const { dtype, shape, values } = tensors[name];
    if (!Object.hasOwn(WRITE_STORAGE, dtype))
      throw new Error(`encodePth: tensor '${name}' has dtype '${dtype}', not float32, float64 or int32`);
    const numel = shape.reduce((a, d) => a * d, 1);
    if (numel !== values.length) throw new Error(`encodePth: tensor '${name}' has ${values.length} values for shape ${fmtList(shape)}`);
    const stored = dtype === 'int32' && integers === 'int64' ? BigInt64Array.from(values, (v) => BigInt(v)) : values;
    data.push({ name: `${archive}/data/${data.length}`, data: new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength) });
  }

  const w = new PickleWriter();
  const orderedDict = () =>
    w
      .global('collections', 'OrderedDict')
      .tuple(0, () => {})
      .op(OP.REDUCE);
  const stateDict = () => {
    orderedDict();
    w.setItems(names.length, () => {
      names.forEach((name, key) => {
        const { dtype, shape } = tensors[name];
        const storage = dtype === 'int32' && integers === 'int32' ? 'IntStorage' : WRITE_STORAGE[dtype];
        // row-major strides: the last dimension's is 1
        const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
        w.string(name).global('torch._utils', '_rebuild_tensor_v2');
        w.tuple(6, () => {
          w.tuple(5, () => w.string('storage').global('torch', storage).string(String(key)).string('cpu').int(tensors[name].values.length));
          w.op(OP.BINPERSID);
          w.int(0); // storage offset
          w.intTuple(shape);
          w.intTuple(strides);
          w.bool(false); // requires_grad
          orderedDict(); // backward hooks
        });
        w.op(OP.REDUCE);
      });
    });
  };
  if (opts.meta !== undefined) {
    w.op(OP.EMPTY_DICT).setItems(2, () => {
      w.string('meta').value(opts.meta as PlainValue);
      w.string('state_dict');
      stateDict();
    });
  } else stateDict();

  const text = (s: string) => new TextEncoder().encode(s);
  return writeStoredZip([
    { name: `${archive}/data.pkl`, data: w.finish() },
    { name: `${archive}/byteorder`, data: text('little') },
    ...data,
    { name: `${archive}/version`, data: text('3\n') },
  ]);
}
