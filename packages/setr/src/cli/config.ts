/**
 * `setr config NAME|FILE`: prints a preset or a config file as the JSON a config file holds, checked and
 * with every default filled in — the way to start a config of your own (`setr config setr-tiny-pup >
 * my.json`, then edit).
 */
import { loadConfig } from '../config-file.js';
import { type Flags, parse, usage } from './args.js';
import type { Command } from './command.js';

const flags: Flags = {
  help: { type: 'boolean', help: 'this text' },
};

export const configCommand: Command = {
  summary: 'print a preset or config file as checked JSON, defaults filled in',
  help: () => usage('config', 'NAME|FILE', flags),
  async run(argv, io) {
    const p = parse('config', argv, flags, true);
    if (p.positionals.length !== 1) throw new Error(`config: give one preset name or config file, got ${p.positionals.length}`);
    io.log(JSON.stringify(loadConfig(p.positionals[0]), null, 2));
  },
};
