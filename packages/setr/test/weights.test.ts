/**
 * Weights in and out: a timm ViT checkpoint imports into the encoder (its classifier and final norm
 * dropped and reported, its position embedding resized to the config's grid as PyTorch does it), a
 * checkpoint without BatchNorm's counters loads, and mis-shaped or foreign checkpoints are refused with
 * every bad key named.
 */
import { loadSafetensors } from '@setr-ts/nn';
import { setBackend, type Tensor } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { importTimmViT, Setr, type SetrConfig } from '../src/index.js';
import { shrink } from './support/configs.js';
import { disposeAll, expectClose, fixtureConfig, fixturePath, fixtureTensors } from './support/fixtures.js';

beforeAll(async () => {
  await setBackend('reference');
});

/** The timm fixture's encoder (D 32, 2 blocks, 4 heads, patch 8) under a config with grid 4×6. */
const timmConfig = (): SetrConfig => shrink(fixtureConfig('setr-naive.json'), { depth: 2, channels: 16, auxTaps: [0] });

describe('importTimmViT', () => {
  it('loads timm names into the backbone, drops norm.* and head.*, and resizes pos_embed 3×3 → 4×6', async () => {
    const timm = await fixtureTensors('timm-vit.safetensors');
    const expected = await fixtureTensors('timm-vit.expected.safetensors');
    const model = new Setr(timmConfig()).to('float64');
    const result = importTimmViT(model, timm);
    expect(result.dropped.sort()).toEqual(['head.bias', 'head.weight', 'norm.bias', 'norm.weight']);
    expect(result.resized).toEqual({ from: [3, 3], to: [4, 6] });
    await expectClose(model.backbone.posEmbed.data, expected.pos_embed, 1e-12, 'pos_embed');
    await expectClose(model.backbone.blocks.at(1).attn.qkv.weight.data, timm['blocks.1.attn.qkv.weight'], 0, 'blocks.1.attn.qkv.weight');
    model.dispose();
    disposeAll(timm);
    disposeAll(expected);
  });

  it('refuses a checkpoint of another width, naming the keys, and changes nothing', async () => {
    const timm = await fixtureTensors('timm-vit.safetensors');
    const model = new Setr({ ...timmConfig(), embedDim: 64 });
    const before = model.backbone.posEmbed.data.dataSync().slice();
    expect(() => importTimmViT(model, timm)).toThrow(
      /importTimmViT: loadStateDict: .*mis-shaped keys \(\d+\): cls_token: checkpoint \[1,1,32\], model \[1,1,64\]/s,
    );
    expect(model.backbone.posEmbed.data.dataSync()).toEqual(before);
    model.dispose();
    disposeAll(timm);
  });

  it('refuses a checkpoint that lacks blocks, naming them', async () => {
    const timm = await fixtureTensors('timm-vit.safetensors');
    const model = new Setr({ ...timmConfig(), depth: 3 });
    expect(() => importTimmViT(model, timm)).toThrow(/missing keys \(12\): blocks\.2\.norm1\.weight, blocks\.2\.norm1\.bias/);
    model.dispose();
    disposeAll(timm);
  });
});

describe('segmentor checkpoints', () => {
  it('a checkpoint without num_batches_tracked loads; a mis-shaped one is refused naming every bad key', async () => {
    const weights = await fixtureTensors('setr-pup.safetensors');
    const model = new Setr(fixtureConfig('setr-pup.json'));
    const counters = Object.keys(weights).filter((k) => k.endsWith('num_batches_tracked'));
    expect(counters.length).toBeGreaterThan(0);
    const withoutCounters: Record<string, Tensor> = Object.fromEntries(Object.entries(weights).filter(([k]) => !counters.includes(k)));
    expect(model.loadStateDict(withoutCounters)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const other = new Setr({ ...fixtureConfig('setr-pup.json'), numClasses: 7 });
    expect(() => other.loadStateDict(weights)).toThrow(
      /mis-shaped keys \(8\): decode_head\.conv_seg\.weight: checkpoint \[5,16,1,1\], model \[7,16,1,1\], decode_head\.conv_seg\.bias: checkpoint \[5\], model \[7\], auxiliary_head\.0\.conv_seg\.weight/,
    );
    await expect(other.load(fixturePath('setr-mla.safetensors'))).rejects.toThrow(
      /missing keys .*unexpected keys .*neck\.mla\.channel_proj\.0\.conv\.weight/s,
    );
    for (const m of [model, other]) m.dispose();
    disposeAll(weights);
  });

  it('state-dict names are mmsegmentation’s for the heads and timm’s for the encoder', () => {
    const keys = Object.keys(new Setr(fixtureConfig('setr-mla.json')).stateDict());
    for (const k of [
      'backbone.patch_embed.proj.weight',
      'backbone.cls_token',
      'backbone.pos_embed',
      'backbone.blocks.3.norm1.weight',
      'backbone.blocks.3.attn.qkv.bias',
      'backbone.blocks.3.attn.proj.weight',
      'backbone.blocks.3.mlp.fc2.bias',
      'neck.norm.0.weight',
      'neck.mla.channel_proj.3.conv.weight',
      'neck.mla.channel_proj.3.bn.num_batches_tracked',
      'neck.mla.feat_extract.2.bn.running_var',
      'decode_head.up_convs.1.0.conv.weight',
      'decode_head.up_convs.1.1.bn.weight',
      'decode_head.conv_seg.bias',
      'auxiliary_head.3.conv_seg.weight',
    ])
      expect(keys).toContain(k);
  });
});

describe('loading safetensors from PyTorch onto float32-only backends', () => {
  it('converts float64 checkpoints on the way in (wasm has no float64)', async () => {
    await setBackend('wasm');
    const model = new Setr(fixtureConfig('setr-naive.json'));
    await model.load(fixturePath('setr-naive.safetensors'));
    const w = await loadSafetensors(fixturePath('setr-naive.safetensors'), { backend: 'reference' });
    await expectClose(model.decodeHead.convSeg.weight.data, w['decode_head.conv_seg.weight'], 1e-7, 'conv_seg.weight');
    disposeAll(w);
    model.dispose();
    await setBackend('reference');
  });
});
