/**
 * The tutorials in `docs/` run as written, so that a chapter can never drift from the code.
 *
 * Each chapter `docs/NN-name.md`, and each other page of docs/ (a guide such as `onnx.md`), is one
 * program: its ```ts blocks, in order, joined into one module (a later block uses what an earlier one
 * made, as in a notebook), run with tsx from the repository root against the built packages, with
 * `SETR_SMOKE=1` (long loops shorten themselves). The contract is chapters.ts's: ```ts norun blocks are
 * shown, not run; every line of the ```text prints blocks must appear, in order, among the lines the
 * program printed. (site.test.ts holds the chapters to the same contract in the page.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docs, inOrder, parseChapter, readChapter } from './chapters.js';

const root = join(docs, '..');
/** Every page of docs/ but the index: the chapters and the guides. */
const pages = readdirSync(docs)
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .sort();
const work = join(root, 'node_modules', '.cache', 'setr-tutorials'); // inside the repository, so '@setr-ts/*' resolve
mkdirSync(work, { recursive: true });

describe('parseChapter', () => {
  it('joins ts blocks, skips norun ones and collects printed lines', () => {
    const md = '# t\n```ts\nconst a = 1;\n```\ntext\n```ts norun\nslow();\n```\n```ts\nconsole.log(a);\n```\n```text prints\n1\n\n```\n';
    const { blocks, prints } = parseChapter(md);
    expect({ program: blocks.join('\n'), prints }).toEqual({ program: 'const a = 1;\n\nconsole.log(a);\n', prints: ['1'] });
  });
});

describe('tutorials (smoke mode)', () => {
  it('finds the numbered chapters and the guides', () => {
    expect(pages.filter((f) => /^\d\d-/.test(f)).length).toBeGreaterThanOrEqual(9);
    expect(pages).toContain('onnx.md');
  });
  for (const page of pages) {
    const { blocks, prints } = readChapter(page);
    const program = blocks.join('\n');
    if (program.trim() === '') continue;
    it(`${page} runs and prints what it says`, () => {
      const file = join(work, page.replace(/\.md$/, '.mts'));
      writeFileSync(file, program);
      const out = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [file], {
        cwd: root,
        env: { ...process.env, SETR_SMOKE: '1' },
        encoding: 'utf8',
        timeout: 180_000,
      });
      const missing = inOrder(
        out.split('\n').map((l) => l.trimEnd()),
        prints,
      );
      expect(missing, `${page}: this printed line is missing or out of order:\n${missing}\n--- printed:\n${out}`).toBeNull();
    }, 200_000);
  }
});
