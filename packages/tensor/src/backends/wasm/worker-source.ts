/**
 * The program each worker thread runs, as source text: workers are started from a string (Node's
 * `eval` workers, a Blob URL in browsers), so the same code works from src/ and dist/ and in bundles.
 * It is plain JavaScript, kept small, and speaks the protocol of pool.ts through the control words.
 *
 * A worker instantiates the kernel module over the shared memory, says it is ready, then loops: sleep
 * until the job counter moves, claim task numbers of that job one at a time (compare-and-swap on the
 * claim word, whose high bits carry the job's number so that a late worker cannot claim a task of the
 * next job), run each, count it done, and wake the caller when the last one finishes.
 */
import { CONTROL } from './control.js';

const body = `
'use strict';
const C = ${JSON.stringify(CONTROL)};
function start(init) {
  const ctrl = new Int32Array(init.control);
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const kernels = init.kernels.map((name) => instance.exports[name]);
  const slot = init.slot;
  Atomics.add(ctrl, C.READY, 1);
  Atomics.notify(ctrl, C.READY);
  let seen = Atomics.load(ctrl, C.SEQ);
  for (;;) {
    let seq = Atomics.load(ctrl, C.SEQ);
    // polling for a while catches back-to-back jobs without the cost of sleeping and waking
    const until = performance.now() + C.SPIN_MS;
    while (seq === seen && performance.now() < until) {
      for (let i = 0; i < 1000 && seq === seen; i++) seq = Atomics.load(ctrl, C.SEQ);
    }
    if (seq === seen) {
      Atomics.wait(ctrl, C.SEQ, seen);
      continue;
    }
    seen = seq;
    const kernel = kernels[Atomics.load(ctrl, C.KERNEL)];
    const job = Atomics.load(ctrl, C.JOB);
    const total = Atomics.load(ctrl, C.TOTAL);
    for (;;) {
      const claim = Atomics.load(ctrl, C.CLAIM);
      const task = claim & C.TASK_MASK;
      if (claim >>> C.TAG_SHIFT !== seq || task >= total) break;
      if (Atomics.compareExchange(ctrl, C.CLAIM, claim, claim + 1) !== claim) continue;
      try {
        kernel(job, task, slot);
      } catch (e) {
        Atomics.store(ctrl, C.FAILED, 1);
      }
      Atomics.add(ctrl, C.WORKER_TASKS, 1);
      if (Atomics.add(ctrl, C.DONE, 1) + 1 === total) Atomics.notify(ctrl, C.DONE);
    }
  }
}
// Node (whether the eval'd source runs as a script or, under --input-type=module, as a module) or a browser
if (typeof process === 'object' && process.getBuiltinModule) start(process.getBuiltinModule('node:worker_threads').workerData);
else self.onmessage = (e) => start(e.data);
`;

export const WORKER_SOURCE = body;
