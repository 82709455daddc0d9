/** Reading a config from a preset name or a JSON file (Node only: it reads files). */
import { existsSync, readFileSync } from 'node:fs';
import { parseConfig, type SetrConfig } from './config.js';
import { preset, presetNames } from './presets.js';

/**
 * `nameOrPath` is a preset name (`setr-tiny-pup`) or the path of a JSON config file; a file's problems
 * are errors naming the file and the field.
 * @example const config = loadConfig('configs/my-setr.json');
 */
export function loadConfig(nameOrPath: string): SetrConfig {
  if (presetNames().includes(nameOrPath)) return preset(nameOrPath);
  if (!existsSync(nameOrPath)) throw new Error(`config '${nameOrPath}' is neither a preset (${presetNames().join(', ')}) nor a file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(nameOrPath, 'utf8'));
  } catch (e) {
    throw new Error(`${nameOrPath}: not a readable JSON file (${(e as Error).message})`);
  }
  return parseConfig(raw, nameOrPath);
}
