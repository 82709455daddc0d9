/**
 * examples/vit-block.ts (chapter 5's program) runs in its smoke mode against the built packages: a
 * ViT block at the CamVid models' size, with the shapes it asserts at each step, its attention rows,
 * and a backward pass that reaches every parameter.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

describe('examples/vit-block.ts (smoke mode)', () => {
  it('prints every step with its shape, attention rows that sum to 1 and a gradient for every parameter', () => {
    const out = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'examples', 'vit-block.ts')], {
      cwd: root,
      env: { ...process.env, SETR_SMOKE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const shapes = Object.fromEntries([...out.matchAll(/^(.+?)\s+\[([\d, ]+)\]$/gm)].map((m) => [m[1].trim(), m[2]]));
    expect(shapes).toEqual({
      images: '2, 3, 96, 128',
      'patch_embed: conv 8×8, stride 8': '2, 192, 128',
      '[cls; tokens] + pos_embed': '2, 193, 128',
      'attention weights': '2, 4, 193, 193',
      'block output': '2, 193, 128',
      'gradient of attn.qkv.weight': '384, 128',
    });
    // 2 LayerNorms (2·256) + attention (128·384 + 384 + 128·128 + 128) + MLP (128·512 + 512 + 512·128 + 128)
    expect(out).toContain('block: 198,272 parameters');
    expect(out).toContain('every attention row sums to 1: true');
    expect(out).toContain('parameters with a gradient of their shape: 12 of 12');
    const [, update, input] = out.match(/rms of the block's update (\d+\.\d+) against rms of its input (\d+\.\d+)/) ?? [];
    expect(Number(update)).toBeGreaterThan(0); // the block changes the residual stream ...
    expect(Number(update)).toBeLessThan(Number(input) * 2); // ... without swamping it at initialisation
  }, 150_000);
});
