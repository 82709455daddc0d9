/**
 * `setr train`: trains a SETR on a dataset folder — CamVid (the bundled 96×128 copy by default, held
 * in memory), or the mmseg, Cityscapes or ADE20K layout (its training split streamed from disk on
 * worker threads, its validation split in memory at the config's size) — and leaves in the run
 * folder the best checkpoint, metrics.json, the curves and a prediction grid. Class weights, when the
 * config asks for them, are the training split's median-frequency weights. `--resume DIR` continues
 * a stopped run exactly where its last checkpoint left it. Ctrl-C ends the run after the step in
 * progress and says where the last complete checkpoint is and how to resume (exit status 130); a
 * second Ctrl-C quits at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config-file.js';
import { loadCamVid } from '../data/camvid.js';
import { medianFrequencyWeights } from '../data/class-weights.js';
import { loadSplit, openDataset } from '../data/dataset-format.js';
import { CHECKPOINT_FILE, readCheckpoint } from '../train/checkpoint.js';
import { runFolder } from '../train/run-folder.js';
import { BEST_MODEL_FILE } from '../train/save.js';
import { type TrainRunResult, trainSetr } from '../train/trainer.js';
import { COMMON_FLAGS, type Flags, numberFlag, parse, usage } from './args.js';
import { useBackendFlag } from './backend-flag.js';
import { type Command, CommandExit } from './command.js';
import { DATA_FLAGS, dataFlag } from './data-flag.js';

/** An epoch count as people read it: whole, or to two decimals for a run stopped mid-epoch. */
const epochLabel = (e: number) => (Number.isInteger(e) ? String(e) : e.toFixed(2));

/** Where the run in `out` can be resumed from, and how; or that it has no complete epoch to resume. */
async function whereToResume(out: string): Promise<string> {
  const path = join(out, CHECKPOINT_FILE);
  if (!existsSync(path)) return `no epoch was complete, so ${out} has no checkpoint to resume: start the run again`;
  const saved = await readCheckpoint(runFolder(out));
  return `last complete checkpoint: ${path} (epoch ${saved.epoch} of ${saved.epochs}, step ${saved.step})\nresume with: setr train --resume ${out}`;
}

const flags: Flags = {
  config: { type: 'string', help: 'a preset name or a JSON config file (default setr-tiny-mla; a resumed run keeps its own)' },
  ...DATA_FLAGS,
  epochs: { type: 'string', help: "the schedule's length in epochs (default: the config's train.epochs)" },
  minutes: { type: 'string', help: 'stop after this many minutes of training (the schedule is unchanged: a smoke run)' },
  out: { type: 'string', help: 'the run folder (default runs/<config>-<time>)' },
  seed: { type: 'string', help: 'seeds initialisation, shuffling and augmentation (default 0)' },
  resume: { type: 'string', help: 'continue the run in this folder from its last checkpoint' },
  ...COMMON_FLAGS,
};

export const train: Command = {
  summary: 'train a SETR on CamVid (or a folder in the mmseg, Cityscapes or ADE20K layout)',
  help: () =>
    usage(
      'train',
      '[--config NAME|FILE] [--data DIR [--format F]] [--minutes M | --epochs E] [--out DIR] [--seed S] [--resume DIR]',
      flags,
    ),
  async run(argv, io) {
    const p = parse('train', argv, flags);
    const epochs = numberFlag('train', p, 'epochs', { integer: true, min: 1 });
    const minutes = numberFlag('train', p, 'minutes', { min: 0, exclusiveMin: true });
    const seed = numberFlag('train', p, 'seed', { integer: true });
    if (epochs !== undefined && minutes !== undefined) throw new Error('train: give --epochs or --minutes, not both');
    const resume = p.values.resume as string | undefined;
    if (resume && (p.values.out || epochs !== undefined || seed !== undefined))
      throw new Error('train: --resume continues a run as it was planned; --out, --epochs and --seed cannot change it');
    const configName = (p.values.config as string | undefined) ?? (resume ? undefined : 'setr-tiny-mla');
    const config = configName ? loadConfig(configName) : (await readCheckpoint(runFolder(resume as string))).config;
    const out =
      resume ?? (p.values.out as string | undefined) ?? join('runs', `${configName}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const backend = await useBackendFlag('train', p.values.backend);
    const { dir: dataDir, format } = await dataFlag(p);
    // CamVid is held in memory as it always was; a split of another layout streams from disk
    const [trainSet, val] = await Promise.all([
      format === 'camvid' ? loadCamVid(dataDir, 'train', { size: config.imgSize }) : openDataset(dataDir, 'train', format),
      loadSplit(dataDir, 'val', { size: config.imgSize, format }),
    ]);
    const classWeights = config.train.classWeights ? await medianFrequencyWeights(trainSet) : undefined;
    const where = format === 'camvid' ? `at ${config.imgSize.join('×')}` : 'streamed from disk';
    io.error(
      `training ${configName ?? 'the resumed run'} on ${dataDir} (${format}: ${trainSet.length} train ${where}, ${val.length} val at ${config.imgSize.join('×')}) with ${backend.name}; run folder ${out}`,
    );

    const bar = new SingleBar({
      format: 'epoch {ep} |{bar}| {value}/{total} steps | loss {loss} | lr {lr} | {ips} img/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    });
    let barStarted = false;
    const stop = new AbortController();
    const onInterrupt = async () => {
      if (barStarted) bar.stop();
      barStarted = false;
      if (stop.signal.aborted) {
        io.error(`quitting at once (the checkpoint files are written atomically); ${await whereToResume(out)}`);
        process.exit(130);
      }
      stop.abort();
      io.error('interrupted: stopping after the step in progress (Ctrl-C again to quit at once)');
    };
    process.on('SIGINT', onInterrupt);
    let result: TrainRunResult;
    try {
      result = await trainSetr({
        config,
        train: trainSet,
        val,
        out,
        seed,
        epochs,
        minutes,
        resume: resume !== undefined,
        classWeights,
        onStep: (s) => {
          const payload = {
            ep: `${s.epoch + 1}/${s.epochs}`,
            loss: s.loss.toFixed(3),
            lr: s.lr.toExponential(2),
            ips: s.imagesPerSecond.toFixed(1),
          };
          if (!barStarted) {
            bar.start(s.epochs * s.batches, s.step, payload);
            barStarted = true;
          }
          bar.update(s.step, payload);
        },
        onEpoch: (r) => {
          bar.stop();
          barStarted = false;
          io.error(
            `epoch ${r.epoch}: loss ${r.loss.toFixed(3)}, val mIoU ${r.valMeanIoU.toFixed(4)}, ${r.imagesPerSecond.toFixed(1)} img/s (data wait ${r.dataWaitSeconds.toFixed(1)} s of ${r.trainSeconds.toFixed(1)} s)`,
          );
        },
        signal: stop.signal,
        onNote: (m) => io.error(m),
      });
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    if (barStarted) bar.stop();
    result.model.dispose();
    if (result.interrupted)
      throw new CommandExit(130, `stopped by Ctrl-C; the steps after the last complete epoch are not kept\n${await whereToResume(out)}`);
    const best = result.best;
    io.log(
      [
        `${result.stoppedEarly ? 'stopped after --minutes' : 'finished'}: ${epochLabel(result.history.at(-1)?.epoch ?? 0)} epochs in ${(result.seconds / 60).toFixed(1)} min`,
        `best val mIoU ${best ? best.valMeanIoU.toFixed(4) : 'n/a'}${best ? ` (epoch ${epochLabel(best.epoch)})` : ''}`,
        `checkpoint:  ${join(out, BEST_MODEL_FILE)}`,
        `metrics:     ${join(out, 'metrics.json')}`,
        ...(result.report ? [`curves:      ${result.report.curvesPng} (and .svg)`, `predictions: ${result.report.predictions}`] : []),
        ...(existsSync(join(out, CHECKPOINT_FILE)) ? [`resume with: setr train --resume ${out}`] : []),
      ].join('\n'),
    );
  },
};
