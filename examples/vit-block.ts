/**
 * One transformer block of SETR's ViT encoder (chapter 5 of docs/), at the size of the CamVid models
 * (`setr-tiny-*`: 96×128 images, 8×8 patches, width 128, 4 heads): an image becomes tokens, gets the
 * class token and the position embeddings, and goes through `Block` — with the shape asserted at
 * every step, the attention weights, a backward pass and the time of each.
 *
 *   z′ = MSA(LN(z)) + z,   z = MLP(LN(z′)) + z′      (Dosovitskiy et al. 2021, Eq. 2–3)
 *
 *   npx tsx examples/vit-block.ts             # a batch of 8 CamVid-sized images
 *   SETR_SMOKE=1 npx tsx examples/vit-block.ts  # a batch of 2 (what the tests run)
 */
import { cat, expand, tidy, variable } from '@setr-ts/autograd';
import { init, Parameter } from '@setr-ts/nn';
import { Block, PatchEmbed } from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';

/** Throws unless `v` has shape `want`; prints the step and the shape. */
function expectShape(step: string, v: { shape: readonly number[] }, want: number[]): void {
  if (v.shape.join() !== want.join()) throw new Error(`${step}: expected [${want}], got [${v.shape}]`);
  console.log(`${step.padEnd(36)} [${v.shape.join(', ')}]`);
}

T.manualSeed(0);
const B = process.env.SETR_SMOKE ? 2 : 8;
const [H, W, P, D, heads] = [96, 128, 8, 128, 4];
const [h, w] = [H / P, W / P]; // 12 × 16 patches
const N = h * w; // 192

const patchEmbed = new PatchEmbed(P, D);
const clsToken = new Parameter(init.truncNormal([1, 1, D], { std: 0.02 }));
const posEmbed = new Parameter(init.truncNormal([1, 1 + N, D], { std: 0.02 }));
const block = new Block(D, heads, { mlpRatio: 4, lnEps: 1e-6, dropRate: 0, attnDropRate: 0, dropPath: 0 });
console.log(`block: ${block.numParameters().toLocaleString('en-US')} parameters`);

const images = variable(T.randn([B, 3, H, W]));
expectShape('images', images, [B, 3, H, W]);
const { tokens } = patchEmbed.forward(images);
expectShape('patch_embed: conv 8×8, stride 8', tokens, [B, N, D]);
const z0 = cat([expand(clsToken, [B, 1, D]), tokens], 1).add(posEmbed);
expectShape('[cls; tokens] + pos_embed', z0, [B, 1 + N, D]);

const t0 = performance.now();
const { out, attention } = block.forwardWithAttention(z0);
const forwardMs = performance.now() - t0;
expectShape('attention weights', attention, [B, heads, 1 + N, 1 + N]);
expectShape('block output', out, [B, 1 + N, D]);
const rowsSumToOne = attention.data.sum(-1).sub(1).abs().max().item() < 1e-5;
console.log(`every attention row sums to 1: ${rowsSumToOne}`);

// the residual stream: the block adds to its input, it does not replace it
const changed = out.sub(z0).data.square().mean().sqrt().item();
const scale = z0.data.square().mean().sqrt().item();
console.log(`rms of the block's update ${changed.toFixed(3)} against rms of its input ${scale.toFixed(3)}`);

// backward through the block: every parameter gets a gradient of its own shape
const t1 = performance.now();
tidy(() => out.square().mean().backward());
const backwardMs = performance.now() - t1;
const withGrad = block.namedParameters().filter(([, p]) => p.grad !== null && p.grad.shape.join() === p.shape.join());
console.log(`parameters with a gradient of their shape: ${withGrad.length} of ${block.namedParameters().length}`);
expectShape('gradient of attn.qkv.weight', block.attn.qkv.weight.grad!, [3 * D, D]);
console.log(`time for a batch of ${B}: forward ${forwardMs.toFixed(0)} ms, backward ${backwardMs.toFixed(0)} ms (this machine, one run)`);
