/**
 * `setr params --config NAME|FILE [--json]`: the parameter count of a model, per top-level module and
 * in total, without allocating its weights (the model is built with `shapesOnly`).
 */
import { shapesOnly } from '@setr-ts/nn';
import { loadConfig } from '../config-file.js';
import { Setr } from '../model/segmentor.js';
import { countParameters } from '../parameter-count.js';
import { type Flags, parse, required, usage } from './args.js';
import type { Command } from './command.js';

const flags: Flags = {
  config: { type: 'string', help: 'a preset name (setr-tiny-pup, setr-pup-vit-large-ade20k, ...) or a JSON config file' },
  json: {
    type: 'boolean',
    help: 'print one JSON object: {"total": n, "backbone": n, "decode_head": n, "auxiliary_head": n} (MLA: also "neck")',
  },
  help: { type: 'boolean', help: 'this text' },
};

export const params: Command = {
  summary: 'count the parameters of a model, per module',
  help: () => usage('params', '--config NAME|FILE [--json]', flags),
  async run(argv, io) {
    const p = parse('params', argv, flags);
    const name = required('params', p, 'config');
    const config = loadConfig(name);
    const model = shapesOnly(() => new Setr(config));
    const { total, modules } = countParameters(model);
    model.dispose();
    if (p.values.json) return io.log(JSON.stringify({ total, ...modules }));
    const rows = [...Object.entries(modules), ['total', total] as const];
    io.log(
      `${name} (${config.decoder.kind}, ${config.style} style, ${config.depth} blocks of width ${config.embedDim}, ${config.numClasses} classes)`,
    );
    for (const [m, n] of rows) io.log(`  ${m.padEnd(18)}${n.toLocaleString('en-US').padStart(14)}`);
  },
};
