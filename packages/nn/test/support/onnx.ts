/**
 * The ONNX checks: onnxruntime-node (a devDependency; its CPU binary ships in the npm package) runs an
 * exported model, and where /usr/bin/python3 has Debian's python3-onnx, `onnx.checker.check_model(path,
 * full_check=True)` (which also runs ONNX's shape inference) reads the files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Tensor } from '@setr-ts/tensor';
import * as ort from 'onnxruntime-node';

/** Runs the model `bytes` on `feeds` (float32 tensors) and returns every output as a flat array with its shape. */
export async function runOnnx(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor('float32', Float32Array.from(t.dataSync()), [...t.shape])]),
    );
    const outputs = await session.run(inputs);
    return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { data: t.data as Float32Array, dims: t.dims }]));
  } finally {
    await session.release();
  }
}

/** Largest |a − b| over the elements of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: ${a.length} vs ${b.length} elements`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const python = '/usr/bin/python3';

/** Whether /usr/bin/python3 can import onnx (Debian's python3-onnx). */
export const hasOnnxChecker =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ['-c', 'import onnx'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

/** Runs `onnx.checker.check_model(path, full_check=True)` on each file; returns the checker's message per failing file. */
export function checkOnnxFiles(paths: readonly string[]): Record<string, string> {
  const script = [
    'import json, sys, onnx',
    'bad = {}',
    'for p in sys.argv[1:]:',
    '    try:',
    '        onnx.checker.check_model(p, full_check=True)',
    '    except Exception as e:',
    '        bad[p] = str(e)',
    'print(json.dumps(bad))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', script, ...paths], { encoding: 'utf8' }));
}
