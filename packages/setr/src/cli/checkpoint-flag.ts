/** The `--checkpoint` flag (with `--config` for files that carry none): a trained model to evaluate or apply. */
import { loadConfig } from '../config-file.js';
import { loadTrainedModel, type TrainedModel } from '../model-file.js';
import { type Flags, type Parsed, required } from './args.js';

export const CHECKPOINT_FLAGS: Flags = {
  checkpoint: { type: 'string', help: 'a model file written by setr train (best.safetensors)' },
  config: { type: 'string', help: "the model's config, for a file that carries none" },
};

/** Builds and loads the model `--checkpoint` names (in evaluation mode). */
export function loadCheckpointFlag(command: string, p: Parsed): Promise<TrainedModel> {
  const path = required(command, p, 'checkpoint');
  return loadTrainedModel(path, p.values.config ? loadConfig(p.values.config as string) : undefined);
}
