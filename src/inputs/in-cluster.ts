import { isIP } from 'node:net';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { ReadTextFile } from './certificate.js';

/** What a pod's mounted service account and environment provide. */
export interface PodServiceAccount {
  readonly server: string | undefined;
  readonly tokenFile: string;
  /** The token as the file holds it now (for masking and validation); undefined when not needed. */
  readonly token: string | undefined;
  readonly caCrt: string | undefined;
  readonly namespace: string | undefined;
}

/** The parts of the pod's environment in-cluster mode reads. */
export interface PodEnvironment {
  readonly KUBERNETES_SERVICE_HOST?: string | undefined;
  readonly KUBERNETES_SERVICE_PORT?: string | undefined;
}

const HINT =
  'in-cluster: true is for a self-hosted runner that runs in a pod (e.g. actions-runner-controller) with a mounted service account; elsewhere give server, token and certificate-authority';

/**
 * Reads the pod's service account (token, ca.crt, namespace under `dir`) and the API server
 * address from KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT, as client-go's
 * InClusterConfig does. Only the parts the caller still needs are required.
 * @throws InputError saying the runner does not look like a pod, and what is missing
 */
export function readPodServiceAccount(
  dir: string,
  env: PodEnvironment,
  readFile: ReadTextFile,
  need: { server: boolean; token: boolean; ca: boolean },
): PodServiceAccount {
  const host = env.KUBERNETES_SERVICE_HOST?.trim() ?? '';
  const port = env.KUBERNETES_SERVICE_PORT?.trim() ?? '';
  if (need.server && (host === '' || port === '')) {
    throw new InputError(
      'in-cluster',
      'is true, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: the runner does not look like a pod',
      HINT,
    );
  }
  const tokenFile = join(dir, 'token');
  const read = (name: string, required: boolean): string | undefined => {
    try {
      return readFile(join(dir, name));
    } catch (err) {
      if (!required) return undefined;
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new InputError(
        'in-cluster',
        `is true, but ${join(dir, name)} cannot be read (${code}): the runner does not look like a pod with a mounted service account`,
        `${HINT}. Check that the pod mounts its service account token (automountServiceAccountToken is not false)`,
      );
    }
  };
  const token = need.token ? read('token', true)?.trim() : undefined;
  if (need.token && token === '') {
    throw new InputError('in-cluster', `is true, but ${tokenFile} is empty`, HINT);
  }
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  return {
    server: host !== '' && port !== '' ? `https://${bracketed}:${port}` : undefined,
    tokenFile,
    token,
    caCrt: read('ca.crt', need.ca),
    namespace: nonEmpty(read('namespace', false)?.trim()),
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === '' ? undefined : text;
}
