import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { removeFile, uniqueKubeconfigPath, writeSecretFile } from '../../src/files.js';
import { scratchDir } from '../fixtures/tools.ts';

let dir = '';
beforeEach(() => {
  dir = scratchDir('kc-files-');
});

describe('writeSecretFile', () => {
  it.skipIf(process.platform === 'win32')(
    'creates the file with mode 0600 whatever the umask',
    () => {
      const old = process.umask(0o000);
      try {
        const path = join(dir, 'config');
        writeSecretFile(path, 'content');
        expect(statSync(path).mode & 0o777).toBe(0o600);
        expect(readFileSync(path, 'utf8')).toBe('content');
      } finally {
        process.umask(old);
      }
    },
  );

  it('creates missing parent directories', () => {
    const path = join(dir, 'a', 'b', 'config');
    writeSecretFile(path, 'x');
    expect(readFileSync(path, 'utf8')).toBe('x');
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
  });

  it('never overwrites an existing file and names it', () => {
    const path = join(dir, 'config');
    writeFileSync(path, 'precious');
    expect(() => writeSecretFile(path, 'new')).toThrow(FileError);
    expect(() => writeSecretFile(path, 'new')).toThrow(`kubeconfig "${path}" already exists`);
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it.skipIf(process.getuid?.() === 0)('reports a directory it cannot write to', () => {
    chmodSync(dir, 0o500);
    expect(() => writeSecretFile(join(dir, 'config'), 'x')).toThrow(
      /cannot create kubeconfig .*EACCES/,
    );
  });
});

describe('uniqueKubeconfigPath', () => {
  it('gives a new name every time, inside the directory', () => {
    const a = uniqueKubeconfigPath(dir);
    const b = uniqueKubeconfigPath(dir);
    expect(a).not.toBe(b);
    expect(dirname(a)).toBe(dir);
    expect(a).toMatch(/kubeconfig-[0-9a-f-]{36}\.yaml$/);
  });
});

describe('removeFile', () => {
  it('removes a file and says whether it was there', () => {
    const path = join(dir, 'config');
    writeFileSync(path, 'x');
    expect(removeFile(path)).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(removeFile(path)).toBe(false);
  });

  it('throws for anything but a missing file', () => {
    expect(() => removeFile(dir)).toThrow();
  });
});
