import { dump } from 'js-yaml';
import type { ActionConfig } from './inputs/index.js';

/** The parts of the configuration a kubeconfig is made of. */
export type KubeconfigSpec = Pick<
  ActionConfig,
  | 'server'
  | 'certificateAuthority'
  | 'insecureSkipTlsVerify'
  | 'tlsServerName'
  | 'proxyUrl'
  | 'namespace'
  | 'context'
> & {
  /** An inline token, or a file kubectl reads (and re-reads) the token from. */
  readonly credential: { readonly token: string } | { readonly tokenFile: string };
};

/**
 * Serialises a kubeconfig in the standard schema that kubectl, helm and client libraries read:
 * one cluster, one user and one context, all named after the context, and current-context.
 * Written by hand rather than with client-node's exportConfig(), which emits JSON and renames
 * or drops fields (it knows `token-file`, kubectl knows `tokenFile`).
 */
export function buildKubeconfig(spec: KubeconfigSpec): string {
  const cluster: Record<string, string | boolean> = { server: spec.server.url };
  if (spec.certificateAuthority)
    cluster['certificate-authority-data'] = spec.certificateAuthority.base64;
  if (spec.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  if (spec.tlsServerName !== undefined) cluster['tls-server-name'] = spec.tlsServerName;
  if (spec.proxyUrl !== undefined) cluster['proxy-url'] = spec.proxyUrl;
  const user =
    'token' in spec.credential
      ? { token: spec.credential.token }
      : { tokenFile: spec.credential.tokenFile };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: spec.context, cluster }],
    users: [{ name: spec.context, user }],
    contexts: [
      {
        name: spec.context,
        context: { cluster: spec.context, user: spec.context, namespace: spec.namespace },
      },
    ],
    'current-context': spec.context,
    preferences: {},
  };
  return dump(doc, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** The kubeconfig spec for a configuration: the token inline, or its file in in-cluster mode. */
export function kubeconfigSpec(config: ActionConfig): KubeconfigSpec {
  return {
    ...config,
    credential:
      config.token.file !== undefined
        ? { tokenFile: config.token.file }
        : { token: config.token.value },
  };
}
