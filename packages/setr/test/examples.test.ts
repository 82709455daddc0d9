/**
 * The SETR examples in `examples/` run (in their SETR_SMOKE=1 mode) against the built packages, and
 * say what they promise: the shapes run trains and validates, the CamVid run leaves a complete run
 * folder, the timm import drops timm's extra tensors and resizes the position embedding, and the
 * prediction writes an overlay PNG of the photo's size.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (file: string, ...args: string[]) =>
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'examples', file), ...args], {
    cwd: root,
    env: { ...process.env, SETR_SMOKE: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // a failure's stderr goes into the thrown error's message
    timeout: 150_000,
  });

describe('SETR examples (smoke mode)', () => {
  it('setr-shapes trains one epoch of each decoder and validates it', () => {
    for (const decoder of ['naive', 'pup', 'mla']) {
      const out = run('setr-shapes.ts', '--decoder', decoder);
      expect(out).toMatch(/^epoch 1: loss \d+\.\d{3}, val mIoU \d\.\d{3}$/m);
      const params = Number(out.match(new RegExp(`SETR-${decoder}: (\\d+) parameters`))?.[1]);
      expect(params).toBeGreaterThan(100_000);
      expect(params).toBeLessThan(400_000);
      expect(out).toMatch(/best val mIoU \d\.\d{3} at epoch 1/);
    }
  }, 200_000);

  it('setr-shapes refuses an unknown decoder', () => {
    expect(() => run('setr-shapes.ts', '--decoder', 'fcn')).toThrow(/--decoder must be naive, pup or mla/);
  });

  it('setr-camvid trains through trainSetr and leaves metrics, checkpoints, curves and predictions', () => {
    const out = run('setr-camvid.ts');
    expect(out).toContain('setr-tiny-mla on 16 training and 8 validation pictures, 1 epoch(s)');
    const loss = Number(out.match(/epoch 1: mean loss (\d+\.\d+)/)?.[1]);
    expect(loss).toBeGreaterThan(1); // untrained: near 2.40 × (1 + 4 × 0.4)
    expect(loss).toBeLessThan(8);
    for (const f of ['best.safetensors', 'checkpoint.json', 'curves.png', 'metrics.json', 'predictions.png', 'epoch-001.model.safetensors'])
      expect(out).toContain(f);
  }, 150_000);

  it('timm-import loads timm names, drops norm and head, resizes pos_embed 3×3 → 4×6', () => {
    const out = run('timm-import.ts');
    expect(out).toContain('dropped (SETR has no use for them): head.bias, head.weight, norm.bias, norm.weight');
    expect(out).toContain('pos_embed resized from 3×3 to 4×6: [1,25,32]');
    expect(out).toContain('blocks.1.attn.qkv.weight imported unchanged: true');
    expect(out).toContain('forward: logits [1,5,32,48]');
  });

  it('predict-image segments a CamVid photo with the shipped checkpoint and writes its overlay', async () => {
    const out = run('predict-image.ts');
    expect(out).toContain('0016E5_08049.png: 96×128, one pass');
    const classes = out.match(/largest classes: (.*)/)?.[1] ?? '';
    expect(classes).toMatch(/Building/);
    expect(classes).toMatch(/Road/);
    const file = out.match(/overlay written: (.*\.png)/)?.[1] ?? '';
    expect(existsSync(file)).toBe(true);
    const meta = await sharp(file).metadata();
    expect([meta.height, meta.width, meta.channels]).toEqual([96, 128, 3]);
  });
});
