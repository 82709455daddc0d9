/**
 * `setr forward --config NAME|FILE --weights W.safetensors --input X.safetensors --output Y.safetensors`:
 * runs the model in evaluation mode on the tensor `input` (N, 3, H, W, already normalised) and writes
 * `logits` and `aux.{j}` (every auxiliary head, all at the input size). This is how the model's
 * numerics are compared with PyTorch's (scripts/gen_fixtures.py --forward does the same there).
 */
import { noGrad, tidy } from '@setr-ts/autograd';
import { readSafetensors, saveSafetensors } from '@setr-ts/nn';
import { type Backend, type Tensor, toBackend } from '@setr-ts/tensor';
import { loadConfig } from '../config-file.js';
import { Setr } from '../model/segmentor.js';
import { COMMON_FLAGS, type Flags, parse, required, usage } from './args.js';
import { useBackendFlag } from './backend-flag.js';
import type { Command } from './command.js';

/** The tensor `input` of a safetensors file, checked to be [N, 3, H, W], as float32 on `backend`. */
async function readInput(path: string, backend: Backend): Promise<Tensor> {
  const { tensors } = await readSafetensors(path, { backend: 'reference' });
  try {
    const input = tensors.input;
    if (!input) throw new Error(`${path}: no tensor named 'input' (found: ${Object.keys(tensors).join(', ') || 'none'})`);
    if (input.shape.length !== 4 || input.shape[1] !== 3)
      throw new Error(`${path}: tensor 'input' must be [N, 3, H, W], got [${input.shape.join(',')}]`);
    return tidy(() => toBackend(input.to('float32'), backend));
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

const flags: Flags = {
  config: { type: 'string', help: 'a preset name or a JSON config file' },
  weights: { type: 'string', help: "the model's state dict (safetensors, the names of `setr params`' modules)" },
  input: { type: 'string', help: 'a safetensors file with a tensor `input` [N, 3, H, W] (normalised; H, W multiples of the patch)' },
  output: { type: 'string', help: 'where to write `logits` and `aux.{j}` [N, K, H, W] (safetensors, float32)' },
  ...COMMON_FLAGS,
};

export const forward: Command = {
  summary: 'run a model on a tensor file and write its logits (to compare with PyTorch)',
  help: () => usage('forward', '--config NAME|FILE --weights FILE --input FILE --output FILE [--backend NAME]', flags),
  async run(argv, io) {
    const p = parse('forward', argv, flags);
    const [configName, weightsPath, inputPath, outputPath] = ['config', 'weights', 'input', 'output'].map((f) => required('forward', p, f));
    const backend = await useBackendFlag('forward', p.values.backend);
    const config = loadConfig(configName);
    const model = new Setr(config).eval();
    try {
      await model.load(weightsPath);
      const input = await readInput(inputPath, backend);
      const outputs = tidy(() =>
        noGrad(() => {
          const out = model.forward(input, { aux: true });
          const named: Record<string, Tensor> = { logits: out.logits.data };
          out.aux.forEach((a, j) => {
            named[`aux.${j}`] = a.data;
          });
          return named;
        }),
      );
      input.dispose();
      await saveSafetensors(outputPath, outputs, { config: JSON.stringify(config) });
      for (const t of Object.values(outputs)) t.dispose();
      io.log(`wrote ${Object.keys(outputs).join(', ')} [${outputs.logits.shape.join(',')}] to ${outputPath}`);
    } finally {
      model.dispose();
    }
  },
};
