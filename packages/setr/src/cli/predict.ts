/**
 * `setr predict --checkpoint FILE IMAGE... --out DIR`: segments photos of any size (sliding windows
 * where one is larger than the model's training size) and writes, per photo, the coloured mask and the
 * mask laid over the photo, named after the photo. Two photos of the same name (`a/x.png b/x.jpg`) are
 * refused before any work, since the second's files would overwrite the first's. A photo of many
 * windows reports its progress on stderr every tenth of the way.
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { colorizeLabels } from '../data/colorize.js';
import { readImage, writePng } from '../data/image-io.js';
import { imagesToTensor } from '../data/normalize.js';
import { raster } from '../data/raster.js';
import { segment } from '../inference.js';
import { overlay, paletteFor } from '../report/overlay.js';
import { COMMON_FLAGS, type Flags, parse, required, usage } from './args.js';
import { useBackendFlag } from './backend-flag.js';
import { CHECKPOINT_FLAGS, loadCheckpointFlag } from './checkpoint-flag.js';
import type { Command, Io } from './command.js';

const flags: Flags = {
  ...CHECKPOINT_FLAGS,
  out: {
    type: 'string',
    help: 'the folder for <name>.mask.png and <name>.overlay.png (two photos of one <name> are refused: they would overwrite each other)',
  },
  ...COMMON_FLAGS,
};

/** A photo whose sliding pass has this many windows or more reports its progress (a second and more at SETR-Tiny's speed). */
const PROGRESS_MIN_WINDOWS = 64;

/** The output stem (`DIR/name`) of each photo; refuses two photos of one name (case aside: some file systems ignore it). */
function outputStems(files: readonly string[], outDir: string): string[] {
  const seen = new Map<string, string>();
  return files.map((file) => {
    const name = basename(file, extname(file));
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined)
      throw new Error(
        `predict: ${earlier} and ${file} would both write ${name}.mask.png and ${name}.overlay.png in ${outDir}; rename one, or predict them into different --out folders`,
      );
    seen.set(name.toLowerCase(), file);
    return join(outDir, name);
  });
}

/** Reports a long sliding pass over `file` on stderr, once per tenth of its windows. */
function windowProgress(io: Io, file: string): (done: number, total: number) => void {
  let tenths = 0;
  return (done, total) => {
    if (total < PROGRESS_MIN_WINDOWS || Math.floor((10 * done) / total) <= tenths) return;
    tenths = Math.floor((10 * done) / total);
    io.error(`${file}: ${10 * tenths}% (${done} of ${total} windows)`);
  };
}

export const predict: Command = {
  summary: 'segment photos of any size: a coloured mask and an overlay per photo',
  help: () => usage('predict', '--checkpoint FILE IMAGE... --out DIR', flags),
  async run(argv, io) {
    const p = parse('predict', argv, flags, true);
    const outDir = required('predict', p, 'out');
    if (p.positionals.length === 0) throw new Error('predict: no images given (setr predict --checkpoint FILE IMAGE... --out DIR)');
    const stems = outputStems(p.positionals, outDir);
    await useBackendFlag('predict', p.values.backend);
    const { model, config, palette } = await loadCheckpointFlag('predict', p);
    try {
      const colours = palette ?? paletteFor(config.numClasses);
      mkdirSync(outDir, { recursive: true });
      for (const [i, file] of p.positionals.entries()) {
        const photo = await readImage(file);
        const patch = config.patchSize;
        if (photo.height < patch || photo.width < patch)
          throw new Error(`predict: ${file} is ${photo.height}×${photo.width}, smaller than the model's ${patch}×${patch} patch`);
        const large = photo.height > config.imgSize[0] || photo.width > config.imgSize[1];
        const images = imagesToTensor([photo]);
        const classes = await segment(model, images, { mode: large ? 'slide' : 'whole', onWindow: windowProgress(io, file) });
        const labels = raster(photo.height, photo.width, 1, Uint8Array.from(await classes.data()));
        images.dispose();
        classes.dispose();
        const mask = colorizeLabels(labels, colours);
        const stem = stems[i];
        await writePng(`${stem}.mask.png`, mask);
        await writePng(`${stem}.overlay.png`, overlay(photo, mask));
        io.log(
          `${file}: ${photo.height}×${photo.width} (${large ? 'sliding window' : 'whole image'}) → ${stem}.mask.png, ${stem}.overlay.png`,
        );
      }
    } finally {
      model.dispose();
    }
  },
};
