/**
 * The safetensors file format (Hugging Face; what PyTorch checkpoints are exchanged in), as bytes ↔
 * arrays, with no tensors and no files involved. A file is:
 *
 *   [8 bytes: N, unsigned little-endian] [N bytes: UTF-8 JSON header] [data: raw little-endian values]
 *
 * The header maps each tensor name to `{ "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }`
 * (offsets into the data section) and may hold `"__metadata__": { string: string }`. A valid file has
 * its tensors tile the data section exactly: no gaps, no overlaps, nothing after the last one. The
 * reader checks all of that, so a malformed or truncated file gives an error naming the file and the
 * field at fault instead of a crash or garbage weights. The header's JSON is read strictly (duplicate
 * keys, a byte-order mark, lone surrogates are errors) by safetensors-header.ts.
 */
import type { DType, TypedArray } from '@setr-ts/tensor';
import { type HeaderEntry, readHeader } from './safetensors-header.js';

/** One tensor as the format sees it: a dtype of ours, a shape, and row-major values. */
export interface TensorRecord {
  /** The dtype the values are in (the file's dtype widened or narrowed to one of ours on decode). */
  readonly dtype: DType;
  /** The tensor's shape; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The elements, row-major; their count is the shape's size. */
  readonly values: TypedArray;
}

/** Options of {@link encodeSafetensors}. */
export interface SafetensorsWriteOptions {
  /**
   * How int32 tensors are stored: as `I32` (the default) or widened to `I64`, PyTorch's default integer
   * (the dtype of its BatchNorm's `num_batches_tracked`), for a file whose dtypes must be PyTorch's own.
   */
  readonly integers?: 'int32' | 'int64';
}

/** A whole safetensors file in memory, as `decodeSafetensors` returns it and `encodeSafetensors` takes it. */
export interface SafetensorsContents {
  /** Every tensor of the file, by name (e.g. `blocks.0.attn.qkv.weight`). */
  readonly tensors: Record<string, TensorRecord>;
  /** The header's `__metadata__`: free-form string pairs (empty when the file has none). */
  readonly metadata: Record<string, string>;
}

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length must not allocate gigabytes). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * How each file dtype becomes one of ours. Narrow integers and booleans widen to int32; I64 narrows to
 * int32 with a range check; F16 and BF16 widen to float32 (exactly: every half is a float32).
 */
interface FileDType {
  readonly bytes: number;
  readonly dtype: DType;
  /** Decodes little-endian bytes (an aligned copy) into a new array of `dtype`; `name` is for errors. */
  readonly decode: (bytes: ArrayBuffer, name: string) => TypedArray;
}

const widen =
  <A extends ArrayLike<number>>(make: (b: ArrayBuffer) => A) =>
  (bytes: ArrayBuffer): TypedArray =>
    Int32Array.from(make(bytes));

const FILE_DTYPES: Readonly<Record<string, FileDType>> = {
  F32: { bytes: 4, dtype: 'float32', decode: (b) => new Float32Array(b) },
  F64: { bytes: 8, dtype: 'float64', decode: (b) => new Float64Array(b) },
  I32: { bytes: 4, dtype: 'int32', decode: (b) => new Int32Array(b) },
  I64: { bytes: 8, dtype: 'int32', decode: decodeI64 },
  F16: { bytes: 2, dtype: 'float32', decode: (b) => Float32Array.from(new Uint16Array(b), halfToFloat) },
  BF16: { bytes: 2, dtype: 'float32', decode: (b) => Float32Array.from(new Uint16Array(b), bfloat16ToFloat) },
  I16: { bytes: 2, dtype: 'int32', decode: widen((b) => new Int16Array(b)) },
  U16: { bytes: 2, dtype: 'int32', decode: widen((b) => new Uint16Array(b)) },
  I8: { bytes: 1, dtype: 'int32', decode: widen((b) => new Int8Array(b)) },
  U8: { bytes: 1, dtype: 'int32', decode: widen((b) => new Uint8Array(b)) },
  BOOL: { bytes: 1, dtype: 'int32', decode: widen((b) => new Uint8Array(b)) },
};

/** What each of our dtypes is written as (int32 stays I32; PyTorch reads it and casts on load_state_dict). */
const WRITE_DTYPE: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int32: 'I32' };

// Typed arrays use the host's byte order; safetensors is little-endian, and so is every platform Node ships for.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('@setr-ts/nn: safetensors I/O needs a little-endian host');

function decodeI64(bytes: ArrayBuffer, name: string): TypedArray {
  const wide = new BigInt64Array(bytes);
  const out = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) {
    const v = wide[i];
    if (v < -2147483648n || v > 2147483647n) throw new Error(`tensor '${name}': I64 value ${v} at index ${i} does not fit int32`);
    out[i] = Number(v);
  }
  return out;
}

/** IEEE 754 binary16 bits → number: sign, 5-bit exponent (bias 15), 10-bit fraction. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal: 0.frac × 2^-14
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 is the top half of a float32. */
export function bfloat16ToFloat(h: number): number {
  return new Float32Array(new Uint32Array([h << 16]).buffer)[0];
}

/** The error every reader check throws: it names the file (or `<bytes>`) and says what is wrong. */
function bad(source: string, what: string): Error {
  return new Error(`safetensors ${source}: ${what}`);
}

/**
 * Sets `record[key]` as an own property even when `key` is `__proto__` (where plain assignment would
 * set the prototype instead, and the entry would vanish). Every record of names built here uses it.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A shape (or offsets) for a message: the first 8 numbers, and how many there are when there are more. */
function fmtList(list: readonly number[]): string {
  return list.length <= 8 ? `[${list.join(',')}]` : `[${list.slice(0, 8).join(',')},… (${list.length} in all)]`;
}

/** A string with lone surrogates (not valid Unicode, so not writable as UTF-8). */
export const hasLoneSurrogate = (s: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

interface Entry {
  readonly name: string;
  readonly info: FileDType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/** Checks that one header entry's dtype is known and that its byte span matches shape × dtype size. */
function checkEntry(source: string, { name, dtype, shape, offsets }: HeaderEntry): Entry {
  if (!Object.hasOwn(FILE_DTYPES, dtype))
    throw bad(source, `tensor '${name}': unknown dtype '${dtype}' (readable: ${Object.keys(FILE_DTYPES).join(', ')})`);
  const info = FILE_DTYPES[dtype];
  if (offsets.length !== 2 || offsets[0] > offsets[1]) {
    throw bad(source, `tensor '${name}': data_offsets ${fmtList(offsets)} is not a pair [begin, end] of integers with begin <= end`);
  }
  const [begin, end] = offsets;
  let bytes = info.bytes;
  for (const d of shape) bytes *= d;
  if (shape.includes(0)) bytes = 0; // exactly, even where the other dims' product overflowed
  if (!Number.isSafeInteger(bytes)) throw bad(source, `tensor '${name}': shape ${fmtList(shape)} of ${dtype} needs at least 2^53 bytes`);
  if (bytes !== end - begin) {
    throw bad(
      source,
      `tensor '${name}': shape ${fmtList(shape)} of ${dtype} needs ${bytes} bytes, data_offsets [${begin},${end}] span ${end - begin}`,
    );
  }
  return { name, info, shape, begin, end };
}

/**
 * Checks that the entries tile the data section `[0, dataBytes)` exactly. Overruns are reported
 * first (a truncated file is the common case), then overlaps, gaps and trailing bytes.
 */
function checkLayout(source: string, entries: Entry[], dataBytes: number): void {
  for (const e of entries) {
    if (e.end > dataBytes)
      throw bad(
        source,
        `tensor '${e.name}': data_offsets [${e.begin},${e.end}] run past the end of the data section (${dataBytes} bytes; truncated file?)`,
      );
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev = '';
  for (const e of sorted) {
    if (e.begin < pos)
      throw bad(source, `tensor '${e.name}' (data_offsets [${e.begin},${e.end}]) overlaps tensor '${prev}' (which ends at ${pos})`);
    if (e.begin > pos) throw bad(source, `gap of ${e.begin - pos} bytes before tensor '${e.name}' (data_offsets [${e.begin},${e.end}])`);
    pos = e.end;
    prev = e.name;
  }
  if (pos !== dataBytes) throw bad(source, `${dataBytes - pos} bytes after the last tensor are not described by the header`);
}

/**
 * Parses and validates a safetensors file's bytes. `source` names the file in error messages.
 * @example const { tensors, metadata } = decodeSafetensors(readFileSync('model.safetensors'), 'model.safetensors');
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContents {
  if (bytes.length < 8) throw bad(source, `file is ${bytes.length} bytes, too short to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen < 2n || headerLen > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw bad(source, `header length ${headerLen} is impossible (file is ${bytes.length} bytes; at most ${MAX_HEADER_BYTES} allowed)`);
  }
  const n = Number(headerLen);
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, for the header reader to refuse (by default it is dropped silently)
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch (e) {
    throw bad(source, `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  const header = readHeader(text, (what) => bad(source, what));
  const entries = header.entries.map((e) => checkEntry(source, e));
  const dataStart = 8 + n;
  checkLayout(source, entries, bytes.length - dataStart);
  const tensors: Record<string, TensorRecord> = {};
  const metadata: Record<string, string> = {};
  for (const [key, value] of header.metadata) setOwn(metadata, key, value);
  for (const e of entries) {
    // copy into a fresh ArrayBuffer, aligned for any typed array (the data need not be aligned in the file,
    // and a Node Buffer's slice() would be a view of a shared pool, not a copy)
    const chunk = new Uint8Array(bytes.subarray(dataStart + e.begin, dataStart + e.end)).buffer;
    let values: TypedArray;
    try {
      values = e.info.decode(chunk, e.name);
    } catch (err) {
      throw bad(source, (err as Error).message);
    }
    setOwn(tensors, e.name, { dtype: e.info.dtype, shape: e.shape, values });
  }
  return { tensors, metadata };
}

/**
 * Serialises tensors to safetensors bytes. Tensors are laid out widest dtype first, then by name (as
 * the reference writer does), and the header is padded with spaces to a multiple of 8 bytes, so every
 * tensor starts aligned to its element size.
 * @example writeFileSync('a.safetensors', encodeSafetensors({ w: { dtype: 'float32', shape: [2], values: new Float32Array([1, 2]) } }));
 */
export function encodeSafetensors(
  tensors: Record<string, TensorRecord>,
  metadata: Record<string, string> = {},
  opts: SafetensorsWriteOptions = {},
): Uint8Array {
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new Error(`encodeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    if (hasLoneSurrogate(k) || hasLoneSurrogate(v))
      throw new Error(`encodeSafetensors: metadata '${k}' has a lone surrogate (not valid Unicode)`);
  }
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (name === '' || name === '__metadata__') throw new Error(`encodeSafetensors: '${name}' cannot name a tensor`);
    if (hasLoneSurrogate(name)) throw new Error(`encodeSafetensors: tensor name '${name}' has a lone surrogate (not valid Unicode)`);
    const numel = t.shape.reduce((a, d) => a * d, 1);
    if (numel !== t.values.length)
      throw new Error(`encodeSafetensors: tensor '${name}' has ${t.values.length} values for shape [${t.shape.join(',')}]`);
  }
  // what each tensor is stored as: its own dtype, or int32 widened to I64 when asked
  const stored = new Map(
    names.map((name) => {
      const { dtype, values } = tensors[name];
      const wide = opts.integers === 'int64' && dtype === 'int32';
      return [
        name,
        wide ? { code: 'I64', bytes: BigInt64Array.from(values, (v) => BigInt(v)) } : { code: WRITE_DTYPE[dtype], bytes: values },
      ];
    }),
  );
  const width = (name: string) => stored.get(name)?.bytes.BYTES_PER_ELEMENT ?? 0;
  names.sort((a, b) => width(b) - width(a) || (a < b ? -1 : a > b ? 1 : 0));
  // the header as a list of `"key":value` members (not an object, where a tensor named __proto__ would vanish)
  const members: string[] = [];
  if (Object.keys(metadata).length > 0) members.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let pos = 0;
  for (const name of names) {
    const { code, bytes: values } = stored.get(name) as { code: string; bytes: TypedArray | BigInt64Array };
    const info = { dtype: code, shape: tensors[name].shape, data_offsets: [pos, pos + values.byteLength] };
    members.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    pos += values.byteLength;
  }
  const text = `{${members.join(',')}}`;
  const unpadded = new TextEncoder().encode(text).length;
  const json = new TextEncoder().encode(text + ' '.repeat(Math.ceil(unpadded / 8) * 8 - unpadded));
  const out = new Uint8Array(8 + json.length + pos);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const v = (stored.get(name) as { bytes: TypedArray | BigInt64Array }).bytes;
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  return out;
}
