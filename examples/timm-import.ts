/**
 * Starting SETR's encoder from a timm ViT checkpoint, as the paper starts from ImageNet weights. timm
 * names a ViT's tensors as our encoder does (`patch_embed.proj.weight`, `cls_token`, `pos_embed`,
 * `blocks.{i}.attn.qkv.weight`, ...) without the segmentor's `backbone.` prefix, and adds a final
 * `norm` and a classifier `head` that SETR does not use. Real checkpoints are large downloads
 * (ViT-Large: 304 M parameters, 1.2 GB in float32); this example writes a small one in timm's layout itself — a
 * 2-block ViT of width 32 on a square 3×3 patch grid, with random weights — and imports it into a
 * SETR whose grid is 4×6, so the position embedding must be resized.
 *
 *   npx tsx examples/timm-import.ts [checkpoint.safetensors]     # a real timm file: give its path (and edit the config)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@setr-ts/autograd';
import { loadSafetensors, saveSafetensors, shapesOnly } from '@setr-ts/nn';
import { importTimmViT, preset, Setr, type SetrConfig, VisionTransformer } from '@setr-ts/setr';
import { manualSeed, randn, type Tensor } from '@setr-ts/tensor';

manualSeed(0);
const encoder = { patchSize: 8, embedDim: 32, depth: 2, numHeads: 4, mlpRatio: 4 };

/** A timm-layout state dict: a ViT trained on 24×24 inputs (3×3 patches), its final norm and a 10-class head. */
function timmCheckpoint(): Record<string, Tensor> {
  const vit = new VisionTransformer({ ...preset('setr-tiny-naive'), ...encoder, imgSize: [24, 24] });
  const dict: Record<string, Tensor> = { ...vit.stateDict() }; // timm's names: this is timm's ViT layout
  dict['norm.weight'] = randn([encoder.embedDim]);
  dict['norm.bias'] = randn([encoder.embedDim]);
  dict['head.weight'] = randn([10, encoder.embedDim]);
  dict['head.bias'] = randn([10]);
  return dict;
}

let path = process.argv[2];
if (!path) {
  path = join(mkdtempSync(join(tmpdir(), 'timm-')), 'vit_tiny_example.safetensors');
  await saveSafetensors(path, timmCheckpoint());
}
const checkpoint = await loadSafetensors(path);
console.log(`checkpoint: ${Object.keys(checkpoint).length} tensors, e.g. ${Object.keys(checkpoint).slice(0, 4).join(', ')}`);
console.log(`pos_embed [${checkpoint.pos_embed.shape}]: a cls position and a 3×3 grid`);

// a SETR-Naive for 32×48 inputs (a 4×6 grid) with the checkpoint's encoder; the heads start fresh
const base = preset('setr-tiny-naive');
const head = { channels: 16, numConvs: 1, kernelSize: 1, upScale: 1 }; // a Naive head of 16 channels
const config: SetrConfig = {
  ...base,
  ...encoder,
  imgSize: [32, 48],
  numClasses: 5,
  decoder: { kind: 'naive', tap: 1, ...head }, // the last block
  auxHeads: [{ kind: 'up', tap: 0, ...head, lossWeight: 0.4 }],
};
console.log(`SETR parameters: ${shapesOnly(() => new Setr(config)).numParameters()}`);
const model = new Setr(config);
const { dropped, resized } = importTimmViT(model, checkpoint);
console.log(`dropped (SETR has no use for them): ${dropped.join(', ')}`);
console.log(`pos_embed resized from ${resized?.from.join('×')} to ${resized?.to.join('×')}: [${model.backbone.posEmbed.shape}]`);

const key = 'blocks.1.attn.qkv.weight';
const same = String(model.backbone.stateDict()[key].dataSync()) === String(checkpoint[key].dataSync());
console.log(`${key} imported unchanged: ${same}; in SETR's state dict it is backbone.${key}`);
const logits = noGrad(() => model.eval().forward(randn([1, 3, 32, 48])).logits);
console.log(`forward: logits [${logits.shape}]`);
for (const t of Object.values(checkpoint)) t.dispose();
model.dispose();
