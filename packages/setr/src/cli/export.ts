/**
 * `setr export --checkpoint CK --to mmseg --out DIR`: a trained model as mmsegmentation 1.x takes it —
 * `DIR/config.py`, `DIR/weights.pth`, `DIR/weights.safetensors` (mmseg/mmseg-files.ts) — printing what
 * was changed to carry an official-style model, or refusing, with the details named, what mmseg cannot build.
 */
import { exportToMmseg } from '../mmseg/mmseg-files.js';
import { choice, type Flags, parse, required, usage } from './args.js';
import { CHECKPOINT_FLAGS, loadCheckpointFlag } from './checkpoint-flag.js';
import type { Command } from './command.js';

const flags: Flags = {
  ...CHECKPOINT_FLAGS,
  to: { type: 'string', help: 'the format: mmseg (mmsegmentation 1.x: config.py, weights.pth, weights.safetensors)' },
  out: { type: 'string', help: 'the folder to write into (created if missing)' },
  help: { type: 'boolean', help: 'this text' },
};

export const exportCommand: Command = {
  summary: 'write a model for mmsegmentation (config.py, weights.pth, weights.safetensors)',
  help: () => usage('export', '--checkpoint FILE --to mmseg --out DIR [--config NAME|FILE]', flags),
  async run(argv, io) {
    const p = parse('export', argv, flags);
    choice('export', p, 'to', ['mmseg'] as const);
    const out = required('export', p, 'out');
    const trained = await loadCheckpointFlag('export', p);
    try {
      const written = await exportToMmseg(trained, out);
      for (const note of written.notes) io.log(`note: ${note}`);
      io.log(`wrote ${written.config}, ${written.pth}, ${written.safetensors}`);
    } finally {
      trained.model.dispose();
    }
  },
};
