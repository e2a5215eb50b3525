/**
 * Every name the action shares with the runner, declared once. A meta test checks these
 * against action.yml and the README tables.
 */

/** Input ids, as in action.yml. */
export const Input = {
  server: 'server',
  token: 'token',
  certificateAuthority: 'certificate-authority',
  secret: 'secret',
  namespace: 'namespace',
  context: 'context',
  kubeconfig: 'kubeconfig',
  exportKubeconfig: 'export-kubeconfig',
  validate: 'validate',
  timeout: 'timeout',
  cleanup: 'cleanup',
  canI: 'can-i',
  wait: 'wait',
  inCluster: 'in-cluster',
  insecureSkipTlsVerify: 'insecure-skip-tls-verify',
  tlsServerName: 'tls-server-name',
  proxyUrl: 'proxy-url',
  merge: 'merge',
} as const;
export type InputName = (typeof Input)[keyof typeof Input];

/** Output ids, as in action.yml. */
export const Output = {
  kubeconfig: 'kubeconfig',
  context: 'context',
  namespace: 'namespace',
  username: 'username',
  groups: 'groups',
  serverVersion: 'server-version',
  tokenExpiresAt: 'token-expires-at',
  allowed: 'allowed',
} as const;
export type OutputName = (typeof Output)[keyof typeof Output];

/** Keys saved with core.saveState by the main step for the post step. */
export const State = {
  kubeconfigPath: 'kubeconfig-path',
  cleanup: 'cleanup',
} as const;

/** Where a pod's service account is mounted (in-cluster mode). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Environment variable exported for later steps. */
export const KUBECONFIG_ENV = 'KUBECONFIG';

/** Prefix of every failure message, so the annotation is recognisable in long logs. */
export const ACTION_NAME = 'kube-connect';
