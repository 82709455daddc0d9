/**
 * `setr import --from mmseg --checkpoint CK [--config NAME|FILE] --out MODEL.safetensors`: an
 * mmsegmentation SETR checkpoint (`.pth` or `.safetensors`) as a SETR model file that `setr eval` and
 * `setr predict` read. A checkpoint `setr export` wrote carries its config; any other needs `--config`.
 */
import { loadConfig } from '../config-file.js';
import { importFromMmseg } from '../mmseg/mmseg-files.js';
import { modelMetadata } from '../model-file.js';
import { choice, type Flags, parse, required, usage } from './args.js';
import type { Command } from './command.js';

const flags: Flags = {
  from: { type: 'string', help: 'the format: mmseg (a .pth or .safetensors checkpoint with mmsegmentation 1.x names)' },
  checkpoint: { type: 'string', help: 'the checkpoint to read' },
  config: { type: 'string', help: "the model's SETR config (preset or JSON file), for a checkpoint that carries none" },
  out: { type: 'string', help: 'the model file to write (safetensors)' },
  help: { type: 'boolean', help: 'this text' },
};

export const importCommand: Command = {
  summary: 'read an mmsegmentation SETR checkpoint into a model file',
  help: () => usage('import', '--from mmseg --checkpoint FILE --out FILE [--config NAME|FILE]', flags),
  async run(argv, io) {
    const p = parse('import', argv, flags);
    choice('import', p, 'from', ['mmseg'] as const);
    const path = required('import', p, 'checkpoint');
    const out = required('import', p, 'out');
    const { model, config, classNames, palette } = await importFromMmseg(
      path,
      p.values.config ? loadConfig(p.values.config as string) : undefined,
    );
    try {
      await model.save(out, modelMetadata(config, classNames ?? [], palette ?? []));
      io.log(`wrote ${out} (${config.decoder.kind}, ${config.style} style, ${model.numParameters().toLocaleString('en-US')} parameters)`);
    } finally {
      model.dispose();
    }
  },
};
