/** `node:fs/promises` for the page's programs: vfs.ts, with served files fetched asynchronously. */
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
  readBytes,
  remove,
  rename,
  sizeOf,
  writeBytes,
} from './vfs.js';

type EncodingOption = Encoding | { encoding?: Encoding | null } | null | undefined;

export async function readFile(p: unknown, opts?: EncodingOption): Promise<string | FileBytes> {
  return decode(await readBytes(p), typeof opts === 'string' ? opts : (opts?.encoding ?? undefined));
}

export async function writeFile(p: unknown, data: unknown): Promise<void> {
  writeBytes(p, encode(data));
}

export async function readdir(p: unknown, opts?: { withFileTypes?: boolean }): Promise<unknown[]> {
  const entries = list(p);
  if (opts?.withFileTypes)
    return entries.map((e) => ({
      name: e.name,
      parentPath: absolute(p),
      isFile: () => !e.dir,
      isDirectory: () => e.dir,
      isSymbolicLink: () => false,
    }));
  return entries.map((e) => e.name);
}

export async function stat(p: unknown) {
  const abs = absolute(p);
  const dir = isDir(abs);
  if (!dir && !isFile(abs)) throw fsError('ENOENT', 'stat', String(p));
  const mtimeMs = mtimeOf(abs);
  return {
    size: dir ? 0 : sizeOf(abs),
    mtimeMs,
    mtime: new Date(mtimeMs),
    isFile: () => !dir,
    isDirectory: () => dir,
    isSymbolicLink: () => false,
  };
}

export const lstat = stat;

export async function access(p: unknown): Promise<void> {
  const abs = absolute(p);
  if (!isDir(abs) && !isFile(abs)) throw fsError('ENOENT', 'access', String(p));
}

export async function mkdir(p: unknown, opts?: { recursive?: boolean }): Promise<string | undefined> {
  return makeDir(p, opts?.recursive === true);
}

export async function rm(p: unknown, opts: { recursive?: boolean; force?: boolean } = {}): Promise<void> {
  remove(p, opts);
}

export async function unlink(p: unknown): Promise<void> {
  remove(p, {}, 'unlink');
}

export async function rename2(from: unknown, to: unknown): Promise<void> {
  rename(from, to);
}

export default { readFile, writeFile, readdir, stat, lstat, access, mkdir, rm, unlink, rename: rename2 };
export { rename2 as rename };
