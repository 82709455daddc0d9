/**
 * The CamVid loader for a web server, for a browser: the folder layout of camvid.ts served as static
 * files under one URL — `<url>/<split>.txt` (required: a server lists no folders), `<url>/<split>/<name>`
 * and `<url>/<split>annot/<name>`, PNG files, decoded in plain JavaScript (png-decode.ts) so that labels
 * are exact and photos carry no colour management. camvid-dataset.ts puts the split together, as
 * for a folder, so both give the same dataset from the same files.
 */
import { type CamVidOptions, camVidDataset } from './camvid-dataset.js';
import type { SegmentationDataset } from './dataset.js';
import { decodeLabelPng, decodePhotoPng } from './png-decode.js';
import { parseSplitList } from './split-list.js';

/** A file's bytes from the server; an error names the URL and the HTTP status. */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetchCamVid: cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Loads one split of a CamVid folder served at `url` into memory, every picture at `size`.
 * @example
 * const train = await fetchCamVid('data/camvid/96x128', 'train');   // 367 samples, 96×128
 * const val = await fetchCamVid(new URL('data/camvid/96x128', location.href).href, 'val');
 */
export async function fetchCamVid(url: string, split: string, opts: CamVidOptions = {}): Promise<SegmentationDataset> {
  const base = url.replace(/\/+$/, '');
  const listUrl = `${base}/${split}.txt`;
  const names = parseSplitList(new TextDecoder().decode(await fetchBytes(listUrl)));
  if (names.length === 0) throw new Error(`fetchCamVid: ${listUrl} lists no files`);
  const fileUrl = (folder: string, name: string) => `${base}/${folder}/${encodeURIComponent(name)}`;
  return camVidDataset(
    names,
    {
      photoPath: (name) => fileUrl(split, name),
      labelPath: (name) => fileUrl(`${split}annot`, name),
      photo: async (path) => decodePhotoPng(await fetchBytes(path), path),
      label: async (path) => decodeLabelPng(await fetchBytes(path), path),
    },
    opts,
  );
}
