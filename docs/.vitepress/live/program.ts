/**
 * A chapter's blocks as one program that runs a block at a time, as a notebook does.
 *
 * tutorials.test.ts joins a chapter's ```ts blocks into one module and runs it. The page runs the same
 * code block by block (Run on block 5 runs blocks 1–4 first), so that each block's output can appear
 * under it and a block can be edited and run again. Each block becomes an async function evaluated
 * *inside the scope of the block before it*: the block's code, then a `return` of a small evaluator,
 * `(src) => eval(src)`, written in that scope. Block k+1's code is handed to block k's evaluator, so
 * it sees every declaration of blocks 1..k exactly as the joined module would (closures, `let`
 * reassignment and all); running block k again (edited or not) hands it to block k−1's evaluator.
 *
 * Per block: TypeScript is stripped with sucrase (no type check, line numbers kept); each `import`
 * becomes a `const` taken from `__require` (the worker's table of modules: the packages, gpu.js and
 * the `node:` stand-ins); `export` in front of a declaration is dropped. What differs from the joined
 * module: a function declared in a later block is not hoisted into an earlier one.
 */
import { transform } from 'sucrase';

/** Evaluates one block's compiled source in the scope of the blocks before it. */
export type Evaluator = (source: string) => unknown;

const IMPORT_FROM =
  /^[ \t]*import\s+(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\*\s*as\s+([A-Za-z_$][\w$]*)|\{([^}]*)\})?\s*from\s*(['"])([^'"]+)\4[ \t]*;?/gm;
const IMPORT_BARE = /^[ \t]*import\s*(['"])([^'"]+)\1[ \t]*;?/gm;

/** `a, b as c` → `a, b: c` (a destructuring pattern). */
function bindings(list: string): string {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => s.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'))
    .join(', ');
}

let importCount = 0;

/** `import` statements (already without their type-only parts) → `const`s from `__require`, on the same lines. */
export function rewriteImports(js: string): string {
  const keepLines = (text: string, code: string) => code + '\n'.repeat((text.match(/\n/g) ?? []).length);
  return js
    .replace(IMPORT_FROM, (text, def: string | undefined, ns: string | undefined, named: string | undefined, _q, id: string) => {
      const m = `__import${importCount++}`;
      const parts = [`const ${m} = __require(${JSON.stringify(id)});`];
      if (def) parts.push(`const ${def} = ${m}.default;`);
      if (ns) parts.push(`const ${ns} = ${m};`);
      if (named !== undefined && bindings(named) !== '') parts.push(`const { ${bindings(named)} } = ${m};`);
      return keepLines(text, parts.join(' '));
    })
    .replace(IMPORT_BARE, (_text, _q, id: string) => `__require(${JSON.stringify(id)});`);
}

/** Line 1 of a block is line 2 of its compiled source (the wrapper's opening line comes first). */
export const HEADER_LINES = 1;

/**
 * One block's TypeScript → the source to hand to the previous block's evaluator: an async arrow that
 * runs the block and returns the evaluator of its own scope.
 */
export function compileBlock(ts: string, index: number): string {
  const js = transform(ts, { transforms: ['typescript'], keepUnusedImports: true, disableESTransforms: true }).code;
  const body = rewriteImports(js).replace(/^([ \t]*)export\s+(?=(async\s+)?(function|class|const|let|var)\b)/gm, '$1');
  // the sourceURL names the block in stack traces: `block-3.ts:14:7` is line 14 of the third block
  return `(async () => { 'use strict';\n${body}\n;return { evaluate: (__source) => eval(__source) };\n})()\n//# sourceURL=block-${index + 1}.ts`;
}

/** The evaluator of the scope the first block runs in: the globals and `__require` only. */
export function rootEvaluator(require: (id: string) => unknown): Evaluator {
  // a function made from text, so that its scope holds nothing of this module's, and so that no
  // bundler sees an `eval` it would warn about
  const make = new Function('__require', "'use strict'; return (__source) => eval(__source);") as (r: typeof require) => Evaluator;
  return make(require);
}

/** Runs a compiled block with `evaluate` (the previous block's); resolves to this block's evaluator. */
export async function runBlock(evaluate: Evaluator, compiled: string): Promise<Evaluator> {
  const result = (await evaluate(compiled)) as { evaluate: Evaluator };
  return result.evaluate;
}

/** Where in the blocks an error was thrown: `block-3.ts:15:7` in its stack → `block 3, line 14`; null if in none. */
export function blockLine(error: unknown): string | null {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const m = /block-(\d+)\.ts:(\d+):\d+/.exec(stack);
  return m ? `block ${m[1]}, line ${Number(m[2]) - HEADER_LINES}` : null;
}
