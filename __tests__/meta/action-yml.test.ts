import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { Input, Output } from '../../src/names.js';
import { ROOT } from '../fixtures/runner.ts';

interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
}
const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the Markdown table that follows `heading`: first cell (unquoted) → row cells. */
function table(heading: string): Map<string, string[]> {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const rows = new Map<string, string[]>();
  let inTable = false;
  for (const line of readme.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      const name = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
      if (name) rows.set(name, cells);
    } else if (inTable) {
      break;
    }
  }
  return rows;
}

describe('action.yml', () => {
  it('declares exactly the inputs of src/names.ts', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort());
  });

  it('declares exactly the outputs of src/names.ts', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort());
  });

  it('quotes every default as a string, never a YAML boolean', () => {
    const defaults = Object.values(action.inputs).map((spec) => spec.default ?? '');
    expect(defaults.filter((d) => typeof d !== 'string')).toEqual([]);
  });

  it('runs the committed bundles on node24, with the post step after failures too', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/main/index.js',
      post: 'dist/post/index.js',
      'post-if': 'always()',
    });
  });
});

describe('README', () => {
  it('lists every input with the default of action.yml', () => {
    const rows = table('## Inputs');
    expect([...rows.keys()].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      const cell = rows.get(name)?.[1] ?? '';
      const expected =
        spec.default === undefined || spec.default === ''
          ? /^(—|.*\(.*\))/
          : new RegExp(`\`${spec.default}\``);
      expect(cell, `default of ${name}`).toMatch(expected);
    }
  });

  it('lists every output', () => {
    expect([...table('## Outputs').keys()].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('starts with the two commands that run the action locally and run the tests', () => {
    const head = readme.split('\n').slice(0, 12).join('\n');
    expect(head).toContain('npm ci && npm run local');
    expect(head).toContain('npm ci && npm test');
  });
});
