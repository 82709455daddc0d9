/**
 * The tutorials in `docs/` run as written, so that a chapter can never drift from the code.
 *
 * Each chapter `docs/NN-name.md`, and each other page of docs/ (a guide such as `onnx.md`), is one program: its ```ts blocks, in order, joined into one module
 * (a later block uses what an earlier one made, as in a notebook), run with tsx from the repository
 * root against the built packages, with `SETR_SMOKE=1` (long loops shorten themselves). A block
 * fenced as ```ts norun is shown but not run (a command that trains for minutes, say). A block fenced
 * as ```text prints is the output the reader should see: each of its lines must appear, in order, among
 * the lines the program printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const docs = join(root, 'docs');
const chapters = readdirSync(docs)
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .sort();
const work = join(root, 'node_modules', '.cache', 'setr-tutorials'); // inside the repository, so '@setr-ts/*' resolve
mkdirSync(work, { recursive: true });

/** A chapter's runnable program and the printed lines it promises. */
function parseChapter(markdown: string): { program: string; prints: string[] } {
  const fences = [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)];
  const program = fences
    .filter((m) => m[1].trim() === 'ts')
    .map((m) => m[2])
    .join('\n');
  const prints = fences
    .filter((m) => m[1].trim() === 'text prints')
    .flatMap((m) => m[2].split('\n'))
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  return { program, prints };
}

/** True when `expected` appears in `lines` in order (other lines may come between). */
function inOrder(lines: string[], expected: string[]): string | null {
  let at = 0;
  for (const want of expected) {
    while (at < lines.length && lines[at] !== want) at++;
    if (at === lines.length) return want;
    at++;
  }
  return null;
}

describe('parseChapter', () => {
  it('joins ts blocks, skips norun ones and collects printed lines', () => {
    const md = '# t\n```ts\nconst a = 1;\n```\ntext\n```ts norun\nslow();\n```\n```ts\nconsole.log(a);\n```\n```text prints\n1\n\n```\n';
    expect(parseChapter(md)).toEqual({ program: 'const a = 1;\n\nconsole.log(a);\n', prints: ['1'] });
  });
});

describe('tutorials (smoke mode)', () => {
  it('finds the numbered chapters and the guides', () => {
    expect(chapters.filter((f) => /^\d\d-/.test(f)).length).toBeGreaterThanOrEqual(9);
    expect(chapters).toContain('onnx.md');
  });
  for (const chapter of chapters) {
    const { program, prints } = parseChapter(readFileSync(join(docs, chapter), 'utf8'));
    if (program.trim() === '') continue;
    it(`${chapter} runs and prints what it says`, () => {
      const file = join(work, chapter.replace(/\.md$/, '.mts'));
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
      expect(missing, `${chapter}: this printed line is missing or out of order:\n${missing}\n--- printed:\n${out}`).toBeNull();
    }, 200_000);
  }
});
