import { load } from 'js-yaml';
import { FileError } from './errors.js';

/** The names a kubeconfig file defines. */
export interface KubeconfigNames {
  readonly path: string;
  readonly clusters: readonly string[];
  readonly users: readonly string[];
  readonly contexts: readonly string[];
}

/**
 * Reads the cluster, user and context names of a kubeconfig text (JSON is YAML too; an empty
 * file is an empty config, as kubectl reads it).
 * @throws FileError when the text is not YAML, which would break kubectl in later steps too
 */
export function kubeconfigNames(path: string, text: string): KubeconfigNames {
  let doc: Record<string, unknown> | null | undefined;
  try {
    doc = text.trim() === '' ? undefined : (load(text) as Record<string, unknown> | null);
  } catch {
    throw new FileError(
      `the kubeconfig "${path}" already in use is not valid YAML`,
      'Fix or remove it (kubectl would fail on it too), or set merge: false to start from a new kubeconfig',
    );
  }
  const names = (key: string): string[] => {
    const list = doc?.[key];
    if (!Array.isArray(list)) return [];
    return list
      .map((entry: unknown) =>
        typeof entry === 'object' && entry !== null
          ? (entry as { name?: unknown }).name
          : undefined,
      )
      .filter((name): name is string => typeof name === 'string');
  };
  return { path, clusters: names('clusters'), users: names('users'), contexts: names('contexts') };
}

/**
 * What an existing configuration already defines under `name`, as "context "x" in /path";
 * kubectl keeps the first definition of a name and client-node refuses duplicates, so a clash
 * would either shadow the new entries or break later steps.
 */
export function nameClashes(existing: readonly KubeconfigNames[], name: string): string[] {
  const clashes: string[] = [];
  for (const file of existing) {
    for (const kind of ['contexts', 'clusters', 'users'] as const) {
      if (file[kind].includes(name)) clashes.push(`${kind.slice(0, -1)} "${name}" in ${file.path}`);
    }
  }
  return clashes;
}

/**
 * The KUBECONFIG list for later steps: the new file first (its current-context wins, as the
 * first file to set one does), then the files already in use.
 */
export function mergedKubeconfigList(
  newFile: string,
  existing: readonly string[],
  delimiter: string,
): string {
  return [newFile, ...existing.filter((p) => p !== '' && p !== newFile)].join(delimiter);
}
