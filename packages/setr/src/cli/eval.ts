/**
 * `setr eval`: scores a trained model on a split of a dataset folder (CamVid, mmseg, Cityscapes or
 * ADE20K layout, read into memory at the model's size): mIoU, per-class IoU, pixel accuracy, mean
 * class accuracy and the confusion matrix, with whole-image, sliding-window, multi-scale and flipped
 * inference.
 */
import { loadSplit } from '../data/dataset-format.js';
import { evaluate } from '../train/evaluate.js';
import { COMMON_FLAGS, choice, type Flags, numberList, parse, usage } from './args.js';
import { useBackendFlag } from './backend-flag.js';
import { CHECKPOINT_FLAGS, loadCheckpointFlag } from './checkpoint-flag.js';
import type { Command } from './command.js';
import { DATA_FLAGS, dataFlag } from './data-flag.js';

const flags: Flags = {
  ...CHECKPOINT_FLAGS,
  ...DATA_FLAGS,
  split: { type: 'string', help: 'val (default) or test (or any split the folder has)' },
  mode: { type: 'string', help: 'whole (default) or slide' },
  scales: { type: 'string', help: 'scales to average over, e.g. 0.75,1,1.25 (default 1)' },
  flip: { type: 'boolean', help: 'also average over the mirrored images' },
  json: { type: 'boolean', help: 'print one JSON object (miou, pixel_acc, mean_class_acc, per_class_iou, confusion_matrix)' },
  ...COMMON_FLAGS,
};

export const evalCommand: Command = {
  summary: 'score a trained model on a split: mIoU, per-class IoU, accuracies, confusion matrix',
  help: () =>
    usage(
      'eval',
      '--checkpoint FILE [--data DIR [--format F]] [--split val|test] [--mode whole|slide] [--scales 0.75,1,1.25] [--flip] [--json]',
      flags,
    ),
  async run(argv, io) {
    const p = parse('eval', argv, flags);
    const mode = choice('eval', p, 'mode', ['whole', 'slide'] as const);
    const scales = numberList('eval', p, 'scales');
    await useBackendFlag('eval', p.values.backend);
    const { model, config } = await loadCheckpointFlag('eval', p);
    try {
      const split = (p.values.split as string | undefined) ?? 'val';
      const { dir, format } = await dataFlag(p);
      const data = await loadSplit(dir, split, { size: config.imgSize, format });
      const { scores, confusion } = await evaluate(model, data, {
        mode,
        scales,
        flip: Boolean(p.values.flip),
        batchSize: config.train.batchSize,
      });
      const k = config.numClasses;
      const matrix = Array.from({ length: k }, (_, t) => Array.from(confusion.counts.subarray(t * k, (t + 1) * k)));
      const perClass = Object.fromEntries(data.classNames.map((name, c) => [name, Number.isNaN(scores.iou[c]) ? null : scores.iou[c]]));
      if (p.values.json) {
        return io.log(
          JSON.stringify({
            split,
            images: data.length,
            miou: scores.meanIoU,
            pixel_acc: scores.pixelAccuracy,
            mean_class_acc: scores.meanClassAccuracy,
            per_class_iou: perClass,
            confusion_matrix: matrix,
          }),
        );
      }
      io.log(`${split}: ${data.length} images, mode ${mode}, scales ${(scales ?? [1]).join(',')}${p.values.flip ? ', flip' : ''}`);
      io.log(
        `mIoU ${scores.meanIoU.toFixed(4)}   pixel accuracy ${scores.pixelAccuracy.toFixed(4)}   mean class accuracy ${scores.meanClassAccuracy.toFixed(4)}`,
      );
      for (const [name, iou] of Object.entries(perClass)) io.log(`  ${name.padEnd(12)} ${iou === null ? '   n/a' : iou.toFixed(4)}`);
      io.log('confusion matrix (rows: truth, columns: prediction, in class order):');
      for (const row of matrix) io.log(`  ${row.map((n) => String(n).padStart(7)).join('')}`);
    } finally {
      model.dispose();
    }
  },
};
