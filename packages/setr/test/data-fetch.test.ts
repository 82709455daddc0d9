/**
 * The browser's CamVid, checked in Node: fast-png decodes every bundled picture to the bytes sharp
 * gives `readImage` and `readLabelImage` (photos and labels alike: no colour management, labels exact), and `fetchCamVid` over a web
 * server's URLs gives the dataset `loadCamVid` gives from the folder — so a page trains on what
 * `setr train` trains on. `fetch` is served from the repository's files here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeLabelPng, decodePhotoPng, fetchCamVid, loadCamVid, raster, readImage, readLabelImage } from '../src/data/index.js';
import { CAMVID_96 } from './support/data-fixtures.js';

const SITE = 'https://example.test/camvid';

/** A `fetch` that serves the bundled CamVid folder at {@link SITE}, and 404 for anything else. */
function serveCamVid(): void {
  vi.stubGlobal('fetch', async (url: string) => {
    const path = decodeURIComponent(url.slice(SITE.length + 1));
    try {
      return new Response(readFileSync(join(CAMVID_96, path)));
    } catch {
      return new Response('not here', { status: 404, statusText: 'Not Found' });
    }
  });
}
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PNG decoding in plain JavaScript (the browser path)', () => {
  it('gives sharp’s bytes for every bundled photo and label map', async () => {
    for (const [folder, decode, read] of [
      ['train', decodePhotoPng, readImage],
      ['val', decodePhotoPng, readImage],
      ['trainannot', decodeLabelPng, readLabelImage],
      ['valannot', decodeLabelPng, readLabelImage],
    ] as const) {
      const names = readdirSync(join(CAMVID_96, folder));
      expect(names.length).toBeGreaterThan(100);
      for (const name of names) {
        const path = join(CAMVID_96, folder, name);
        const ours = decode(readFileSync(path), path);
        const theirs = await read(path);
        expect([ours.height, ours.width, ours.channels], path).toEqual([theirs.height, theirs.width, theirs.channels]);
        expect(Buffer.compare(Buffer.from(ours.data), Buffer.from(theirs.data)), path).toBe(0);
      }
    }
  }, 60_000);

  it('expands grey and palette photos to RGB, drops alpha, and refuses what a label map cannot be', async () => {
    const rgba = await sharp(Buffer.from([10, 20, 30, 40, 50, 60, 70, 80]), { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    expect(decodePhotoPng(rgba, 'rgba.png')).toEqual(raster(1, 2, 3, Uint8Array.from([10, 20, 30, 50, 60, 70])));
    const grey = await sharp(Buffer.from([7, 9]), { raw: { width: 2, height: 1, channels: 1 } })
      .png()
      .toBuffer();
    expect(decodePhotoPng(grey, 'grey.png').data).toEqual(Uint8Array.from([7, 7, 7, 9, 9, 9]));
    const palette = await sharp(Buffer.from([255, 0, 0, 0, 0, 255]), { raw: { width: 2, height: 1, channels: 3 } })
      .png({ palette: true })
      .toBuffer();
    expect(decodePhotoPng(palette, 'palette.png').data).toEqual(Uint8Array.from([255, 0, 0, 0, 0, 255]));
    expect(() => decodeLabelPng(rgba, 'rgba.png')).toThrow(
      'decodeLabelPng: rgba.png must be a single-channel 8-bit image of class indices, but it has 4 channel(s)',
    );
    expect(() => decodeLabelPng(palette, 'palette.png')).toThrow(/palette\.png must be .* but it has a palette/);
    expect(() => decodePhotoPng(Uint8Array.from([1, 2, 3]), 'junk.png')).toThrow(
      /^decodePhotoPng: cannot read junk\.png: not a decodable image \(.+\)$/,
    );
  });
});

describe('fetchCamVid', () => {
  it('gives the dataset loadCamVid gives from the same files', async () => {
    serveCamVid();
    const [fetched, loaded] = await Promise.all([fetchCamVid(`${SITE}/`, 'val'), loadCamVid(CAMVID_96, 'val')]);
    expect(fetched.names).toEqual(loaded.names);
    expect([fetched.height, fetched.width]).toEqual([loaded.height, loaded.width]);
    expect(Buffer.compare(Buffer.from(fetched.images), Buffer.from(loaded.images))).toBe(0);
    expect(Buffer.compare(Buffer.from(fetched.labels), Buffer.from(loaded.labels))).toBe(0);
    const small = await fetchCamVid(SITE, 'val', { size: [48, 64] });
    expect(small.images).toEqual((await loadCamVid(CAMVID_96, 'val', { size: [48, 64] })).images);
  });

  it('names the URL and the HTTP status of a file the server does not have', async () => {
    serveCamVid();
    await expect(fetchCamVid(SITE, 'test')).rejects.toThrow(`fetchCamVid: cannot fetch ${SITE}/test.txt: HTTP 404 Not Found`);
  });
});
