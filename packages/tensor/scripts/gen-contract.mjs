#!/usr/bin/env node
/**
 * Writes the contract between the wasm backend's two halves from the one table below:
 *
 *   assembly/generated/contract.ts          for the kernels (AssemblyScript: namespaces of i32 constants)
 *   src/backends/wasm/generated/contract.ts for the TypeScript side that writes their jobs
 *
 * The contract is every number both halves must agree on: the elementwise op codes, the field numbers
 * of each kernel's job (its argument block, see assembly/job.ts), the kinds some fields select, and the
 * layout of a thread's scratch slot. Both files are committed, so the sources typecheck without a build;
 * scripts/build-wasm.mjs regenerates them before compiling, and `--check` (run by a test) fails when a
 * committed file differs from what the table makes now.
 *
 * Usage: node scripts/gen-contract.mjs [--check]
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MR, NR } from './gen-microkernel.mjs';

/** An op's name as an AssemblyScript constant: `geluGrad` → `GELU_GRAD`. */
const constantName = (op) => op.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

// ----- the table -----

/**
 * Elementwise ops in code order. A float32 op's code is its group's base plus its position; the int32
 * kernel of the same op (where there is one) is 16 more. The groups ascend by arity (unary < binary <
 * where), which is how the kernel tells how many inputs a code reads.
 */
const UNARY = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'tanh', 'sigmoid', 'erf', 'relu', 'gelu', 'floor'];
const UNARY_INT32 = ['neg', 'abs', 'sign', 'relu'];
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'geluGrad'];
const BINARY_INT32 = ['add', 'sub', 'mul', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const [UNARY_BASE, BINARY_BASE, WHERE, INT32_OFFSET] = [0, 32, 64, 16];

/** Row reductions, in code order. */
const REDUCE = ['sum', 'max', 'min', 'argmax', 'argmin'];

/** Kinds a job field selects, names in code order. */
const KINDS = {
  COPY_MODE: {
    doc: 'How the strided copy converts: a plain 4-byte copy, float32 → int32 (truncating), int32 → float32.',
    names: ['COPY', 'F32_TO_I32', 'I32_TO_F32'],
  },
  GEMM_B_KIND: {
    doc: 'GEMM_JOB.B_KIND: B read through row and column strides, or gathered from an image through offset tables.',
    names: ['STRIDED', 'GATHERED'],
  },
};

const MAX_RANK = 64;
const MAX_INPUTS = 3;
const BLOCK = 1024;
const SLOT_TAIL = 4 * MAX_RANK;
const SLOT_BLOCKS = SLOT_TAIL + 256;
const JOB_HEADER_WORDS = 64;

/** A constant: its value, its AssemblyScript type, and `ts` when only the TypeScript side reads it. */
const scalar = (name, value, type, doc, ts = false) => ({ name, value, type, doc, ts });

/**
 * A thread's scratch ("slot") holds, in bytes from its start, the odometer of a strided walk, a few
 * 4-lane vectors for loop tails, then one block of BLOCK elements per elementwise input. MR and NR reach
 * the kernels through assembly/generated/microkernel.ts, from the same constants.
 */
const SCALARS = [
  scalar('MAX_RANK', MAX_RANK, 'i32', 'Most dims a strided walk keeps after merging: its odometer is that many i32 of scratch.'),
  scalar('BLOCK', BLOCK, 'i32', 'Elements per block of the elementwise kernel, the unit its work is split in.'),
  scalar('SLOT_INDEX', 0, 'usize', "Where a slot's odometer starts, in bytes from the slot's start."),
  scalar('SLOT_TAIL', SLOT_TAIL, 'usize', "Where a slot's tail vectors start."),
  scalar('SLOT_BLOCKS', SLOT_BLOCKS, 'usize', "Where a slot's blocks start, one of BLOCK elements per elementwise input."),
  scalar('SLOT_BYTES', SLOT_BLOCKS + MAX_INPUTS * BLOCK * 4, 'usize', 'Bytes of one slot.', true),
  scalar('TRANSPOSE_STRIP', 8, 'i32', 'Destination rows transposeTask handles together, the unit its work is split in.'),
  scalar('JOB_HEADER_WORDS', JOB_HEADER_WORDS, 'i32', "Words zeroed before every job, where every job's own fields fit.", true),
  scalar('MR', MR, 'i32', 'Rows of the GEMM micro-kernel tile (scripts/gen-microkernel.mjs).', true),
  scalar('NR', NR, 'i32', 'Columns of the GEMM micro-kernel tile.', true),
];

/**
 * The job of each kernel: its fields in order, each `NAME` or `NAME: note`, `NAME[n]` for n consecutive
 * words. A field named last may start arrays that run past the header (shapes and strides).
 */
const JOBS = {
  MAP_JOB: {
    kernel: 'mapTask (elementwise.ts)',
    fields: [
      'CODE: the op code (OP)',
      'COUNT: elements',
      'OUT',
      'TASKS',
      "SCRATCH: slot 0's scratch",
      'SCRATCH_STRIDE: bytes from one slot to the next',
      'RANK: dims of the merged shape',
      'CONTIGUOUS: bit k set when input k is read in place',
      `INPUTS[${MAX_INPUTS}]: the inputs' addresses`,
      "SHAPE: then RANK i32 each: the merged shape, its row-major strides, each input's strides",
    ],
  },
  COPY_JOB: {
    kernel: 'copyTask (layout.ts)',
    fields: [
      'RANK',
      'COUNT',
      'MODE: a COPY_MODE',
      'SRC',
      'DST',
      'TASKS',
      'SCRATCH',
      'SCRATCH_STRIDE',
      'SHAPE: then RANK i32 each: the shape, the source strides, the destination strides',
    ],
  },
  FILL_JOB: { kernel: 'fillTask (layout.ts)', fields: ['COUNT', 'BITS: the 32-bit pattern written', 'DST', 'TASKS'] },
  TRANSPOSE_JOB: {
    kernel: 'transposeTask (layout.ts)',
    fields: [
      'BATCH',
      'ROWS',
      'COLS',
      'SRC',
      'DST',
      'SRC_B: source stride between batches',
      'SRC_J: source stride between columns (rows are contiguous)',
      'DST_B',
      'DST_I: destination stride between rows',
      'TASKS',
    ],
  },
  REDUCE_JOB: { kernel: 'reduceTask (rows.ts)', fields: ['OP: a REDUCE op', 'INT: 1 for int32', 'X', 'OUT', 'ROWS', 'COLS', 'TASKS'] },
  SOFTMAX_JOB: {
    kernel: 'softmaxTask, softmaxBackwardTask (rows.ts); x is [OUTER, COLS, INNER], softmax along COLS',
    fields: ['X', 'OUT', 'OUTER', 'COLS', 'INNER', 'LOG: 1 for log-softmax', 'TASKS', 'G: softmaxBackwardTask: the output gradient'],
  },
  LAYER_NORM_JOB: {
    kernel: 'layerNormTask (rows.ts)',
    fields: ['X', 'Y', 'MEAN', 'RSTD', 'ROWS', 'COLS', 'WEIGHT: 0 when absent', 'BIAS: 0 when absent', 'EPS: a float32', 'TASKS'],
  },
  ADAMW_JOB: {
    kernel: 'adamwTask (optim.ts)',
    fields: [
      'PARAM',
      'GRAD',
      'M',
      'V',
      'PARAM_OUT',
      'M_OUT',
      'V_OUT',
      'COUNT: elements',
      'TASKS',
      'DECAY: a float32, 1 − lr·weight decay',
      'BETA1: a float32',
      'BETA2: a float32',
      'STEP_SIZE: a float32, lr / (1 − β₁ᵗ)',
      'CORRECTION2: a float32, √(1 − β₂ᵗ)',
      'EPS: a float32',
      'SIGN: a float32, −1 to maximize',
    ],
  },
  LAYER_NORM_BACKWARD_JOB: {
    kernel: 'layerNormBackwardTask (rows.ts)',
    fields: ['X', 'G', 'MEAN', 'RSTD', 'WEIGHT: 0 when absent', 'DX', 'ROWS', 'COLS', 'TASKS'],
  },
  GEMM_JOB: {
    kernel: 'gemmTask (gemm/gemm.ts); strides are in elements, S1/S2 step the batch, SR the reduction batch',
    fields: [
      'M',
      'N',
      'K',
      'B1: batch counts: batch b is (b / B2, b % B2)',
      'B2',
      'R: products summed into each C',
      'BANDS_M',
      'BANDS_N',
      'A_PTR',
      'A_S1',
      'A_S2',
      'A_SR',
      'A_RS',
      'A_CS',
      'B_KIND: a GEMM_B_KIND',
      'B_PTR',
      'B_S1',
      'B_S2',
      'B_SR',
      'B_RS: STRIDED: row and column strides',
      'B_CS',
      'B_KTAB: GATHERED: an offset per row and per column of B',
      'B_JTAB',
      'C_PTR',
      'C_S1',
      'C_S2',
      'C_LD',
      'KC',
      'MC',
      'NC',
      'SCRATCH: per slot: packed A (MC·KC), packed B (KC·NC), one tile',
      'SCRATCH_STRIDE',
      'GROUPS: the B1·B2 batches are cut into GROUPS ranges; tasks = GROUPS·BANDS_M·BANDS_N',
    ],
  },
  COL2IM_JOB: {
    kernel: 'col2imTask (conv.ts); DCOL holds, per (image, group), cig·kh·kw rows of Ho·Wo columns',
    fields: ['DCOL', 'DX', 'IMAGES', 'C', 'H', 'W', 'CIG', 'KH', 'KW', 'HO', 'WO', 'SH', 'SW', 'PH', 'PW', 'DH', 'DW', 'GROUPS', 'TASKS'],
  },
  BIAS_JOB: {
    kernel: 'biasTask (conv.ts): out[plane][i] += bias[plane % CHANNELS]',
    fields: ['OUT', 'BIAS', 'PLANES', 'CHANNELS', 'SIZE', 'TASKS'],
  },
  RESIZE_JOB: {
    kernel: 'resizeTask (resize.ts); the image is [H, W] and the resized one [OUT_H, OUT_W] in both directions',
    fields: [
      'NEAREST: 1 for nearest, 0 for bilinear',
      'BACKWARD: 1 for the adjoint: SRC is the resized gradient, DST the image gradient',
      'SRC',
      'DST',
      'PLANES',
      'H',
      'W',
      'OUT_H',
      'OUT_W',
      'Y_TAB: taps per output row',
      'X_TAB: taps per output column',
      'TASKS',
      'LINES: bilinear: one row of W floats per task, for the blended input rows',
    ],
  },
  INDEX_JOB: {
    kernel: 'gather and scatterAdd (indexing.ts)',
    fields: [
      'RANK',
      'DIM',
      'VALUES: gather: x; scatterAdd: src',
      'INDEX',
      'OUT',
      'COUNT: elements of the index',
      'DIM_SIZE: valid indices are [0, DIM_SIZE)',
      'ERROR: set to 1 by the kernel at the first bad index',
      'BAD_INDEX: set to that index',
      'ODOMETER: RANK i32 of scratch',
      'IS_INT: scatterAdd: add as int32',
      'OUT_COUNT: scatterAdd: elements of the output, zeroed first',
      "SHAPE: then RANK i32 each: the index's shape, strides of VALUES, of INDEX, and of the target",
    ],
  },
};

// ----- derived -----

/** `[name, code]` of every elementwise op code, AssemblyScript-style names (`NEG`, `I_NEG`, …). */
function opCodes() {
  const codes = (ops, int32, base) =>
    ops.flatMap((op, i) => [
      [constantName(op), base + i],
      ...(int32.includes(op) ? [[`I_${constantName(op)}`, base + INT32_OFFSET + i]] : []),
    ]);
  return [...codes(UNARY, UNARY_INT32, UNARY_BASE), ...codes(BINARY, BINARY_INT32, BINARY_BASE), ['WHERE', WHERE]].sort(
    (a, b) => a[1] - b[1],
  );
}

/** A job's fields as `{ name, index, note }`. */
function fields(job) {
  let index = 0;
  return job.fields.map((spec) => {
    const [, name, width, note] = spec.match(/^([A-Z0-9_]+)(?:\[(\d+)\])?(?:: (.*))?$/);
    const field = { name, index, note };
    index += Number(width ?? 1);
    return field;
  });
}

function check() {
  const fail = (why) => {
    throw new Error(`gen-contract: ${why}`);
  };
  if (UNARY.length > INT32_OFFSET || BINARY.length > INT32_OFFSET) fail(`an op group outgrew its ${INT32_OFFSET} codes`);
  if (UNARY_BASE + 2 * INT32_OFFSET > BINARY_BASE || BINARY_BASE + 2 * INT32_OFFSET > WHERE) fail('op groups overlap');
  for (const [name, job] of Object.entries(JOBS)) {
    const last = fields(job).at(-1);
    if (last.index >= JOB_HEADER_WORDS) fail(`${name} has more fields than the ${JOB_HEADER_WORDS}-word header`);
  }
}

// ----- rendering -----

const HEADER = '// GENERATED by scripts/gen-contract.mjs — do not edit; edit the table there and rerun it (npm run build does).';
const note = (n) => (n ? ` // ${n}` : '');

function assemblyScript() {
  const lines = [
    HEADER,
    '/**',
    ' * The numbers the kernels share with the TypeScript side (src/backends/wasm/generated/contract.ts): op',
    ' * codes, the fields of each job, the kinds some fields select, and the per-thread scratch layout.',
    ' */',
    '',
    '/** Elementwise op codes: float32 ops, their int32 kernels (`I_`), `where`; unary < binary < where. */',
    'export namespace OP {',
    ...opCodes().map(([name, code]) => `  export const ${name}: i32 = ${code};`),
    '}',
    '',
    '/** Row reductions (REDUCE_JOB.OP). */',
    'export namespace REDUCE {',
    ...REDUCE.map((op, i) => `  export const ${constantName(op)}: i32 = ${i};`),
    '}',
  ];
  for (const [name, kind] of Object.entries(KINDS)) {
    lines.push(
      '',
      `/** ${kind.doc} */`,
      `export namespace ${name} {`,
      ...kind.names.map((n, i) => `  export const ${n}: i32 = ${i};`),
      '}',
    );
  }
  for (const s of SCALARS.filter((s) => !s.ts)) lines.push('', `/** ${s.doc} */`, `export const ${s.name}: ${s.type} = ${s.value};`);
  for (const [name, job] of Object.entries(JOBS)) {
    lines.push('', `/** Job fields of ${job.kernel}. */`, `export namespace ${name} {`);
    for (const f of fields(job)) lines.push(`  export const ${f.name}: i32 = ${f.index};${note(f.note)}`);
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

function typeScript() {
  const record = (name, type, ops, int32, base) => {
    const partial = int32 !== null;
    const entries = (partial ? int32 : ops).map((op) => `  ${op}: ${base + (partial ? INT32_OFFSET : 0) + ops.indexOf(op)},`);
    return [`export const ${name}: ${partial ? `Partial<Record<${type}, number>>` : `Record<${type}, number>`} = {`, ...entries, '};'];
  };
  const lines = [
    HEADER,
    '/**',
    ' * The numbers the TypeScript side shares with the kernels (assembly/generated/contract.ts): op codes,',
    ' * the fields of each job, the kinds some fields select, and the per-thread scratch layout.',
    ' */',
    "import type { BinaryOp, ReduceOp, UnaryOp } from '../../../backend.js';",
    '',
    '/** Elementwise op codes per (op, dtype); an op with no int32 code is not defined for int32 here. */',
    ...record('UNARY_F32', 'UnaryOp', UNARY, null, UNARY_BASE),
    ...record('UNARY_I32', 'UnaryOp', UNARY, UNARY_INT32, UNARY_BASE),
    ...record('BINARY_F32', 'BinaryOp', BINARY, null, BINARY_BASE),
    ...record('BINARY_I32', 'BinaryOp', BINARY, BINARY_INT32, BINARY_BASE),
    `export const WHERE = ${WHERE};`,
    '',
    '/** Row reductions (REDUCE_JOB.OP). */',
    'export const REDUCE_OPS: Record<ReduceOp, number> = {',
    ...REDUCE.map((op, i) => `  ${op}: ${i},`),
    '};',
  ];
  for (const [name, kind] of Object.entries(KINDS)) {
    lines.push('', `/** ${kind.doc} */`, `export const ${name} = {`, ...kind.names.map((n, i) => `  ${n}: ${i},`), '} as const;');
  }
  for (const s of SCALARS) lines.push('', `/** ${s.doc} */`, `export const ${s.name} = ${s.value};`);
  for (const [name, job] of Object.entries(JOBS)) {
    lines.push('', `/** Job fields of ${job.kernel}. */`, `export const ${name} = {`);
    for (const f of fields(job)) lines.push(`  ${f.name}: ${f.index},${note(f.note)}`);
    lines.push('} as const;');
  }
  return `${lines.join('\n')}\n`;
}

// ----- writing -----

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = {
  'assembly/generated/contract.ts': assemblyScript,
  'src/backends/wasm/generated/contract.ts': typeScript,
};

check();
const checking = process.argv.includes('--check');
const stale = [];
for (const [path, render] of Object.entries(outputs)) {
  const file = join(root, path);
  const text = render();
  if (checking) {
    let committed = null;
    try {
      committed = readFileSync(file, 'utf8');
    } catch {}
    if (committed !== text) stale.push(path);
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
if (stale.length > 0) {
  console.error(`gen-contract: out of date: ${stale.join(', ')}; run node scripts/gen-contract.mjs (npm run build does)`);
  process.exit(1);
}
