/**
 * The live code's runtime, checked in Node (fast, no browser): the block-by-block program (a chapter's
 * blocks in one scope, a block run again or edited, imports), the page's `node:path` against Node's,
 * its PNG decoder against sharp's on the shipped CamVid pictures, and its in-memory file system.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blockLine, compileBlock, type Evaluator, rewriteImports, rootEvaluator, runBlock } from '../.vitepress/live/program.js';
import * as fs from '../.vitepress/live/shims/fs.js';
import * as path from '../.vitepress/live/shims/path.js';
import { decodePng, encodePng } from '../.vitepress/live/shims/png.js';
import { configureFiles } from '../.vitepress/live/shims/vfs.js';
import { docs } from './chapters.js';

/** Runs blocks in order in one program; returns the evaluators and what they printed. */
async function runAll(blocks: string[], modules: Record<string, unknown> = {}) {
  const printed: string[] = [];
  const require = (id: string) => {
    if (id === 'printer') return { print: (s: unknown) => printed.push(String(s)) };
    if (id in modules) return modules[id];
    throw new Error(`no module ${id}`);
  };
  const evaluators: Evaluator[] = [rootEvaluator(require)];
  for (const [i, b] of blocks.entries()) evaluators.push(await runBlock(evaluators[i], compileBlock(b, i)));
  return { evaluators, printed };
}

describe('a chapter as blocks of one program', () => {
  it('turns imports into constants from __require, line for line', () => {
    const js = rewriteImports(
      [
        "import * as T from '@setr-ts/tensor';",
        "import gpu, { GPU, a as b } from 'gpu.js';",
        'import {',
        '  x,',
        '  y,',
        "} from 'm';",
        "import 'side';",
      ].join('\n'),
    );
    expect(js.split('\n')).toHaveLength(7);
    expect(js).toMatch(/const T = __import\d+;/);
    expect(js).toMatch(/const gpu = __import\d+\.default; const \{ GPU, a: b \} = __import\d+;/);
    expect(js).toMatch(/const \{ x, y \} = __import\d+;/);
    expect(js).toContain('__require("side");');
  });

  it('shares declarations between blocks, closures and let included, with TypeScript stripped', async () => {
    const { printed } = await runAll([
      "import { print } from 'printer';\nlet n: number = 1;\nconst twice = (v: number): number => 2 * v;\nclass Box { constructor(readonly v: number) {} }",
      "n += 1;\nfunction show(b: Box) { print(b.v + ' ' + n); }",
      'show(new Box(twice(n)));\nconst later = await Promise.resolve(n as number);\nprint(later);',
    ]);
    expect(printed).toEqual(['4 2', '2']);
  });

  it('runs a block again, or an edited one, in the scope of the blocks before it', async () => {
    const { evaluators, printed } = await runAll(["import { print } from 'printer';\nconst a = 6;", 'const b = a * 7;\nprint(b);']);
    // block 2 edited: run with block 1's evaluator; its new declarations replace the old ones for later blocks
    const edited = await runBlock(evaluators[1], compileBlock('const b = a * 8;\nprint(b);', 1));
    await runBlock(edited, compileBlock('print(b + 1);', 2));
    expect(printed).toEqual(['42', '48', '49']);
  });

  it('names the block and line of an error', async () => {
    const ev = rootEvaluator(() => ({}));
    const error = await runBlock(ev, compileBlock('const x = 1;\n\nnull.boom;', 4)).catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(blockLine(error)).toBe('block 5, line 3');
  });
});

describe("the page's node:path", () => {
  const cases = ['a/b/../c', '/a//b/./c/', '../x/y', '.', '', 'a/b/', '/'];
  it('normalizes, joins, splits and relates as Node does', () => {
    for (const c of cases) {
      expect(path.normalize(c), c).toBe(posix.normalize(c));
      expect(path.dirname(c), c).toBe(posix.dirname(c));
      expect(path.basename(c), c).toBe(posix.basename(c));
      expect(path.extname(`${c}.png`), c).toBe(posix.extname(`${c}.png`));
    }
    expect(path.join('data', 'camvid/96x128', '..', 'x.png')).toBe(posix.join('data', 'camvid/96x128', '..', 'x.png'));
    expect(path.parse('/tmp/a.b.tmp')).toEqual(posix.parse('/tmp/a.b.tmp'));
    expect(path.relative('/repo/a/b', '/repo/c')).toBe(posix.relative('/repo/a/b', '/repo/c'));
    expect(path.resolve('data', '../models')).toBe('/repo/models'); // relative to the page's working directory
    expect(path.resolve('/tmp', 'x')).toBe('/tmp/x');
  });
});

describe("the page's PNG codec", () => {
  const camvid = posix.join(docs, '..', 'data/camvid/96x128');
  it('decodes a CamVid photo and its label map sample for sample as sharp does', async () => {
    // as setr reads them: a photo as RGB, a label map as its one channel (sharp's raw output of grey is RGB)
    for (const [file, channel] of [
      ['val/0016E5_07959.png', null],
      ['valannot/0016E5_07959.png', 0],
    ] as const) {
      const bytes = readFileSync(posix.join(camvid, file));
      const mine = await decodePng(bytes);
      const s = channel === null ? sharp(bytes).removeAlpha().toColourspace('srgb') : sharp(bytes).extractChannel(channel);
      const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
      expect([mine.height, mine.width, mine.channels], file).toEqual([info.height, info.width, info.channels]);
      expect(Buffer.from(mine.data).equals(data), file).toBe(true);
    }
  });

  it('writes PNG files that decode to what was written', async () => {
    const rgb = Uint8Array.from({ length: 5 * 7 * 3 }, (_, i) => (i * 37) % 256);
    const png = await encodePng(rgb, 7, 5, 3);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([7, 5, 3]);
    expect(Buffer.from(rgb).equals(data)).toBe(true);
    expect((await decodePng(png)).data).toEqual(rgb);
  });
});

describe("the page's file system", () => {
  it('keeps what is written, lists, renames and removes, with Node error codes', () => {
    const pictures: string[] = [];
    configureFiles('http://site/files/', [{ path: 'models/m/model.safetensors', size: 10 }], (p) => pictures.push(p));
    expect(fs.readdirSync('models/m')).toEqual(['model.safetensors']);
    expect(fs.statSync('models')?.isDirectory()).toBe(true);
    expect(fs.existsSync('/repo/models/m/model.safetensors')).toBe(true);
    fs.mkdirSync('/tmp/run/a', { recursive: true });
    fs.writeFileSync('/tmp/run/a/x.txt', 'hello');
    expect(fs.readFileSync('/tmp/run/a/x.txt', 'utf8')).toBe('hello');
    expect(fs.readFileSync('/tmp/run/a/x.txt').toString()).toBe('hello');
    const fd = fs.openSync('/tmp/run/.pred.png.1.abc.tmp', 'wx');
    fs.writeSync(fd, new Uint8Array([1, 2, 3]));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync('/tmp/run/.pred.png.1.abc.tmp', '/tmp/run/pred.png');
    expect(pictures).toEqual(['/tmp/run/pred.png']);
    expect(fs.readdirSync('/tmp/run')).toEqual(['a', 'pred.png']);
    expect(() => fs.readFileSync('/tmp/nope')).toThrow(/^ENOENT: no such file or directory, open '\/tmp\/nope'$/);
    expect(() => fs.openSync('/tmp/run/pred.png', 'wx')).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => fs.rmSync('/tmp/run')).toThrow(expect.objectContaining({ code: 'ENOTEMPTY' }));
    fs.rmSync('/tmp/run', { recursive: true });
    expect(fs.existsSync('/tmp/run/a/x.txt')).toBe(false);
  });
});
