/**
 * `setr bench [--config NAME|FILE] [--batch N] [--steps N] [--backend B] [--profile]`: how fast a
 * training step (train/bench-step.ts: forward, loss, backward, AdamW, gradients dropped) runs here on a
 * fixed synthetic batch at the config's image size. Prints the median milliseconds per step and images
 * per second; `--profile` adds the kernel profiler's table of one step (every kernel call grouped by
 * phase, op and kernel, against the machine's measured peaks).
 */
import { measurePeaks, profile } from '@setr-ts/tensor';
import { loadConfig } from '../config-file.js';
import { median, TrainingStep, timeRuns } from '../train/bench-step.js';
import { COMMON_FLAGS, type Flags, numberFlag, parse, usage } from './args.js';
import { useBackendFlag } from './backend-flag.js';
import type { Command } from './command.js';

const flags: Flags = {
  config: { type: 'string', help: 'a preset name or a JSON config file (default setr-tiny-mla)' },
  batch: { type: 'string', help: "images per step (default: the config's train.batchSize)" },
  steps: { type: 'string', help: 'timed steps, after one untimed warm-up step (default 5)' },
  profile: { type: 'boolean', help: "profile one more step and print the kernel profiler's table" },
  top: { type: 'string', help: 'rows of the profile table (default 30; the rest are summed)' },
  ...COMMON_FLAGS,
};

export const bench: Command = {
  summary: 'time a training step (forward, loss, backward, AdamW); --profile prints where the time goes',
  help: () => usage('bench', '[--config NAME|FILE] [--batch N] [--steps N] [--backend NAME] [--profile [--top N]]', flags),
  async run(argv, io) {
    const p = parse('bench', argv, flags);
    const batchFlag = numberFlag('bench', p, 'batch', { integer: true, min: 1 });
    const steps = numberFlag('bench', p, 'steps', { integer: true, min: 1 }) ?? 5;
    const top = numberFlag('bench', p, 'top', { integer: true, min: 1 }) ?? 30;
    const backend = await useBackendFlag('bench', p.values.backend);
    const name = (p.values.config as string | undefined) ?? 'setr-tiny-mla';
    const config = loadConfig(name);
    const batch = batchFlag ?? config.train.batchSize;
    const s = new TrainingStep(config, batch);
    try {
      const [h, w] = config.imgSize;
      io.log(
        `${name}: ${config.decoder.kind}, ${s.model.numParameters().toLocaleString('en-US')} parameters; batch ${batch} at ${h}×${w} on ${backend.description}`,
      );
      io.log(
        `a step: forward (train mode), loss, backward, AdamW (lr ${config.train.lr}, weight decay ${config.train.weightDecay}), zeroGrad`,
      );
      const ms = await timeRuns(() => s.run(), steps, 1);
      const m = median(ms);
      io.log(
        `${m.toFixed(1)} ms/step (median of ${steps} after 1 warm-up; min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}), ${((1000 * batch) / m).toFixed(1)} images/s`,
      );
      if (p.values.profile) {
        let peaks: ReturnType<typeof measurePeaks> | undefined;
        try {
          peaks = measurePeaks(backend);
        } catch (e) {
          io.log(`(no peaks: ${(e as Error).message.split('\n')[0]})`);
        }
        const { result: loss, profile: prof } = profile(() => s.step());
        await s.settle(loss);
        io.log(
          `\nprofile of one step (kernel times are wall-clock around each call${backend.name === 'gpujs' ? '; on gpu.js, dispatch only' : ''}):`,
        );
        io.log(prof.table({ peaks, top }));
      }
    } finally {
      s.dispose();
    }
  },
};
