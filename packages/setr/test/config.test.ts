/** Configs are plain JSON; anything a user could get wrong in one is refused with the field named. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig, parseConfig, preset, REQUIRED_FIELDS, TRAIN_DEFAULTS } from '../src/index.js';

/** A preset's required fields only. */
const required = (name = 'setr-tiny-pup') => {
  const { style, withClsToken, dropRate, attnDropRate, dropPathRate, lnEps, alignCorners, ...rest } = preset(name);
  return rest as Record<string, unknown>;
};
const base = () => required();

describe('parseConfig', () => {
  it('fills in the paper’s defaults for the optional fields, and the training recipe’s', () => {
    const { train, ...rest } = base();
    expect(parseConfig(rest)).toEqual({ ...rest, ...DEFAULTS, train: TRAIN_DEFAULTS });
    expect(parseConfig({ ...rest, train: { epochs: 5 } }).train).toEqual({ ...TRAIN_DEFAULTS, epochs: 5 });
    expect(DEFAULTS).toEqual({
      style: 'official',
      withClsToken: true,
      dropRate: 0,
      attnDropRate: 0,
      dropPathRate: 0,
      lnEps: 1e-6,
      alignCorners: false,
    });
  });

  it.each(REQUIRED_FIELDS)('refuses a config without %s', (field) => {
    const c = base();
    delete c[field];
    expect(() => parseConfig(c, 'my.json')).toThrow(`my.json: missing field '${field}'`);
  });

  const pup = base().decoder as Record<string, unknown>;
  const upAux = (base().auxHeads as Record<string, unknown>[])[0];
  it.each([
    [{ embed_dim: 128 }, /unknown field 'embed_dim' \(fields: style, imgSize/],
    [{ style: 'timm' }, /field 'style' must be "official" or "mmseg", got "timm"/],
    [{ decoder: { ...pup, kind: 'fpn' } }, /field 'decoder.kind' must be one of "naive", "pup", "mla", got "fpn"/],
    [{ decoder: [1] }, /field 'decoder' must be an object/],
    [
      { decoder: { ...pup, taps: [1] } },
      /unknown field 'decoder.taps' \(a pup head has: kind, tap, channels, numConvs, kernelSize, upScale\)/,
    ],
    [{ decoder: { kind: 'mla', taps: [1, 2], neckChannels: 8 } }, /missing field 'decoder.headChannels'/],
    [{ decoder: { ...pup, kernelSize: 5 } }, /field 'decoder.kernelSize' must be 1 or 3, got 5/],
    [{ decoder: { ...pup, tap: 6 } }, /field 'decoder.tap' has block 6, but blocks are numbered 0..5/],
    [{ auxHeads: [{ ...upAux, tap: -2 }] }, /field 'auxHeads\[0\].tap' must be a block index/],
    [{ auxHeads: [upAux, { ...upAux, tap: 6 }] }, /field 'auxHeads\[1\].tap' has block 6, but blocks are numbered 0..5/],
    [{ auxHeads: [{ ...upAux, lossWeight: -1 }] }, /field 'auxHeads\[0\].lossWeight' must be a non-negative number, got -1/],
    [
      { auxHeads: [{ kind: 'mla', tap: 1, lossWeight: 0.4 }] },
      /field 'auxHeads\[0\]' is an MLA stream's classifier, but the decoder is pup/,
    ],
    [{ auxHeads: {} }, /field 'auxHeads' must be a list of auxiliary heads/],
    [{ imgSize: [96] }, /field 'imgSize' must be a pair of positive integers \[H, W\], got \[96\]/],
    [{ embedDim: '128' }, /field 'embedDim' must be a positive integer, got "128"/],
    [{ depth: 0 }, /field 'depth' must be a positive integer, got 0/],
    [{ dropRate: 1.5 }, /field 'dropRate' must be a probability in \[0, 1\), got 1.5/],
    [{ alignCorners: 'no' }, /field 'alignCorners' must be true or false/],
    [{ withClsToken: 0 }, /field 'withClsToken' must be true or false/],
    [{ imgSize: [100, 128] }, /field 'imgSize' \[100, 128\] must divide by patchSize 8/],
    [{ numHeads: 3 }, /field 'embedDim' 128 must divide by numHeads 3/],
    [{ train: { epochs: 10, lr: 0.01, bachSize: 4 } }, /unknown field 'train\.bachSize' \(fields: batchSize, epochs/],
    [{ train: { optimizer: 'adam' } }, /field 'train\.optimizer' must be "adamw" or "sgd", got "adam"/],
    [{ train: { crop: [100, 128] } }, /field 'train\.crop' \[100, 128\] must divide by patchSize 8/],
    [{ train: { scaleRange: [2, 0.5] } }, /field 'train\.scaleRange' must be a pair \[min, max\] of positive numbers, min ≤ max/],
    [{ train: 3 }, /field 'train' must be an object/],
  ])('refuses %j', (change, message) => {
    expect(() => parseConfig({ ...base(), ...change }, 'my.json')).toThrow(message);
  });

  it.each([
    [
      { decoder: { kind: 'mla', taps: [1, 2, 4, 6], neckChannels: 8, headChannels: 4 } },
      /field 'decoder.taps' has block 6, but blocks are numbered 0..5/,
    ],
    [
      { auxHeads: [{ kind: 'mla', tap: 0, lossWeight: 0.4 }] },
      /field 'auxHeads\[0\].tap' is block 0, which is not in decoder.taps \[1, 2, 4, 5\]/,
    ],
    [
      { decoder: { kind: 'mla', taps: [], neckChannels: 8, headChannels: 4 }, auxHeads: [] },
      /field 'decoder.taps' must be a non-empty list/,
    ],
  ])('refuses an MLA config with %j', (change, message) => {
    expect(() => parseConfig({ ...required('setr-tiny-mla'), ...change }, 'my.json')).toThrow(message);
  });

  it('refuses a config in the layout before heads were data, saying what to write instead', () => {
    const old = { ...base(), decoder: 'pup', channels: 64, auxTaps: [2, 3], mlaTaps: [1, 2], auxWeight: 0.4 };
    expect(() => parseConfig(old, 'old.json')).toThrow(
      /old.json: this config has the layout before heads were data \(decoder as a string, auxTaps, mlaTaps, channels, auxWeight\); write 'decoder' as \{ kind, tap, .*`setr config PRESET`/,
    );
  });

  it('refuses what is not an object', () => {
    expect(() => parseConfig([1, 2], 'my.json')).toThrow('my.json: a config must be a JSON object');
  });
});

describe('presets', () => {
  it('come in both styles: mmseg’s Naive upsamples ×4, its PUP has no auxiliary head on the last block, its MLA encoder drops the cls token', () => {
    expect([preset('setr-tiny-naive').decoder, preset('setr-tiny-naive-mmseg').decoder].map((d) => 'upScale' in d && d.upScale)).toEqual([
      1, 4,
    ]);
    expect([preset('setr-tiny-pup').auxHeads, preset('setr-tiny-pup-mmseg').auxHeads].map((a) => a.map((h) => h.tap))).toEqual([
      [2, 3, 4, 5],
      [2, 3, 4],
    ]);
    expect([preset('setr-tiny-mla').withClsToken, preset('setr-tiny-mla-mmseg').withClsToken]).toEqual([true, false]);
    expect(preset('setr-pup-vit-large-cityscapes-mmseg')).toMatchObject({
      style: 'mmseg',
      dropRate: 0.1,
      imgSize: [768, 768],
      numClasses: 19,
    });
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'setr-config-'));
  it('reads a preset name or a JSON file, naming the file in errors', () => {
    expect(loadConfig('setr-tiny-mla').decoder.kind).toBe('mla');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ ...base(), depth: 6, numClasses: 4 }));
    expect(loadConfig(good).numClasses).toBe(4);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...base(), depht: 4 }));
    expect(() => loadConfig(bad)).toThrow(`${bad}: unknown field 'depht'`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "decoder": ');
    expect(() => loadConfig(broken)).toThrow(`${broken}: not a readable JSON file`);
    expect(() => loadConfig('setr-tiny-fpn')).toThrow(/'setr-tiny-fpn' is neither a preset \(setr-naive-vit-large-ade20k, .*\) nor a file/);
  });
});
