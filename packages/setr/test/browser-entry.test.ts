/**
 * The browser entry (src/browser.ts, the package's `browser` export condition) must reach nothing
 * Node-only: no `node:` module, no sharp, vega or cli-progress, through any chain of this package's own
 * imports. And it must be a subset of the Node entry: the same objects under the same names.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import * as browser from '../src/browser.js';
import * as node from '../src/index.js';
import { loadTrainedModel } from '../src/model-file.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const NODE_ONLY = /^(node:|sharp$|vega|cli-progress$|fs$|path$|os$|worker_threads$)/;

/** Every module specifier a file imports or re-exports (type-only ones excluded: they vanish in the build). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) if (!m[1]) out.push(m[2]);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

/** The files reachable from `entry` through relative imports, and the packages they import. */
function graph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const s of specifiers(file)) {
      if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
      else if (!packages.has(s)) packages.set(s, file.slice(srcDir.length));
    }
  };
  visit(join(srcDir, entry));
  return { files, packages };
}

it('reaches no Node-only module', () => {
  const { files, packages } = graph('browser.ts');
  const offending = [...packages].filter(([p]) => NODE_ONLY.test(p)).map(([p, from]) => `${p} (imported by ${from})`);
  expect(offending).toEqual([]);
  expect([...packages.keys()].sort()).toEqual(['@setr-ts/autograd', '@setr-ts/nn', '@setr-ts/tensor', 'fast-png']);
  expect(files.size).toBeGreaterThan(20); // the walk did follow the imports
});

it('the Node entry does reach them (so the walk can see them)', () => {
  const { packages } = graph('index.ts');
  expect([...packages.keys()].filter((p) => NODE_ONLY.test(p))).toEqual(expect.arrayContaining(['sharp', 'node:fs']));
});

it('exports a subset of the Node entry, the same objects', () => {
  const names = Object.keys(browser);
  expect(names.length).toBeGreaterThan(40);
  for (const name of names)
    expect([name, (node as Record<string, unknown>)[name]]).toEqual([name, (browser as Record<string, unknown>)[name]]);
  // training runs in both: the loop, its data and its checkpoints (the run's files in IndexedDB there)
  for (const name of ['trainLoop', 'TrainLoader', 'evaluate', 'evalBatches', 'readCheckpoint', 'fetchCamVid', 'indexedDbRunFiles'])
    expect(name in browser, name).toBe(true);
  const nodeOnly = Object.keys(node).filter((n) => !(n in browser));
  // the Node-only exports stay out (others may be added to both entries)
  expect(nodeOnly).toEqual(
    expect.arrayContaining(['encodePng', 'loadCamVid', 'loadConfig', 'readImage', 'readLabelImage', 'runFolder', 'trainSetr', 'writePng']),
  );
});

it('trainedModelFromBytes builds the model loadTrainedModel builds from the same file', async () => {
  const file = fileURLToPath(new URL('../../../models/setr-tiny-mla-camvid/model.safetensors', import.meta.url));
  const fromFile = await loadTrainedModel(file);
  const fromBytes = browser.trainedModelFromBytes(readFileSync(file), 'model.safetensors');
  try {
    expect(fromBytes.config).toEqual(fromFile.config);
    expect(fromBytes.classNames).toEqual(fromFile.classNames);
    expect(fromBytes.palette).toEqual(fromFile.palette);
    expect(fromBytes.model.training).toBe(false);
    const [a, b] = [fromFile.model.stateDict(), fromBytes.model.stateDict()];
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect([k, Array.from(b[k].dataSync())]).toEqual([k, Array.from(a[k].dataSync())]);
  } finally {
    fromFile.model.dispose();
    fromBytes.model.dispose();
  }
  expect(() => browser.trainedModelFromBytes(new Uint8Array(4), 'broken.safetensors')).toThrow(/broken\.safetensors/);
});
