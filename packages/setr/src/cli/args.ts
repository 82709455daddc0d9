/**
 * Turning a command's arguments into values, with errors that name the flag and the value (Node's
 * `util.parseArgs`, strict: an unknown flag is an error).
 */
import { parseArgs } from 'node:util';

/** One flag: a string value or a boolean switch, with its help text. */
export interface Flag {
  readonly type: 'string' | 'boolean';
  readonly help: string;
}

export type Flags = Record<string, Flag>;

/** Flags every computing command takes: the backend, and help. */
export const COMMON_FLAGS: Flags = {
  backend: { type: 'string', help: 'wasm (default), gpujs or reference' },
  help: { type: 'boolean', help: 'this text' },
};

/** What parsing gives: each string flag's value(s), each switch's state, and the positional arguments. */
export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/**
 * `--flag -1` as `--flag=-1` for a string flag: parseArgs takes a value that starts with '-' for a flag
 * and calls it ambiguous, but a negative number is never a flag, so it reaches the flag's own check
 * ("--epochs -1 is not an integer ≥ 1").
 */
function joinNegativeNumbers(argv: string[], flags: Flags): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = /^--(.+)$/.exec(argv[i])?.[1];
    const next = argv[i + 1];
    if (flag !== undefined && flags[flag]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** Parses `argv` for `command`; the message of a parse error names the command and the flag. */
export function parse(command: string, argv: string[], flags: Flags, allowPositionals = false): Parsed {
  try {
    const args = joinNegativeNumbers(argv, flags);
    const { values, positionals } = parseArgs({ args, options: flags, strict: true, allowPositionals });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new Error(`${command}: ${(e as Error).message.split('\n')[0]} (see setr ${command} --help)`);
  }
}

/** The value of a required string flag. */
export function required(command: string, p: Parsed, flag: string): string {
  const v = p.values[flag];
  if (typeof v !== 'string' || v === '') throw new Error(`${command}: --${flag} is required`);
  return v;
}

/** The help text of a command. */
export function usage(command: string, synopsis: string, flags: Flags): string {
  const width = Math.max(...Object.keys(flags).map((f) => f.length)) + 4;
  const lines = Object.entries(flags).map(([f, { help }]) => `  --${f.padEnd(width)}${help}`);
  return [`usage: setr ${command} ${synopsis}`, '', ...lines].join('\n');
}

/** A numeric flag's value (undefined when absent); `integer` and `min` say what is allowed. */
export function numberFlag(
  command: string,
  p: Parsed,
  flag: string,
  opts: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  const v = p.values[flag];
  if (v === undefined) return undefined;
  const n = Number(v);
  const { integer = false, min = 0, exclusiveMin = false } = opts;
  const ok =
    typeof v === 'string' &&
    v.trim() !== '' &&
    Number.isFinite(n) &&
    (!integer || Number.isInteger(n)) &&
    (exclusiveMin ? n > min : n >= min);
  if (!ok)
    throw new Error(`${command}: --${flag} ${String(v)} is not ${integer ? 'an integer' : 'a number'} ${exclusiveMin ? '>' : '≥'} ${min}`);
  return n;
}

/** A comma-separated list of positive numbers (`--scales 0.75,1,1.25`). */
export function numberList(command: string, p: Parsed, flag: string): number[] | undefined {
  const v = p.values[flag];
  if (v === undefined) return undefined;
  const list = String(v)
    .split(',')
    .map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !(n > 0) || !Number.isFinite(n)))
    throw new Error(`${command}: --${flag} ${String(v)} is not a comma-separated list of positive numbers`);
  return list;
}

/** One of `choices` (the first when absent). */
export function choice<T extends string>(command: string, p: Parsed, flag: string, choices: readonly T[]): T {
  const v = p.values[flag] ?? choices[0];
  if (!choices.includes(v as T)) throw new Error(`${command}: --${flag} ${String(v)} is not one of ${choices.join(', ')}`);
  return v as T;
}
