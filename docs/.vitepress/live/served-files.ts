/**
 * The repository files the chapters read from disk in Node (`models/setr-tiny-mla-camvid/model.safetensors`,
 * `data/camvid/96x128/...`), which the site serves as static files under `files/` so that the page's
 * file system (shims/fs.ts) can fetch them: in development straight from the repository, in the build
 * copied into the output. Each folder carries its README, which for CamVid is its licence note
 * (CC BY-NC 4.0, with the citations): a copy of the data must keep it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders (repository paths) served whole. */
export const SERVED_FOLDERS = ['models/setr-tiny-mla-camvid', 'data/camvid/96x128'];

/** Where the served files are, under the site's base. */
export const FILES_PREFIX = 'files/';

/** One served file: its repository path and size in bytes. */
export interface ServedFile {
  readonly path: string;
  readonly size: number;
}

/** Every served file under `repo` (the repository root), in name order. */
export function servedFiles(repo: string): ServedFile[] {
  const out: ServedFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(repo, dir)).sort()) {
      const path = `${dir}/${name}`;
      const s = statSync(join(repo, path));
      if (s.isDirectory()) walk(path);
      else if (s.isFile()) out.push({ path, size: s.size });
    }
  };
  for (const folder of SERVED_FOLDERS) walk(folder);
  return out;
}
