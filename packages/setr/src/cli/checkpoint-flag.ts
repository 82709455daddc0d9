/** The `--checkpoint` flag (with `--config` for files that carry none): a trained model to evaluate or apply. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config-file.js';
import { loadTrainedModel, type TrainedModel } from '../model-file.js';
import { type Flags, type Parsed, required } from './args.js';

export const CHECKPOINT_FLAGS: Flags = {
  checkpoint: { type: 'string', help: 'a model file written by setr train (best.safetensors)' },
  config: { type: 'string', help: "the model's config, for a file that carries none" },
  'allow-nonfinite': { type: 'boolean', help: 'load weights holding NaN or Inf (refused otherwise, naming the tensor)' },
};

/** Builds and loads the model `--checkpoint` names (in evaluation mode); a run folder given in its place is named as such. */
export function loadCheckpointFlag(command: string, p: Parsed): Promise<TrainedModel> {
  const path = required(command, p, 'checkpoint');
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new Error(`${command}: --checkpoint ${path} is a folder; give a model file, such as ${join(path, 'best.safetensors')}`);
  const config = p.values.config ? loadConfig(p.values.config as string) : undefined;
  return loadTrainedModel(path, config, { allowNonFinite: Boolean(p.values['allow-nonfinite']) });
}
