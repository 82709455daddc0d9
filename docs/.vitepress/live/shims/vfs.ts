/**
 * The page's file system, behind the `node:fs` stand-ins (fs.ts, fs-promises.ts) that the chapters'
 * programs and the packages' Node-side code (`model.load(path)`, `loadCamVid`, `net.save(path)`) call.
 *
 * - The working directory is `/repo`: the repository root, where the chapters run in Node.
 * - Reading a file the site serves (served-files.ts: the shipped model and CamVid) fetches it from the
 *   site, `/repo/models/x` from `<files base>/models/x`: asynchronously for `fs.promises`, with a
 *   synchronous request for `readFileSync` (allowed in a worker). Fetched files are kept.
 * - Everything written (`/tmp/...`, or over a served file) lives in memory until the worker ends.
 *   A picture written (`.png`, `.svg`, ...) is also shown under the block that wrote it.
 */
import { dirname, normalize, resolve } from './path.js';

export const CWD = '/repo';

/** Bytes as Node's Buffer has them where programs look: `toString(encoding)`. */
export class FileBytes extends Uint8Array {
  override toString(encoding?: string): string {
    if (encoding === 'hex') return Array.from(this, (b) => b.toString(16).padStart(2, '0')).join('');
    if (encoding === 'base64') return btoa(Array.from(this, (b) => String.fromCharCode(b)).join(''));
    return new TextDecoder().decode(this);
  }
}

export type Encoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'latin1' | 'ascii';

/** An error as Node's fs throws it: `ENOENT: no such file or directory, open 'x'` with `code`. */
export function fsError(code: string, syscall: string, path: string): Error & { code: string } {
  const what: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'illegal operation on a directory',
    ENOTDIR: 'not a directory',
    EEXIST: 'file already exists',
    ENOTEMPTY: 'directory not empty',
    EBADF: 'bad file descriptor',
    EIO: 'i/o error',
  };
  return Object.assign(new Error(`${code}: ${what[code] ?? code}, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

const served = new Map<string, number>(); // absolute path → size
const written = new Map<string, Uint8Array>();
const removed = new Set<string>();
const fetched = new Map<string, Uint8Array>();
const madeDirs = new Set<string>(['/', '/tmp', CWD, '/home', '/home/reader']);
const servedDirs = new Set<string>();
const mtimes = new Map<string, number>();
let filesBase = '';
let onPicture: ((path: string, bytes: Uint8Array) => void) | null = null;
const PICTURE = /\.(png|jpe?g|gif|svg|webp)$/i;

/** Sets where served files come from (`files` are repository paths) and who is told of written pictures. */
export function configureFiles(
  base: string,
  files: readonly { path: string; size: number }[],
  picture: (path: string, bytes: Uint8Array) => void,
): void {
  filesBase = base.endsWith('/') ? base : `${base}/`;
  onPicture = picture;
  for (const f of files) {
    const p = `${CWD}/${f.path}`;
    served.set(p, f.size);
    for (let d = dirname(p); !servedDirs.has(d); d = dirname(d)) {
      servedDirs.add(d);
      if (d === '/') break;
    }
  }
}

/** An absolute, normalised path for what a program passed: a string (relative to `/repo`) or a file URL. */
export function absolute(p: unknown): string {
  if (p instanceof URL) {
    if (p.protocol !== 'file:') throw new TypeError(`the URL must be of scheme file, got ${p.href}`);
    return normalize(decodeURIComponent(p.pathname));
  }
  if (p instanceof Uint8Array) return resolve(new TextDecoder().decode(p));
  if (typeof p !== 'string') throw new TypeError(`a path must be a string or a file URL, got ${typeof p}`);
  return resolve(p);
}

export function isDir(abs: string): boolean {
  return !removed.has(abs) && (madeDirs.has(abs) || servedDirs.has(abs));
}

export function isFile(abs: string): boolean {
  return written.has(abs) || (served.has(abs) && !removed.has(abs));
}

export function sizeOf(abs: string): number {
  return written.get(abs)?.length ?? served.get(abs) ?? 0;
}

export function mtimeOf(abs: string): number {
  return mtimes.get(abs) ?? 0;
}

function urlOf(abs: string): string {
  return (
    filesBase +
    abs
      .slice(CWD.length + 1)
      .split('/')
      .map(encodeURIComponent)
      .join('/')
  );
}

function missing(abs: string, path: string, syscall: string): Error {
  return isDir(abs) ? fsError('EISDIR', syscall, path) : fsError('ENOENT', syscall, path);
}

/** A file's bytes, synchronously. */
export function readBytesSync(p: unknown, syscall = 'open'): Uint8Array {
  const abs = absolute(p);
  const w = written.get(abs);
  if (w) return w;
  if (!isFile(abs)) throw missing(abs, String(p), syscall);
  let bytes = fetched.get(abs);
  if (!bytes) {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', urlOf(abs), false);
    xhr.responseType = 'arraybuffer';
    xhr.send();
    if (xhr.status !== 200) throw fsError('EIO', syscall, `${String(p)} (HTTP ${xhr.status} for ${urlOf(abs)})`);
    bytes = new Uint8Array(xhr.response as ArrayBuffer);
    fetched.set(abs, bytes);
  }
  return bytes;
}

/** A file's bytes. */
export async function readBytes(p: unknown, syscall = 'open'): Promise<Uint8Array> {
  const abs = absolute(p);
  const w = written.get(abs);
  if (w) return w;
  if (!isFile(abs)) throw missing(abs, String(p), syscall);
  let bytes = fetched.get(abs);
  if (!bytes) {
    const res = await fetch(urlOf(abs));
    if (!res.ok) throw fsError('EIO', syscall, `${String(p)} (HTTP ${res.status} for ${urlOf(abs)})`);
    bytes = new Uint8Array(await res.arrayBuffer());
    fetched.set(abs, bytes);
  }
  return bytes;
}

export function decode(bytes: Uint8Array, encoding: Encoding | undefined | null): string | FileBytes {
  const out = new FileBytes(bytes.length);
  out.set(bytes);
  return encoding ? out.toString(encoding) : out;
}

export function encode(data: unknown): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data.slice();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  throw new TypeError(`cannot write ${typeof data}: a string or bytes are needed`);
}

function parentMustExist(abs: string, path: string, syscall: string): void {
  if (!isDir(dirname(abs))) throw fsError('ENOENT', syscall, path);
}

/** Writes a whole file (a picture is shown under the running block too). */
export function writeBytes(p: unknown, bytes: Uint8Array, syscall = 'open'): void {
  const abs = absolute(p);
  if (isDir(abs)) throw fsError('EISDIR', syscall, String(p));
  parentMustExist(abs, String(p), syscall);
  written.set(abs, bytes);
  removed.delete(abs);
  mtimes.set(abs, Date.now());
  if (PICTURE.test(abs)) onPicture?.(abs, bytes);
}

export function makeDir(p: unknown, recursive: boolean): string | undefined {
  const abs = absolute(p);
  if (isDir(abs)) {
    if (recursive) return undefined;
    throw fsError('EEXIST', 'mkdir', String(p));
  }
  if (isFile(abs)) throw fsError('EEXIST', 'mkdir', String(p));
  if (!isDir(dirname(abs))) {
    if (!recursive) throw fsError('ENOENT', 'mkdir', String(p));
    makeDir(dirname(abs), true);
  }
  madeDirs.add(abs);
  removed.delete(abs);
  return abs;
}

/** The names in a folder. */
export function list(p: unknown): { name: string; dir: boolean }[] {
  const abs = absolute(p);
  if (!isDir(abs)) throw isFile(abs) ? fsError('ENOTDIR', 'scandir', String(p)) : fsError('ENOENT', 'scandir', String(p));
  const prefix = abs === '/' ? '/' : `${abs}/`;
  const names = new Map<string, boolean>();
  const add = (full: string, dir: boolean) => {
    if (!full.startsWith(prefix) || removed.has(full)) return;
    const rest = full.slice(prefix.length);
    if (rest === '') return;
    const at = rest.indexOf('/');
    if (at < 0) names.set(rest, names.get(rest) || dir);
    else names.set(rest.slice(0, at), true);
  };
  for (const f of served.keys()) add(f, false);
  for (const f of written.keys()) add(f, false);
  for (const d of madeDirs) add(d, true);
  for (const d of servedDirs) add(d, true);
  return [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => ({ name, dir }));
}

export function remove(p: unknown, opts: { recursive?: boolean; force?: boolean } = {}, syscall = 'rm'): void {
  const abs = absolute(p);
  if (isFile(abs)) {
    written.delete(abs);
    if (served.has(abs)) removed.add(abs);
    return;
  }
  if (isDir(abs)) {
    const inside = list(abs);
    if (inside.length > 0 && !opts.recursive) throw fsError('ENOTEMPTY', syscall, String(p));
    for (const e of inside) remove(`${abs}/${e.name}`, { recursive: true });
    madeDirs.delete(abs);
    if (servedDirs.has(abs)) removed.add(abs);
    return;
  }
  if (!opts.force) throw fsError('ENOENT', syscall, String(p));
}

export function rename(from: unknown, to: unknown): void {
  const a = absolute(from);
  const b = absolute(to);
  if (!isFile(a)) throw fsError('ENOENT', 'rename', String(from));
  const bytes = readBytesSync(a, 'rename');
  remove(a);
  writeBytes(b, bytes, 'rename');
}
