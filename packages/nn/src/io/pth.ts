/**
 * PyTorch checkpoints (`.pth`, torch.save's ZIP format) in and out, for tensors: what mmsegmentation's
 * tools and `torch.load` read. The byte-level format, the restricted unpickler and their validation
 * live in pth-format.ts; this file moves tensors to and from its records and does the file I/O.
 */
import { fromTypedArray, type Tensor } from '@setr-ts/tensor';
import { writeFileAtomic } from './atomic-write.js';
import { readFileBytes } from './file-errors.js';
import { nodeModules } from './node-modules.js';
import { decodePth, encodePth, type PthContents, type PthWriteOptions } from './pth-format.js';
import type { LoadOptions } from './safetensors.js';
import { setOwn, type TensorRecord } from './safetensors-format.js';

/**
 * The `.pth` bytes of a state dict: `torch.load` gives back an OrderedDict of these tensors (float32 →
 * torch.float32, float64 → torch.float64, int32 → torch.int64 unless `integers: 'int32'`), or with
 * `meta` an mmengine-style checkpoint `{'meta': ..., 'state_dict': ...}`. Async because a GPU backend's
 * values can only be read asynchronously.
 * @example const bytes = await serializePth(model.stateDict(), { meta: { iter: 160000 } });
 */
export async function serializePth(state: Record<string, Tensor>, opts: PthWriteOptions = {}): Promise<Uint8Array> {
  const records: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(state)) setOwn(records, name, { dtype: t.dtype, shape: t.shape, values: await t.data() });
  return encodePth(records, opts);
}

/** Tensors from decoded records, all or nothing: on an error no tensor is left alive. */
function toTensors(contents: PthContents, source: string, opts: LoadOptions): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, r] of Object.entries(contents.tensors)) {
    try {
      setOwn(out, name, fromTypedArray(r.values, r.shape, r.dtype, opts.backend));
    } catch (e) {
      for (const t of Object.values(out)) t.dispose();
      throw new Error(`pth ${source}: tensor '${name}': ${(e as Error).message}`, { cause: e });
    }
  }
  return out;
}

/**
 * The state dict in a `.pth` file's bytes, as tensors (see {@link loadPth} for what is read). `source`
 * names the file in error messages.
 * @example const weights = parsePth(new Uint8Array(await (await fetch('setr.pth')).arrayBuffer()), 'setr.pth');
 */
export function parsePth(bytes: Uint8Array, source = '<bytes>', opts: LoadOptions = {}): Record<string, Tensor> {
  return toTensors(decodePth(bytes, source), source, opts);
}

/**
 * Writes a state dict to a `.pth` file that `torch.load` reads, atomically (temp file, fsync, rename).
 * As torch.save does, the archive's folder is named after the file (`setr.pth` → `setr/`).
 * @example await savePth('setr_vit-l_mla.pth', model.stateDict(), { meta: { iter: 160000 } });
 */
export async function savePth(path: string, state: Record<string, Tensor>, opts: PthWriteOptions = {}): Promise<void> {
  const stem = nodeModules('savePth').path.parse(path).name;
  writeFileAtomic(path, await serializePth(state, { archiveName: stem === '' ? 'archive' : stem, ...opts }));
}

/**
 * Reads a `.pth` file: its state dict's tensors, and what else the file held (see {@link PthContents}:
 * the skipped entries, a checkpoint's `meta`, each tensor's dtype in the file).
 */
export async function readPth(
  path: string,
  opts: LoadOptions = {},
): Promise<
  Omit<PthContents, 'tensors'> & {
    /** The state dict's tensors on the chosen backend; the caller owns them. */ tensors: Record<string, Tensor>;
  }
> {
  const contents = decodePth(await readFileBytes(path, 'readPth'), path);
  return { ...contents, tensors: toTensors(contents, path, opts) };
}

/**
 * Reads a `.pth` file's state dict into a record of name → tensor: a state dict as
 * `torch.save(model.state_dict(), f)` writes it, or a checkpoint dict holding one under 'state_dict'
 * (mmengine, mmsegmentation) or 'model' (timm, DeiT); other entries are skipped ({@link readPth} lists
 * them). float32, float64 and int32 load as themselves, float16/bfloat16 widen to float32, int64
 * narrows to int32 (range-checked), int16/int8/uint8/bool widen to int32. Nothing in the file is
 * executed: a pickle asking for anything but tensors and plain values is refused, naming what it asks.
 * @example const weights = await loadPth('setr_vit-l_mla_8x1_768x768_80k_cityscapes.pth');
 */
export async function loadPth(path: string, opts: LoadOptions = {}): Promise<Record<string, Tensor>> {
  return (await readPth(path, opts)).tensors;
}
