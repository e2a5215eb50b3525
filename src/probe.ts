import {
  AuthenticationV1Api,
  KubeConfig,
  Observable,
  VersionApi,
  type ConfigurationOptions,
} from '@kubernetes/client-node';
import { ClusterError } from './errors.js';
import { diagnose, notKubernetes, type FailureContext } from './diagnose.js';

/** Who the server says we are, and what it runs. */
export interface ClusterIdentity {
  readonly username: string;
  readonly uid: string | undefined;
  readonly groups: readonly string[];
  readonly serverVersion: string;
}

export interface ProbeOptions {
  /** Limit for each API request. */
  readonly timeoutMs: number;
}

const SSR_REQUEST = 'POST /apis/authentication.k8s.io/v1/selfsubjectreviews';
const VERSION_REQUEST = 'GET /version';

/**
 * Proves that a kubeconfig works: loads exactly that text with client-node, reads
 * `/version` (which also tells a Kubernetes API server from anything else), then creates a
 * SelfSubjectReview, the authenticated call that names the identity (`/version` alone proves
 * nothing: anonymous users may read it).
 * @throws ClusterError naming the cause and the fix
 */
export async function verifyAccess(
  kubeconfigText: string,
  options: ProbeOptions,
): Promise<ClusterIdentity> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigText);
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('the kubeconfig has no current cluster');
  }
  if (cluster.server.startsWith('http://')) {
    // client-node refuses plain http unless TLS checks are off; there is no TLS to check on
    // a loopback http endpoint (input parsing allows http:// only there).
    kc.clusters = kc.clusters.map((c) =>
      c.name === cluster.name ? { ...c, skipTLSVerify: true } : c,
    );
  }
  const base = { server: cluster.server, timeoutMs: options.timeoutMs };

  const versionCtx: FailureContext = { ...base, request: VERSION_REQUEST };
  const version = await call(versionCtx, async () =>
    kc.makeApiClient(VersionApi).getCode({}, withTimeout(options.timeoutMs)),
  );
  if (typeof version.gitVersion !== 'string' || version.gitVersion === '') {
    throw notKubernetes(versionCtx, 'GET /version answered without a gitVersion');
  }

  const review = await call({ ...base, request: SSR_REQUEST }, async () =>
    kc
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} }, withTimeout(options.timeoutMs)),
  );
  const user = review.status?.userInfo;
  if (!user?.username) {
    throw notKubernetes(
      { ...base, request: SSR_REQUEST },
      'the SelfSubjectReview came back without a username',
    );
  }
  if (user.username === 'system:anonymous') {
    throw new ClusterError(
      'anonymous',
      `the server treated the request as system:anonymous: the token was not used`,
      'Check that the API server accepts bearer tokens (no authenticating proxy in front of it strips the Authorization header)',
    );
  }
  return {
    username: user.username,
    uid: user.uid,
    groups: user.groups ?? [],
    serverVersion: version.gitVersion,
  };
}

async function call<T>(ctx: FailureContext, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw diagnose(err, ctx);
  }
}

/** Per-request options that abort the request (and the reading of its body) after `ms`. */
function withTimeout(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
