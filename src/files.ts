import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FileError } from './errors.js';

/** A unique kubeconfig path in `dir`, so parallel jobs on one runner never share a file. */
export function uniqueKubeconfigPath(dir: string): string {
  return join(resolve(dir), `kubeconfig-${randomUUID()}.yaml`);
}

/**
 * Creates `path` with mode 0600 from the start (exclusive create, never chmod afterwards) and
 * writes `contents`. Missing parent directories are created with mode 0700. An existing file
 * is never overwritten. On a failed write the file is removed, so nothing partial is left.
 * @throws FileError naming the path and what to do
 */
export function writeSecretFile(path: string, contents: string): void {
  const full = resolve(path);
  let fd: number;
  try {
    mkdirSync(dirname(full), { recursive: true, mode: 0o700 });
    fd = openSync(full, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new FileError(
        `kubeconfig "${full}" already exists; the action never overwrites a file`,
        'Choose another path in the "kubeconfig" input, or leave it empty for a new file under RUNNER_TEMP',
      );
    }
    throw new FileError(
      `cannot create kubeconfig "${full}" (${code ?? String(err)})`,
      'Choose a writable path in the "kubeconfig" input, or leave it empty for a new file under RUNNER_TEMP',
    );
  }
  try {
    writeSync(fd, contents);
  } catch (err) {
    closeSync(fd);
    removeFile(full);
    throw new FileError(
      `cannot write kubeconfig "${full}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Check free disk space and permissions on the runner',
    );
  }
  closeSync(fd);
}

/**
 * Removes a file. Returns false when it was already gone.
 * @throws the underlying error for anything but a missing file
 */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Reads a text file, or gives undefined when there is none (as kubectl ignores missing KUBECONFIG files). */
export function readTextFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileError(
      `cannot read the kubeconfig "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Fix or remove the file named in KUBECONFIG, or set merge: false',
    );
  }
}

/** Reads a text file the user named (a CA bundle). Errors carry node's `code`. */
export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}
