#!/usr/bin/env node
/**
 * Builds the wasm backend's kernels (assembly/) into build/, one module per variant:
 *
 *   setr-kernels.wasm                  SIMD, private memory (browsers that are not cross-origin isolated)
 *   setr-kernels-threads.wasm          SIMD, shared memory (worker threads)
 *   setr-kernels-relaxed.wasm          + relaxed SIMD (fused multiply-add), private memory
 *   setr-kernels-relaxed-threads.wasm  + relaxed SIMD, shared memory
 *
 * The variants differ only in flags: memory is imported in all of them (the TypeScript side creates
 * it), and `ASC_FEATURE_RELAXED_SIMD` selects the multiply-add at compile time. At run time the backend
 * picks the relaxed build where WebAssembly.validate accepts it. Each file is written to a temporary
 * name and renamed, so a failed build never leaves a truncated module behind.
 *
 * The kernels write AssemblyScript's "always inline" as a `// @inline` line above a function: as a
 * decorator (AssemblyScript's own spelling) a function's `@inline` is no TypeScript, and neither tsc nor
 * biome, which lints and formats assembly/ like the rest, can parse it. `readSource` turns each such
 * line back into the decorator as the compiler reads the file (same lines, so messages point at the
 * source); the modules are byte for byte those the decorators make.
 *
 * Usage: node scripts/build-wasm.mjs
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build');

const common = [
  join(root, 'assembly', 'index.ts'),
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--noAssert',
  '--runtime',
  'stub',
  '--importMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
  '--enable',
  'simd',
];

const variants = [
  { file: 'setr-kernels.wasm', flags: [] },
  { file: 'setr-kernels-threads.wasm', flags: ['--sharedMemory', '--enable', 'threads'] },
  { file: 'setr-kernels-relaxed.wasm', flags: ['--enable', 'relaxed-simd'] },
  { file: 'setr-kernels-relaxed-threads.wasm', flags: ['--sharedMemory', '--enable', 'threads', '--enable', 'relaxed-simd'] },
];

/** asc's file reader (null for a file that is not there), with `// @inline` lines made decorators again. */
function readSource(name, baseDir) {
  let text;
  try {
    text = readFileSync(resolve(baseDir, name), 'utf8');
  } catch {
    return null;
  }
  return name.endsWith('.ts') ? text.replace(/^(\s*)\/\/ @inline$/gm, '$1@inline') : text;
}

for (const generator of ['gen-microkernel.mjs', 'gen-contract.mjs']) {
  execFileSync(process.execPath, [join(root, 'scripts', generator)], { stdio: 'inherit' });
}
mkdirSync(outDir, { recursive: true });
for (const v of variants) {
  const target = join(outDir, v.file);
  const temp = `${target}.${process.pid}.tmp`;
  const { error, stderr } = await asc.main([...common, ...v.flags, '--outFile', temp], { readFile: readSource });
  if (error) {
    console.error(stderr.toString());
    throw new Error(`build-wasm: compiling ${v.file} failed: ${error.message}`);
  }
  renameSync(temp, target);
  console.log(`build-wasm: wrote build/${v.file}`);
}
