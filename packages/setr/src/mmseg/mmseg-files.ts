/**
 * `setr export --to mmseg` and `setr import --from mmseg` as library calls (Node: they write and read
 * files). An export is three files in one folder, what mmsegmentation's tools take:
 *
 *   config.py            the model's mmseg config (config-py.ts)
 *   weights.pth          the state dict under mmseg's names, in PyTorch's zip format, as mmengine's
 *                        checkpoints are: {'meta': {'dataset_meta': {classes, palette}, 'setr_config'}, 'state_dict'}
 *   weights.safetensors  the same tensors, with the SETR config and class names in its metadata
 *
 *   python tools/test.py config.py weights.pth      (with a dataset added to config.py)
 *
 * An import reads either file back (or any mmseg SETR checkpoint, given the matching SETR config).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPth, readSafetensors, savePth, saveSafetensors, writeFileAtomic } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import { parseConfig, type SetrConfig } from '../config.js';
import { Setr } from '../model/segmentor.js';
import type { TrainedModel } from '../model-file.js';
import { mmsegConfigFile } from './config-py.js';
import { fromMmseg } from './from-mmseg.js';
import { toMmseg } from './to-mmseg.js';

/** What {@link exportToMmseg} wrote, and the notes of what it changed to carry the model. */
export interface MmsegExport {
  /** The path of the mmseg config file written (`config.py`). */
  readonly config: string;
  /** The path of the mmengine checkpoint written (`weights.pth`). */
  readonly pth: string;
  /** The path of the same weights as safetensors (`weights.safetensors`). */
  readonly safetensors: string;
  /** One line per official-style detail changed to carry the model (empty for an mmseg-style one). */
  readonly notes: readonly string[];
}

/**
 * Writes `dir/config.py`, `dir/weights.pth` and `dir/weights.safetensors` for mmsegmentation 1.x;
 * throws, naming the details, for a model mmseg cannot build (an official-style MLA).
 * @example const { notes } = await exportToMmseg(await loadTrainedModel('runs/pup/best.safetensors'), 'mmseg-pup/');
 */
export async function exportToMmseg(trained: TrainedModel, dir: string): Promise<MmsegExport> {
  const { model, config, classNames, palette } = trained;
  const { state, notes } = toMmseg(model);
  try {
    const text = mmsegConfigFile(config);
    mkdirSync(dir, { recursive: true });
    const files = { config: join(dir, 'config.py'), pth: join(dir, 'weights.pth'), safetensors: join(dir, 'weights.safetensors') };
    writeFileAtomic(files.config, new TextEncoder().encode(text));
    const datasetMeta = { classes: classNames ?? [], palette: (palette ?? []).map((c) => [...c]) };
    await savePth(files.pth, state, { meta: { dataset_meta: datasetMeta, setr_config: JSON.stringify(config) } });
    const metadata: Record<string, string> = { format: 'pt', config: JSON.stringify(config) };
    if (classNames) metadata.classNames = JSON.stringify(classNames);
    if (palette) metadata.palette = JSON.stringify(palette);
    await saveSafetensors(files.safetensors, state, metadata, { integers: 'int64' }); // num_batches_tracked as PyTorch's int64
    return { ...files, notes };
  } finally {
    for (const t of Object.values(state)) t.dispose();
  }
}

/** A checkpoint's tensors and what it says of the model: its SETR config, class names and colours. */
async function readMmsegCheckpoint(
  path: string,
): Promise<{ tensors: Record<string, Tensor>; config: unknown; classNames: unknown; palette: unknown }> {
  const json = (text: string | undefined, what: string) => {
    try {
      return text === undefined ? null : JSON.parse(text);
    } catch (e) {
      throw new Error(`${path}: ${what} is not JSON (${(e as Error).message})`);
    }
  };
  if (path.endsWith('.safetensors')) {
    const { tensors, metadata } = await readSafetensors(path, { backend: 'reference' });
    return {
      tensors,
      config: json(metadata.config, "metadata 'config'"),
      classNames: json(metadata.classNames, "metadata 'classNames'"),
      palette: json(metadata.palette, "metadata 'palette'"),
    };
  }
  const { tensors, meta } = await readPth(path, { backend: 'reference' });
  const dataset = (meta?.dataset_meta ?? {}) as { classes?: unknown; palette?: unknown };
  const setrConfig = meta?.setr_config;
  return {
    tensors,
    config: json(typeof setrConfig === 'string' ? setrConfig : undefined, "meta 'setr_config'"),
    classNames: dataset.classes ?? null,
    palette: dataset.palette ?? null,
  };
}

/**
 * Reads an mmseg SETR checkpoint (`.pth` or `.safetensors`) into a SETR model, in evaluation mode.
 * `config` is needed for a checkpoint that does not carry one (any not written by {@link exportToMmseg}).
 * @example const { model } = await importFromMmseg('mmseg-pup/weights.pth');
 */
export async function importFromMmseg(path: string, config?: SetrConfig): Promise<TrainedModel> {
  const file = await readMmsegCheckpoint(path);
  try {
    if (!config && file.config === null) throw new Error(`${path}: the checkpoint carries no SETR config; give one with --config`);
    const c = config ?? parseConfig(file.config, `${path} (its SETR config)`);
    const model = new Setr(c);
    const mapped = fromMmseg(file.tensors, c, path);
    const read = new Set(Object.values(file.tensors));
    try {
      model.loadStateDict(mapped);
    } catch (e) {
      model.dispose();
      throw new Error(`${path}: ${(e as Error).message}`);
    } finally {
      for (const t of Object.values(mapped)) if (!read.has(t)) t.dispose(); // the zeros fromMmseg added
    }
    const names = Array.isArray(file.classNames) && file.classNames.length ? (file.classNames as string[]) : null;
    const palette = Array.isArray(file.palette) && file.palette.length ? (file.palette as [number, number, number][]) : null;
    return { model: model.eval(), config: c, classNames: names, palette };
  } finally {
    for (const t of Object.values(file.tensors)) t.dispose();
  }
}
