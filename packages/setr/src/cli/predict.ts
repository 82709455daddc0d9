/**
 * `setr predict --checkpoint FILE IMAGE... --out DIR`: segments photos of any size (sliding windows
 * where one is larger than the model's training size) and writes, per photo, the coloured mask and the
 * mask laid over the photo.
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
import type { Command } from './command.js';

const flags: Flags = {
  ...CHECKPOINT_FLAGS,
  out: { type: 'string', help: 'the folder for <name>.mask.png and <name>.overlay.png' },
  ...COMMON_FLAGS,
};

export const predict: Command = {
  summary: 'segment photos of any size: a coloured mask and an overlay per photo',
  help: () => usage('predict', '--checkpoint FILE IMAGE... --out DIR', flags),
  async run(argv, io) {
    const p = parse('predict', argv, flags, true);
    const outDir = required('predict', p, 'out');
    if (p.positionals.length === 0) throw new Error('predict: no images given (setr predict --checkpoint FILE IMAGE... --out DIR)');
    await useBackendFlag('predict', p.values.backend);
    const { model, config, palette } = await loadCheckpointFlag('predict', p);
    try {
      const colours = palette ?? paletteFor(config.numClasses);
      mkdirSync(outDir, { recursive: true });
      for (const file of p.positionals) {
        const photo = await readImage(file);
        const patch = config.patchSize;
        if (photo.height < patch || photo.width < patch)
          throw new Error(`predict: ${file} is ${photo.height}×${photo.width}, smaller than the model's ${patch}×${patch} patch`);
        const large = photo.height > config.imgSize[0] || photo.width > config.imgSize[1];
        const images = imagesToTensor([photo]);
        const classes = await segment(model, images, { mode: large ? 'slide' : 'whole' });
        const labels = raster(photo.height, photo.width, 1, Uint8Array.from(await classes.data()));
        images.dispose();
        classes.dispose();
        const mask = colorizeLabels(labels, colours);
        const stem = join(outDir, basename(file, extname(file)));
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
