/**
 * safetensors files in and out, for tensors: the format PyTorch (`safetensors.torch.save_file`) and
 * Hugging Face exchange weights in. The byte-level format and its validation live in
 * safetensors-format.ts; this file moves tensors to and from those records and does the file I/O.
 */
import { type Backend, fromTypedArray, type Tensor } from '@setr-ts/tensor';
import { staleTempFiles, writeFileAtomic } from './atomic-write.js';
import { readFileBytes } from './file-errors.js';
import { nodeModules } from './node-modules.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsWriteOptions, setOwn, type TensorRecord } from './safetensors-format.js';

/**
 * The bytes of a safetensors file holding `tensors` (and optional string metadata; `opts.integers`:
 * see {@link SafetensorsWriteOptions}): what {@link saveSafetensors} writes, for where there is no file
 * system (a browser keeps them in IndexedDB or offers them as a download). Async because a GPU
 * backend's values can only be read asynchronously.
 * @example const bytes = await tensorsToSafetensors({ 'head.weight': w }, { step: '1000' });
 */
export async function tensorsToSafetensors(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
  opts: SafetensorsWriteOptions = {},
): Promise<Uint8Array> {
  const records: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(tensors)) setOwn(records, name, { dtype: t.dtype, shape: t.shape, values: await t.data() });
  return encodeSafetensors(records, metadata, opts);
}

/**
 * Writes tensors (and optional string metadata) to a safetensors file, atomically (`opts.integers`:
 * see {@link SafetensorsWriteOptions}).
 * @example await saveSafetensors('ckpt.safetensors', { 'head.weight': w, 'head.bias': b }, { step: '1000' });
 */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
  opts: SafetensorsWriteOptions = {},
): Promise<void> {
  writeFileAtomic(path, await tensorsToSafetensors(tensors, metadata, opts));
}

/** Options of {@link loadSafetensors} and {@link readSafetensors}. */
export interface LoadOptions {
  /** Where the tensors are created; the current backend unless given. */
  backend?: Backend | string;
}

/** A safetensors file's tensors, by name, on the chosen backend (the caller owns them), and its `__metadata__` string pairs. */
export interface SafetensorsTensors {
  /** Every tensor of the file, by name. */
  tensors: Record<string, Tensor>;
  /** The file's `__metadata__` string pairs. */
  metadata: Record<string, string>;
}

/**
 * The tensors and metadata of a safetensors file's bytes (`source` names it in errors): what
 * {@link readSafetensors} does after reading the file, for bytes that were fetched or kept elsewhere.
 * All or nothing: a failure leaves no tensor behind.
 * @example const { tensors, metadata } = tensorsFromSafetensors(new Uint8Array(await res.arrayBuffer()), url);
 */
export function tensorsFromSafetensors(bytes: Uint8Array, source: string, opts: LoadOptions = {}): SafetensorsTensors {
  const contents = decodeSafetensors(bytes, source);
  const out: Record<string, Tensor> = {};
  for (const [name, r] of Object.entries(contents.tensors)) {
    try {
      setOwn(out, name, fromTypedArray(r.values, r.shape, r.dtype, opts.backend));
    } catch (e) {
      for (const t of Object.values(out)) t.dispose(); // all or nothing: no tensor outlives a failed read
      throw new Error(`safetensors ${source}: tensor '${name}': ${(e as Error).message}`, { cause: e });
    }
  }
  return { tensors: out, metadata: contents.metadata };
}

/**
 * Reads a safetensors file's tensors and metadata; see {@link loadSafetensors}. Temporary files that
 * an interrupted save left next to the file are mentioned: in the error if the read fails (the file
 * may be missing because the save was killed before its rename), else in a one-line warning.
 */
export async function readSafetensors(path: string, opts: LoadOptions = {}): Promise<SafetensorsTensors> {
  let contents: SafetensorsTensors;
  try {
    contents = tensorsFromSafetensors(await readFileBytes(path, 'readSafetensors'), path, opts);
  } catch (e) {
    const note = staleTempNote(path);
    if (note && e instanceof Error) e.message += `; ${note}`;
    throw e;
  }
  const note = staleTempNote(path);
  if (note) console.warn(`safetensors ${path}: ${note}`);
  return contents;
}

/** One line about the stale temporary files next to `path`, or '' when there are none. */
function staleTempNote(path: string): string {
  const stale = staleTempFiles(path);
  if (stale.length === 0) return '';
  const { fs, path: paths } = nodeModules('loadSafetensors');
  let bytes = 0;
  for (const f of stale) bytes += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  const files = stale.length === 1 ? 'a temporary file' : `${stale.length} temporary files`;
  return `an interrupted save left ${files} next to it (${stale.map((f) => paths.basename(f)).join(', ')}; ${(bytes / 1e6).toFixed(1)} MB), which the next save to this path removes`;
}

/**
 * Reads a safetensors file into a record of name → tensor. F32/F64/I32 load as float32/float64/int32;
 * F16 and BF16 widen to float32; I64 (PyTorch's default integer) narrows to int32, and a value out of
 * int32's range is an error. A malformed or truncated file is rejected with an error naming the file
 * and the field at fault.
 * @example const weights = await loadSafetensors('vit_base.safetensors');
 */
export async function loadSafetensors(path: string, opts: LoadOptions = {}): Promise<Record<string, Tensor>> {
  return (await readSafetensors(path, opts)).tensors;
}
