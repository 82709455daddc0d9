/** API.md is the contract other packages build on: every exported name and Variable member must appear in it. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as ag from '../src/index.js';

it('API.md names every export and every Variable member', () => {
  const doc = readFileSync(new URL('../API.md', import.meta.url), 'utf8');
  const members = Object.getOwnPropertyNames(ag.Variable.prototype).filter((k) => k !== 'constructor');
  expect([...Object.keys(ag), ...members].filter((name) => !doc.includes(`\`${name}`) && !doc.includes(` ${name} `))).toEqual([]);
});
