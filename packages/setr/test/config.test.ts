/** Configs are plain JSON; anything a user could get wrong in one is refused with the field named. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig, parseConfig, preset, REQUIRED_FIELDS, TRAIN_DEFAULTS } from '../src/index.js';

const base = () => {
  const { dropRate, attnDropRate, dropPathRate, lnEps, alignCorners, auxWeight, ...required } = preset('setr-tiny-pup');
  return required as Record<string, unknown>;
};

describe('parseConfig', () => {
  it('fills in the paper’s defaults for the optional fields, and the training recipe’s', () => {
    const { train, ...rest } = base();
    expect(parseConfig(rest)).toEqual({ ...rest, ...DEFAULTS, train: TRAIN_DEFAULTS });
    expect(parseConfig({ ...rest, train: { epochs: 5 } }).train).toEqual({ ...TRAIN_DEFAULTS, epochs: 5 });
    expect(DEFAULTS).toEqual({ dropRate: 0, attnDropRate: 0, dropPathRate: 0, lnEps: 1e-6, alignCorners: false, auxWeight: 0.4 });
  });

  it.each(REQUIRED_FIELDS)('refuses a config without %s', (field) => {
    const c = base();
    delete c[field];
    expect(() => parseConfig(c, 'my.json')).toThrow(`my.json: missing field '${field}'`);
  });

  it.each([
    [{ embed_dim: 128 }, /unknown field 'embed_dim' \(fields: decoder, imgSize/],
    [{ decoder: 'fpn' }, /field 'decoder' must be one of "naive", "pup", "mla", got "fpn"/],
    [{ imgSize: [96] }, /field 'imgSize' must be a pair of positive integers \[H, W\], got \[96\]/],
    [{ embedDim: '128' }, /field 'embedDim' must be a positive integer, got "128"/],
    [{ depth: 0 }, /field 'depth' must be a positive integer, got 0/],
    [{ auxTaps: [1, -2] }, /field 'auxTaps' must be a list of block indices/],
    [{ dropRate: 1.5 }, /field 'dropRate' must be a probability in \[0, 1\), got 1.5/],
    [{ alignCorners: 'no' }, /field 'alignCorners' must be true or false/],
    [{ imgSize: [100, 128] }, /field 'imgSize' \[100, 128\] must divide by patchSize 8/],
    [{ numHeads: 3 }, /field 'embedDim' 128 must divide by numHeads 3/],
    [{ auxTaps: [2, 6] }, /field 'auxTaps' has block 6, but blocks are numbered 0..5/],
    [{ decoder: 'mla', mlaTaps: [1, 2, 4, 6] }, /field 'mlaTaps' has block 6, but blocks are numbered 0..5/],
    [{ patchSize: 12, imgSize: [96, 132], train: {} }, /field 'patchSize' 12 must be a power of two for the PUP decoder/],
    [{ decoder: 'mla', auxTaps: [0] }, /field 'auxTaps' has block 0, which is not in mlaTaps \[1, 2, 4, 5\]/],
    [{ decoder: 'mla', mlaTaps: [], auxTaps: [] }, /field 'mlaTaps' must list at least one block/],
    [{ train: { epochs: 10, lr: 0.01, bachSize: 4 } }, /unknown field 'train\.bachSize' \(fields: batchSize, epochs/],
    [{ train: { optimizer: 'adam' } }, /field 'train\.optimizer' must be "adamw" or "sgd", got "adam"/],
    [{ train: { crop: [100, 128] } }, /field 'train\.crop' \[100, 128\] must divide by patchSize 8/],
    [{ train: { scaleRange: [2, 0.5] } }, /field 'train\.scaleRange' must be a pair \[min, max\] of positive numbers, min ≤ max/],
    [{ train: 3 }, /field 'train' must be an object/],
  ])('refuses %j', (change, message) => {
    expect(() => parseConfig({ ...base(), ...change }, 'my.json')).toThrow(message);
  });

  it('refuses what is not an object', () => {
    expect(() => parseConfig([1, 2], 'my.json')).toThrow('my.json: a config must be a JSON object');
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'setr-config-'));
  it('reads a preset name or a JSON file, naming the file in errors', () => {
    expect(loadConfig('setr-tiny-mla').decoder).toBe('mla');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ ...base(), depth: 4, auxTaps: [1, 2, 3] }));
    expect(loadConfig(good).depth).toBe(4);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...base(), depht: 4 }));
    expect(() => loadConfig(bad)).toThrow(`${bad}: unknown field 'depht'`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "decoder": ');
    expect(() => loadConfig(broken)).toThrow(`${broken}: not a readable JSON file`);
    expect(() => loadConfig('setr-tiny-fpn')).toThrow(/'setr-tiny-fpn' is neither a preset \(setr-naive-vit-large-ade20k, .*\) nor a file/);
  });
});
