/**
 * A trained model on disk: a safetensors state dict whose metadata carries the config it was built
 * from (and, from `setr train`, the class names and colours), so `setr eval` and `setr predict` need
 * nothing but the file. `trainedModelFromBytes` does the same from the file's bytes, where there is no
 * file system (a browser that fetched them). Weights holding NaN or ±Inf (a diverged run's, a damaged
 * file) are refused, naming the tensor: such a model predicts one class everywhere without a word.
 */
import { readSafetensors, tensorsFromSafetensors } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import { parseConfig, type SetrConfig } from './config.js';
import { Setr } from './model/segmentor.js';

/** A model rebuilt from a model file: the network with its weights loaded, and what the file says about it. */
export interface TrainedModel {
  /** The network, weights loaded, already in evaluation mode; the caller disposes it. */
  readonly model: Setr;
  /** The config it was built from: the file's own, or the one given in its place. */
  readonly config: SetrConfig;
  /** From the metadata when present. */
  readonly classNames: readonly string[] | null;
  /** An RGB colour per class, from the metadata when present (for drawing predictions). */
  readonly palette: readonly (readonly [number, number, number])[] | null;
}

/** Options of {@link loadTrainedModel} and {@link trainedModelFromBytes}. */
export interface LoadModelOptions {
  /** Load weights that hold NaN or ±Inf (refused by default, naming the tensor), e.g. to look at a diverged run. */
  allowNonFinite?: boolean;
}

/** The metadata a trained model file carries. */
export function modelMetadata(
  config: SetrConfig,
  classNames: readonly string[],
  palette: readonly (readonly number[])[],
): Record<string, string> {
  return { config: JSON.stringify(config), classNames: JSON.stringify(classNames), palette: JSON.stringify(palette) };
}

/**
 * Builds the model a checkpoint file describes and loads its weights. `config` replaces the file's
 * own (needed for files without one, such as a PyTorch export). Errors name the file.
 * @example const { model } = await loadTrainedModel('runs/pup/best.safetensors');
 */
export async function loadTrainedModel(path: string, config?: SetrConfig, opts: LoadModelOptions = {}): Promise<TrainedModel> {
  const { tensors, metadata } = await readSafetensors(path, { backend: 'reference' });
  return buildTrainedModel(path, tensors, metadata, config, opts);
}

/**
 * `setr predict`'s loading of a model file, from the file's bytes (`name` is for messages): how a browser
 * loads a checkpoint it fetched or was given. The bytes may come as a `Uint8Array` or as the
 * `ArrayBuffer` that `fetch` and `FileReader` give. The model is built on the current backend.
 * @example const { model } = trainedModelFromBytes(await (await fetch(url)).arrayBuffer(), url);
 */
export function trainedModelFromBytes(
  bytes: Uint8Array | ArrayBuffer,
  name: string,
  config?: SetrConfig,
  opts: LoadModelOptions = {},
): TrainedModel {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer))
    throw new Error(
      `trainedModelFromBytes: ${name}: the bytes must be a Uint8Array or an ArrayBuffer, got ${Object.prototype.toString.call(bytes)}`,
    );
  const { tensors, metadata } = tensorsFromSafetensors(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), name, {
    backend: 'reference',
  });
  return buildTrainedModel(name, tensors, metadata, config, opts);
}

/**
 * Refuses a state dict with NaN or ±Inf in a floating-point tensor, naming the first such tensor and
 * counting the others.
 */
function refuseNonFinite(path: string, tensors: Record<string, Tensor>): void {
  const bad: string[] = [];
  let first = '';
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype === 'int32') continue;
    const values = t.dataSync();
    let count = 0;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
    if (count === 0) continue;
    if (bad.length === 0) first = `tensor '${name}' has ${count} of its ${values.length} values NaN or infinite`;
    bad.push(name);
  }
  if (bad.length === 0) return;
  const more =
    bad.length > 1
      ? ` (and ${bad.length - 1} more tensor${bad.length > 2 ? 's' : ''}: ${bad.slice(1, 4).join(', ')}${bad.length > 4 ? ', …' : ''})`
      : '';
  throw new Error(
    `${path}: ${first}${more}; such a model predicts one class everywhere (a diverged run? a damaged file?). ` +
      'To load it anyway: allowNonFinite (setr: --allow-nonfinite)',
  );
}

/** The model from a state dict and its file's metadata; disposes the state dict's tensors. */
function buildTrainedModel(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
  config: SetrConfig | undefined,
  opts: LoadModelOptions,
): TrainedModel {
  try {
    if (!opts.allowNonFinite) refuseNonFinite(path, tensors);
    const parse = (key: string) => {
      try {
        return metadata[key] === undefined ? null : JSON.parse(metadata[key]);
      } catch (e) {
        throw new Error(`${path}: metadata '${key}' is not JSON (${(e as Error).message})`);
      }
    };
    const raw = parse('config');
    if (!config && raw === null) throw new Error(`${path}: the file carries no config; give one with --config`);
    const c = config ?? parseConfig(raw, `${path} (metadata 'config')`);
    const model = new Setr(c);
    try {
      model.loadStateDict(tensors);
    } catch (e) {
      model.dispose();
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    return { model: model.eval(), config: c, classNames: parse('classNames'), palette: parse('palette') };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
