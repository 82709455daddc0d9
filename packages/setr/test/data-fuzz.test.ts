/**
 * A fuzz-style test of `setr train` over broken CamVid folders (issue 22, section 4): a tiny folder
 * that trains is broken in one place — a picture and a split drawn from a seeded generator, and the
 * damage's details (where a file is cut, which label value, how far a size is off) drawn too — and the
 * command line is run on it. Each case must either train (a smoke run that leaves its best model) or
 * stop with exactly one line that names the broken file and says what is wrong with it; which of the
 * two is fixed per kind of damage.
 * `SETR_TEST_SEED` draws other cases.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setBackend } from '@setr-ts/tensor';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, Rng, raster } from '../src/index.js';
import { makeTinyCamVid, setr, TINY_SIZE, writeTinyConfig } from './support/tiny-camvid.js';

const SEED = Number(process.env.SETR_TEST_SEED ?? 20250522);
const ROUNDS = 2;

/** Where the damage is: a CamVid folder, one picture of one split in it, and a generator for the details. */
interface Site {
  readonly root: string;
  readonly split: 'train' | 'val';
  readonly name: string;
  readonly rng: Rng;
}
const photoOf = (s: Site) => join(s.root, s.split, s.name);
const labelOf = (s: Site) => join(s.root, `${s.split}annot`, s.name);

/** What a damaged folder must do: train, or be refused naming this file and saying why. */
type Outcome = { readonly trains: true } | { readonly refused: string; readonly why: RegExp };
const TRAINS: Outcome = { trains: true };

/** Raw pixels of `channels` per pixel as a PNG (sharp writes 2 and 4 channels as grey+alpha and RGBA). */
const pngOf = (h: number, w: number, channels: 1 | 2 | 3 | 4, fill = 7) =>
  sharp(new Uint8Array(h * w * channels).fill(fill), { raw: { width: w, height: h, channels } })
    .png()
    .toBuffer();

/** A file cut short at a drawn length, its first bytes kept (a copy interrupted midway). */
function truncate(path: string, rng: Rng): void {
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, 8 + rng.int(bytes.length - 16)));
}

/** Each kind of damage, and what it must lead to. */
const DAMAGE: Record<string, (s: Site) => Promise<Outcome>> = {
  'truncated photo': async (s) => {
    truncate(photoOf(s), s.rng);
    return { refused: photoOf(s), why: /not a decodable image/ };
  },
  'truncated label': async (s) => {
    truncate(labelOf(s), s.rng);
    return { refused: labelOf(s), why: /not a decodable image/ };
  },
  'empty photo': async (s) => {
    writeFileSync(photoOf(s), '');
    return { refused: photoOf(s), why: /not a decodable image/ };
  },
  'photo that is no image': async (s) => {
    writeFileSync(
      photoOf(s),
      Uint8Array.from({ length: 64 + s.rng.int(64) }, () => s.rng.int(256)),
    );
    return { refused: photoOf(s), why: /not a decodable image/ };
  },
  'label in colour (wrong mode)': async (s) => {
    writeFileSync(labelOf(s), await pngOf(TINY_SIZE, TINY_SIZE, 3));
    return { refused: labelOf(s), why: /must be a single-channel 8-bit image/ };
  },
  'label of grey and alpha (wrong mode)': async (s) => {
    writeFileSync(labelOf(s), await pngOf(TINY_SIZE, TINY_SIZE, 2));
    return { refused: labelOf(s), why: /must be a single-channel 8-bit image/ };
  },
  'label of 16-bit grey (wrong mode)': async (s) => {
    const grey = sharp(new Uint8Array(TINY_SIZE * TINY_SIZE).fill(3), { raw: { width: TINY_SIZE, height: TINY_SIZE, channels: 1 } });
    writeFileSync(labelOf(s), await grey.toColourspace('grey16').png().toBuffer());
    return { refused: labelOf(s), why: /must be a single-channel 8-bit image/ };
  },
  'missing photo (pair incomplete)': async (s) => {
    rmSync(photoOf(s));
    return { refused: photoOf(s), why: /it does not exist \(ENOENT\)/ };
  },
  'missing label (pair incomplete)': async (s) => {
    rmSync(labelOf(s));
    return { refused: labelOf(s), why: /it does not exist \(ENOENT\)/ };
  },
  'a folder in place of a photo': async (s) => {
    rmSync(photoOf(s));
    mkdirSync(photoOf(s));
    return { refused: photoOf(s), why: /it is a folder, not a file \(EISDIR\)/ };
  },
  'label of another size than its photo': async (s) => {
    const [h, w] = [TINY_SIZE + 1 + s.rng.int(8), TINY_SIZE - 1 - s.rng.int(8)];
    writeFileSync(labelOf(s), await encodePng(raster(h, w, 1)));
    return { refused: labelOf(s), why: new RegExp(`is ${h}×${w} but its photo ${photoOf(s)} is ${TINY_SIZE}×${TINY_SIZE}`) };
  },
  'label value out of range': async (s) => {
    const labels = new Uint8Array(TINY_SIZE * TINY_SIZE).fill(2);
    labels[s.rng.int(labels.length)] = 12 + s.rng.int(243); // 12..254; 11 is void and 255 ignored
    writeFileSync(labelOf(s), await encodePng(raster(TINY_SIZE, TINY_SIZE, 1, labels)));
    return { refused: labelOf(s), why: /has label value \d+; CamVid labels are 0\.\.10, 11 \(void\) or 255/ };
  },
  'a listed picture that is not there': async (s) => {
    const list = join(s.root, `${s.split}.txt`);
    writeFileSync(list, `${readFileSync(list, 'utf8')}ghost-${s.rng.int(1000)}.png\n`);
    return {
      refused: join(s.root, s.split, readFileSync(list, 'utf8').trim().split('\n').at(-1) as string),
      why: /it does not exist \(ENOENT\)/,
    };
  },
  'grey photo': async (s) => {
    writeFileSync(photoOf(s), await pngOf(TINY_SIZE, TINY_SIZE, 1, s.rng.int(256)));
    return TRAINS; // expanded to RGB
  },
  'photo with alpha': async (s) => {
    writeFileSync(photoOf(s), await pngOf(TINY_SIZE, TINY_SIZE, 4, s.rng.int(256)));
    return TRAINS; // alpha dropped
  },
  'JPEG photo named .png': async (s) => {
    const rgb = Uint8Array.from({ length: TINY_SIZE * TINY_SIZE * 3 }, () => s.rng.int(256));
    writeFileSync(
      photoOf(s),
      await sharp(rgb, { raw: { width: TINY_SIZE, height: TINY_SIZE, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    return TRAINS; // decoded by its content
  },
  'a pair of another size than the rest': async (s) => {
    const [h, w] = [TINY_SIZE + 1 + s.rng.int(16), TINY_SIZE + 1 + s.rng.int(16)];
    writeFileSync(photoOf(s), await encodePng(raster(h, w, 3)));
    writeFileSync(labelOf(s), await encodePng(raster(h, w, 1)));
    return TRAINS; // resized on load, as every pair is
  },
  'ignored (255) and void (11) labels': async (s) => {
    const labels = Uint8Array.from({ length: TINY_SIZE * TINY_SIZE }, () => [0, 5, 11, 255][s.rng.int(4)]);
    writeFileSync(labelOf(s), await encodePng(raster(TINY_SIZE, TINY_SIZE, 1, labels)));
    return TRAINS;
  },
  'a list with CRLF line ends and blank lines': async (s) => {
    const list = join(s.root, `${s.split}.txt`);
    writeFileSync(list, `\r\n${readFileSync(list, 'utf8').trim().split('\n').join('\r\n\r\n')}\r\n`);
    return TRAINS;
  },
};

let configFile: string;
beforeAll(async () => {
  await setBackend('wasm');
  configFile = writeTinyConfig();
});
afterAll(() => rmSync(dirname(configFile), { recursive: true, force: true }));

describe('setr train on a CamVid folder broken in one place', () => {
  const rng = new Rng(SEED);
  const cases = Array.from({ length: ROUNDS }, (_, round) =>
    Object.keys(DAMAGE).map((kind) => {
      const split = rng.bernoulli(0.5) ? 'train' : 'val';
      const names = split === 'train' ? ['a.png', 'b.png', 'c.png', 'd.png'] : ['e.png', 'f.png'];
      const name = names[rng.int(names.length)];
      return [`${kind} (${split}/${name}, round ${round + 1})`, { kind, split, name, seed: rng.uint32() }] as const;
    }),
  ).flat();

  it.each(cases)('%s', async (_, { kind, split, name, seed }) => {
    const root = await makeTinyCamVid();
    const outcome = await DAMAGE[kind]({ root, split, name, rng: new Rng(seed) });
    const out = join(root, 'run');
    const r = await setr('train', '--config', configFile, '--data', root, '--out', out);
    if ('trains' in outcome) {
      expect(r.err.filter((l) => l.startsWith('setr:'))).toEqual([]);
      expect(r.status).toBe(0);
      expect(existsSync(join(out, 'best.safetensors'))).toBe(true);
    } else {
      expect(r.status).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^setr: /);
      expect(r.err[0]).toContain(outcome.refused);
      expect(r.err[0]).toMatch(outcome.why);
    }
    rmSync(root, { recursive: true, force: true });
  });
});
