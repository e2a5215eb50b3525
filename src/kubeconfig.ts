import { dump } from 'js-yaml';
import type { ActionConfig } from './inputs/index.js';

/** The parts of the configuration a kubeconfig is made of. */
export type KubeconfigSpec = Pick<
  ActionConfig,
  'server' | 'certificateAuthority' | 'namespace' | 'context'
> & {
  readonly token: string;
};

/**
 * Serialises a kubeconfig in the standard schema that kubectl, helm and client libraries read:
 * one cluster, one user and one context, all named after the context, and current-context.
 * Written by hand rather than with client-node's exportConfig(), which emits JSON and renames
 * or drops fields.
 */
export function buildKubeconfig(spec: KubeconfigSpec): string {
  const cluster: Record<string, string> = { server: spec.server.url };
  if (spec.certificateAuthority) {
    cluster['certificate-authority-data'] = spec.certificateAuthority.base64;
  }
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: spec.context, cluster }],
    users: [{ name: spec.context, user: { token: spec.token } }],
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
