/**
 * safetensors files in and out, for tensors: the format PyTorch (`safetensors.torch.save_file`) and
 * Hugging Face exchange weights in. The byte-level format and its validation live in
 * safetensors-format.ts; this file moves tensors to and from those records and does the file I/O.
 */
import { readFile } from 'node:fs/promises';
import { type Backend, fromTypedArray, type Tensor } from '@setr-ts/tensor';
import { writeFileAtomic } from './atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type TensorRecord } from './safetensors-format.js';

/**
 * Writes tensors (and optional string metadata) to a safetensors file, atomically. Async because a
 * GPU backend's values can only be read asynchronously.
 * @example await saveSafetensors('ckpt.safetensors', { 'head.weight': w, 'head.bias': b }, { step: '1000' });
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  const records: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(tensors)) records[name] = { dtype: t.dtype, shape: t.shape, values: await t.data() };
  writeFileAtomic(path, encodeSafetensors(records, metadata));
}

export interface LoadOptions {
  /** Where the tensors are created; the current backend unless given. */
  backend?: Backend | string;
}

/** Reads a safetensors file's tensors and metadata; see {@link loadSafetensors}. */
export async function readSafetensors(
  path: string,
  opts: LoadOptions = {},
): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
  const out: Record<string, Tensor> = {};
  for (const [name, r] of Object.entries(tensors)) out[name] = fromTypedArray(r.values, r.shape, r.dtype, opts.backend);
  return { tensors: out, metadata };
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
