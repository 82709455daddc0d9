/**
 * `setr export --checkpoint CK --to mmseg --out DIR`: a trained model as mmsegmentation 1.x takes it —
 * `DIR/config.py`, `DIR/weights.pth`, `DIR/weights.safetensors` (mmseg/mmseg-files.ts) — printing what
 * was changed to carry an official-style model, or refusing, with the details named, what mmseg cannot build.
 *
 * `setr export --checkpoint CK --onnx FILE [--aux] [--dynamic]`: the model as one ONNX file for
 * onnxruntime and other ONNX readers (onnx-export.ts): input `images`, output `logits`, with `--aux` the
 * auxiliary heads' `aux.j` too; fixed at batch 1 and the config's image size, or with `--dynamic` any
 * batch and any image size in multiples of the patch.
 */

import { exportToMmseg } from '../mmseg/mmseg-files.js';
import { saveSetrOnnx } from '../onnx-export.js';
import { choice, type Flags, parse, required, usage } from './args.js';
import { CHECKPOINT_FLAGS, loadCheckpointFlag } from './checkpoint-flag.js';
import type { Command } from './command.js';

const flags: Flags = {
  ...CHECKPOINT_FLAGS,
  to: { type: 'string', help: 'the format: mmseg (mmsegmentation 1.x: config.py, weights.pth, weights.safetensors)' },
  out: { type: 'string', help: 'the folder to write into (created if missing)' },
  onnx: { type: 'string', help: 'write an ONNX file (opset 17) instead: input images, output logits' },
  aux: { type: 'boolean', help: 'with --onnx: the auxiliary heads as outputs aux.0, aux.1, … too' },
  dynamic: { type: 'boolean', help: 'with --onnx: any batch and image size (H, W multiples of the patch) instead of 1 × the config’s' },
  help: { type: 'boolean', help: 'this text' },
};

export const exportCommand: Command = {
  summary: 'write a model for mmsegmentation (config.py, weights.pth, weights.safetensors) or onnxruntime (.onnx)',
  help: () => usage('export', '--checkpoint FILE (--to mmseg --out DIR | --onnx FILE [--aux] [--dynamic]) [--config NAME|FILE]', flags),
  async run(argv, io) {
    const p = parse('export', argv, flags);
    const onnx = p.values.onnx;
    if (onnx !== undefined) {
      if (p.values.to !== undefined || p.values.out !== undefined)
        throw new Error('export: --onnx writes one file; --to and --out are for mmseg');
      if (onnx === '') throw new Error('export: --onnx needs a file name');
      const { model, config } = await loadCheckpointFlag('export', p);
      try {
        const [aux, dynamic] = [p.values.aux === true, p.values.dynamic === true];
        saveSetrOnnx(onnx as string, model, { aux, dynamic });
        const [h, w] = dynamic ? ['height', 'width'] : config.imgSize;
        const outputs = ['logits', ...(aux ? config.auxHeads.map((_, j) => `aux.${j}`) : [])];
        const sizes = dynamic ? ` (height and width multiples of ${config.patchSize})` : '';
        io.log(`wrote ${onnx}: images [${dynamic ? 'batch' : 1}, 3, ${h}, ${w}]${sizes} → ${outputs.join(', ')} (ONNX opset 17)`);
      } finally {
        model.dispose();
      }
      return;
    }
    if (p.values.aux || p.values.dynamic) throw new Error('export: --aux and --dynamic go with --onnx FILE');
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
