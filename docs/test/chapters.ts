/**
 * The tutorials' contract, which tutorials.test.ts (in Node) and site.test.ts (in the page) hold them
 * to: a chapter's ```ts blocks, in order, are its program (```ts norun ones are shown, not run); every
 * line of its ```text prints blocks must appear, in order, among the lines the program printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const docs = join(import.meta.dirname, '..');

/** The numbered chapters' file names, in order. */
export function chapterNames(): string[] {
  return readdirSync(docs)
    .filter((f) => /^\d\d-.+\.md$/.test(f))
    .sort();
}

/** A chapter's runnable blocks and the printed lines it promises. */
export function parseChapter(markdown: string): { blocks: string[]; prints: string[] } {
  const fences = [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)];
  const blocks = fences.filter((m) => m[1].trim() === 'ts').map((m) => m[2]);
  const prints = fences
    .filter((m) => m[1].trim() === 'text prints')
    .flatMap((m) => m[2].split('\n'))
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  return { blocks, prints };
}

export function readChapter(name: string): { blocks: string[]; prints: string[] } {
  return parseChapter(readFileSync(join(docs, name), 'utf8'));
}

/** The first line of `expected` that is not found in `lines` in order (others may come between), or null. */
export function inOrder(lines: readonly string[], expected: readonly string[]): string | null {
  let at = 0;
  for (const want of expected) {
    while (at < lines.length && lines[at] !== want) at++;
    if (at === lines.length) return want;
    at++;
  }
  return null;
}
