/**
 * File-system errors in words. Node's message for a failed read or write on an open file names no
 * path ("EISDIR: illegal operation on a directory, read", "ENOSPC: no space left on device, write"),
 * and "ENOENT" is not how people say "missing". {@link fileError} rewords such an error as
 *
 *   <what>: cannot <read|write> <path>: <reason> (<CODE>)
 *
 * keeping its `code`, so every reader and writer names the file and the cause the same way.
 */
import { nodeModules } from './node-modules.js';

/** What the codes people meet mean, for a read and for a write. */
const REASONS: Record<string, string | { read: string; write: string }> = {
  ENOENT: { read: 'it does not exist', write: 'its folder does not exist' },
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of its path is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many files are open at once',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an input/output error (a failing disk or network file system?)',
};

/** A Node system error: it has a string `code` such as 'ENOENT'. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/** Why a system call failed, in words with the code ("it does not exist (ENOENT)"); its own message for a code not listed. */
function reason(e: NodeJS.ErrnoException, verb: 'read' | 'write'): string {
  const words = REASONS[e.code as string];
  if (words === undefined) return e.message;
  return `${typeof words === 'string' ? words : words[verb]} (${e.code})`;
}

/**
 * `e` reworded as `<what>: cannot <verb> <path>: <reason>`, its `code` kept; an error that is not a
 * system error is returned as it is.
 * @example throw fileError(e, 'readImage', 'read', 'photos/a.png'); // readImage: cannot read photos/a.png: it does not exist (ENOENT)
 */
export function fileError(e: unknown, what: string, verb: 'read' | 'write', path: string): Error {
  if (!isSystemError(e)) return e as Error;
  const out: NodeJS.ErrnoException = new Error(`${what}: cannot ${verb} ${path}: ${reason(e, verb)}`, { cause: e });
  out.code = e.code;
  return out;
}

/**
 * A file's bytes; a failure is a {@link fileError} naming `what` and the path.
 * @example const bytes = await readFileBytes('model.safetensors', 'readSafetensors');
 */
export async function readFileBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await nodeModules(what).fsPromises.readFile(path);
  } catch (e) {
    throw fileError(e, what, 'read', path);
  }
}
