/**
 * A trained model on disk: a safetensors state dict whose metadata carries the config it was built
 * from (and, from `setr train`, the class names and colours), so `setr eval` and `setr predict` need
 * nothing but the file.
 */
import { readSafetensors } from '@setr-ts/nn';
import { parseConfig, type SetrConfig } from './config.js';
import { Setr } from './model/segmentor.js';

export interface TrainedModel {
  readonly model: Setr;
  readonly config: SetrConfig;
  /** From the metadata when present. */
  readonly classNames: readonly string[] | null;
  readonly palette: readonly (readonly [number, number, number])[] | null;
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
export async function loadTrainedModel(path: string, config?: SetrConfig): Promise<TrainedModel> {
  const { tensors, metadata } = await readSafetensors(path, { backend: 'reference' });
  try {
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
