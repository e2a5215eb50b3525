/**
 * The kubeconfig is created with mode 0600 in the same call that creates it (exclusive create),
 * never widened and then narrowed with chmod: observed at the node:fs boundary.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const calls: { fn: string; args: unknown[] }[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const record =
    <A extends unknown[], R>(fn: string, original: (...args: A) => R) =>
    (...args: A): R => {
      calls.push({ fn, args });
      return original(...args);
    };
  return {
    ...real,
    openSync: record('openSync', real.openSync),
    chmodSync: record('chmodSync', real.chmodSync),
    fchmodSync: record('fchmodSync', real.fchmodSync),
    writeFileSync: record('writeFileSync', real.writeFileSync),
  };
});

const { writeSecretFile } = await import('../../src/files.js');
const { scratchDir } = await import('../fixtures/tools.ts');

describe('writeSecretFile', () => {
  it('creates the file exclusively with mode 0600 and never changes its mode afterwards', () => {
    const path = join(scratchDir('kc-mode-'), 'config');
    calls.length = 0;
    writeSecretFile(path, 'secret');
    expect(calls.map((c) => c.fn)).toEqual(['openSync']);
    expect(calls[0]?.args).toEqual([path, 'wx', 0o600]);
  });
});
