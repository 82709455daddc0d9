/**
 * `node:fs` for the page's programs, over the page's file system (vfs.ts): the synchronous calls the
 * chapters and the packages make (read, write, list, stat, make and remove folders, rename, and the
 * file-descriptor calls of nn's atomic write), with Node's error codes and messages.
 */
import promises from './fs-promises.js';
import {
  absolute,
  decode,
  type Encoding,
  encode,
  type FileBytes,
  fsError,
  isDir,
  isFile,
  list,
  makeDir,
  mtimeOf,
  readBytesSync,
  remove,
  rename,
  sizeOf,
  writeBytes,
} from './vfs.js';

type EncodingOption = Encoding | { encoding?: Encoding | null; flag?: string } | null | undefined;

const encodingOf = (o: EncodingOption) => (typeof o === 'string' ? o : (o?.encoding ?? undefined));

/** What `statSync` returns. */
export class Stats {
  readonly mtime: Date;
  readonly atimeMs: number;
  readonly ctimeMs: number;
  constructor(
    readonly size: number,
    private readonly dir: boolean,
    readonly mtimeMs: number,
  ) {
    this.mtime = new Date(mtimeMs);
    this.atimeMs = mtimeMs;
    this.ctimeMs = mtimeMs;
  }
  isFile(): boolean {
    return !this.dir;
  }
  isDirectory(): boolean {
    return this.dir;
  }
  isSymbolicLink(): boolean {
    return false;
  }
}

/** What `readdirSync(dir, { withFileTypes: true })` lists. */
export class Dirent {
  constructor(
    readonly name: string,
    private readonly dir: boolean,
    readonly parentPath: string,
  ) {}
  isFile(): boolean {
    return !this.dir;
  }
  isDirectory(): boolean {
    return this.dir;
  }
  isSymbolicLink(): boolean {
    return false;
  }
}

function statOf(p: unknown): Stats | undefined {
  const abs = absolute(p);
  if (isFile(abs)) return new Stats(sizeOf(abs), false, mtimeOf(abs));
  if (isDir(abs)) return new Stats(0, true, 0);
  return undefined;
}

export function existsSync(p: unknown): boolean {
  try {
    const abs = absolute(p);
    return isFile(abs) || isDir(abs);
  } catch {
    return false;
  }
}

export function statSync(p: unknown, opts: { throwIfNoEntry?: boolean } = {}): Stats | undefined {
  const s = statOf(p);
  if (!s && opts.throwIfNoEntry !== false) throw fsError('ENOENT', 'stat', String(p));
  return s;
}

export const lstatSync = statSync;

export function readFileSync(p: unknown, opts?: EncodingOption): string | FileBytes {
  return decode(readBytesSync(p), encodingOf(opts));
}

export function writeFileSync(p: unknown, data: unknown, _opts?: EncodingOption): void {
  writeBytes(p, encode(data));
}

export function appendFileSync(p: unknown, data: unknown): void {
  const before = existsSync(p) ? readBytesSync(p) : new Uint8Array(0);
  const more = encode(data);
  const out = new Uint8Array(before.length + more.length);
  out.set(before);
  out.set(more, before.length);
  writeBytes(p, out);
}

export function copyFileSync(from: unknown, to: unknown): void {
  writeBytes(to, readBytesSync(from).slice());
}

export function readdirSync(p: unknown, opts?: { withFileTypes?: boolean } | string): (string | Dirent)[] {
  const entries = list(p);
  if (typeof opts === 'object' && opts?.withFileTypes) return entries.map((e) => new Dirent(e.name, e.dir, absolute(p)));
  return entries.map((e) => e.name);
}

export function mkdirSync(p: unknown, opts?: { recursive?: boolean } | number): string | undefined {
  return makeDir(p, typeof opts === 'object' && opts?.recursive === true);
}

export function rmSync(p: unknown, opts: { recursive?: boolean; force?: boolean } = {}): void {
  remove(p, opts);
}

export function rmdirSync(p: unknown, opts: { recursive?: boolean } = {}): void {
  remove(p, opts, 'rmdir');
}

export function unlinkSync(p: unknown): void {
  if (isDir(absolute(p))) throw fsError('EISDIR', 'unlink', String(p));
  remove(p, {}, 'unlink');
}

export function renameSync(from: unknown, to: unknown): void {
  rename(from, to);
}

// file descriptors: enough for nn's atomic write (open 'wx', write, fsync, close, rename; a folder opened to fsync it)
interface Open {
  readonly path: unknown;
  readonly chunks: Uint8Array[];
  readonly writing: boolean;
}
const fds = new Map<number, Open>();
let nextFd = 3;

export function openSync(p: unknown, flags: string | number = 'r'): number {
  const f = String(flags);
  const abs = absolute(p);
  const exists = isFile(abs) || isDir(abs);
  const writing = /[wa+]/.test(f);
  if (f.includes('x') && exists) throw fsError('EEXIST', 'open', String(p));
  if (!writing && !exists) throw fsError('ENOENT', 'open', String(p));
  const chunks = f.startsWith('a') && isFile(abs) ? [readBytesSync(abs)] : [];
  if (writing) writeBytes(abs, new Uint8Array(0)); // the file exists from here on, as in Node
  const fd = nextFd++;
  fds.set(fd, { path: abs, chunks, writing });
  return fd;
}

function opened(fd: number, syscall: string): Open {
  const o = fds.get(fd);
  if (!o) throw fsError('EBADF', syscall, String(fd));
  return o;
}

export function writeSync(fd: number, data: unknown, offset?: number, length?: number): number {
  const o = opened(fd, 'write');
  let bytes = encode(data);
  if (typeof data !== 'string' && offset !== undefined) bytes = bytes.subarray(offset, offset + (length ?? bytes.length - offset));
  o.chunks.push(bytes.slice());
  return bytes.length;
}

export function fsyncSync(fd: number): void {
  opened(fd, 'fsync');
}

export function closeSync(fd: number): void {
  const o = opened(fd, 'close');
  fds.delete(fd);
  if (!o.writing) return;
  const size = o.chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of o.chunks) {
    out.set(c, at);
    at += c.length;
  }
  writeBytes(o.path, out);
}

export const constants = { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 };

export { promises };

export default {
  Stats,
  Dirent,
  existsSync,
  statSync,
  lstatSync,
  readFileSync,
  writeFileSync,
  appendFileSync,
  copyFileSync,
  readdirSync,
  mkdirSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  renameSync,
  openSync,
  writeSync,
  fsyncSync,
  closeSync,
  constants,
  promises,
};
