import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  KubeConfig,
  Observable,
  VersionApi,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
  type V1UserInfo,
} from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { diagnose, notKubernetes } from './diagnose.js';
import { ClusterError } from './errors.js';
import type { AccessCheck } from './inputs/can-i.js';
import { redactProxyUrl } from './proxy-env.js';
import { Retrier, systemClock, type Clock, type Logger } from './retry.js';
import { describeCoverage, describeIssuerMismatch, fetchPeerCertificate } from './tls-inspect.js';

export type { Logger } from './retry.js';

/** Who the server says we are. `username` is undefined when no API could tell. */
export interface ClusterIdentity {
  readonly username: string | undefined;
  readonly uid: string | undefined;
  readonly groups: readonly string[];
  /** Which call named (or proved) the identity. */
  readonly source:
    | 'selfsubjectreview/v1'
    | 'selfsubjectreview/v1beta1'
    | 'selfsubjectreview/v1alpha1'
    | 'forbidden-message'
    | 'access-review';
}

/** The answer to one `can-i` line. */
export interface AccessResult {
  readonly check: AccessCheck;
  readonly allowed: boolean;
  /** The authorizer's reason or evaluation error, as the server gave it. */
  readonly reason: string;
}

/** Everything a verification learned. */
export interface ProbeResult {
  readonly identity: ClusterIdentity;
  readonly serverVersion: string;
  readonly access: readonly AccessResult[];
  /** Requests sent, retries included. */
  readonly attempts: number;
  readonly elapsedMs: number;
}

export interface ProbeOptions {
  /** Limit for each API request. */
  readonly timeoutMs: number;
  /** How long to keep retrying transient failures; 0 means one attempt. */
  readonly waitMs: number;
  /** `can-i` checks, run concurrently as SelfSubjectAccessReviews. */
  readonly checks: readonly AccessCheck[];
  /** The proxy kubectl would take from HTTPS_PROXY/NO_PROXY when the kubeconfig names none. */
  readonly environmentProxy?: string | undefined;
  /** Every form of the token, removed from server text before it is shortened or printed. */
  readonly secrets: readonly string[];
  /** Reads a user's `tokenFile` (client-node ignores that standard field). */
  readonly readFile: (path: string) => string;
  readonly log: Logger;
  readonly clock?: Clock;
}

/** SelfSubjectReview versions, newest first, as `kubectl auth whoami` tries them. */
const REVIEW_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;
const SSAR_REQUEST = 'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const VERSION_REQUEST = 'GET /version';

/**
 * Proves that a kubeconfig works: loads exactly that text with client-node, reads `/version`
 * (which also tells a Kubernetes API server from anything else), then asks the server who we
 * are with a SelfSubjectReview (v1, then v1beta1 and v1alpha1 on 404, as `kubectl auth whoami`
 * does), and runs the `can-i` checks. `/version` alone proves nothing: anonymous users may
 * read it. Transient failures are retried within `waitMs`.
 * @throws ClusterError naming the cause and the fix
 */
export async function verifyAccess(
  kubeconfigText: string,
  options: ProbeOptions,
): Promise<ProbeResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const kc = loadForValidation(kubeconfigText, options);
  const cluster = kc.getCurrentCluster();
  const server = cluster?.server ?? '';
  const proxy =
    cluster?.proxyUrl !== undefined ? redactProxyUrl(cluster.proxyUrl).shown : undefined;
  const retrier = new Retrier(options.waitMs, clock, options.log);
  const call = async <T>(
    request: string,
    send: (o: ConfigurationOptions) => Promise<T>,
  ): Promise<T> =>
    retrier.run(request, options.timeoutMs, async (timeoutMs) => {
      try {
        return await send(withTimeout(timeoutMs));
      } catch (err) {
        throw diagnose(err, { server, request, timeoutMs, proxy, secrets: options.secrets });
      }
    });

  try {
    const verdict = await verifyWith(kc, call, options);
    return { ...verdict, attempts: retrier.attempts, elapsedMs: clock.now() - started };
  } catch (err) {
    throw await explainTls(err, kc, options);
  }
}

async function verifyWith(
  kc: KubeConfig,
  call: Call,
  options: ProbeOptions,
): Promise<Omit<ProbeResult, 'attempts' | 'elapsedMs'>> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const version = await call(VERSION_REQUEST, async (o) =>
    kc.makeApiClient(VersionApi).getCode({}, o),
  );
  if (typeof version.gitVersion !== 'string' || version.gitVersion === '') {
    throw notKubernetes(
      { server, request: VERSION_REQUEST, timeoutMs: options.timeoutMs },
      'GET /version answered without a gitVersion',
    );
  }
  const identity = await reviewIdentity(kc, call, options.log);
  const access = await Promise.all(
    options.checks.map(async (check) => reviewAccess(kc, call, check)),
  );
  return {
    identity,
    serverVersion: version.gitVersion,
    access,
  };
}

/**
 * Adds what the server's certificate says to a TLS failure: the names it covers when the host
 * is not among them, its issuer next to the given CA when the CA does not verify it.
 */
async function explainTls(err: unknown, kc: KubeConfig, options: ProbeOptions): Promise<unknown> {
  if (!(err instanceof ClusterError) || (err.kind !== 'tls-hostname' && err.kind !== 'tls-ca'))
    return err;
  const cluster = kc.getCurrentCluster();
  if (!cluster) return err;
  if (cluster.proxyUrl !== undefined) {
    // The certificate cannot be fetched past the proxy here; the advice still holds.
    return err.kind === 'tls-hostname'
      ? err.with({
          hint: 'Set tls-server-name to a name the certificate covers, or use an address it lists',
        })
      : err;
  }
  const url = new URL(cluster.server);
  const port = url.port === '' ? 443 : Number(url.port);
  const cert = await fetchPeerCertificate(url.hostname, port, {
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    timeoutMs: Math.min(options.timeoutMs, 5_000),
  });
  if (!cert) return err;
  if (err.kind === 'tls-hostname') {
    const example = cert.dnsNames.find((n) => n.startsWith('kubernetes')) ?? cert.dnsNames[0];
    if (cluster.tlsServerName) {
      return err.with({
        message: `the certificate of ${url.host} is not valid for tls-server-name "${cluster.tlsServerName}"; ${describeCoverage(cert)}`,
        hint: example
          ? `Set tls-server-name to a name the certificate covers, e.g. ${example}`
          : 'Set tls-server-name to a name the certificate covers',
      });
    }
    return err.with({
      message: `${err.message}; ${describeCoverage(cert)}`,
      hint: example
        ? `Set tls-server-name: ${example} (a name the certificate covers) to keep this address, or use an address the certificate lists`
        : 'Use an address the certificate lists',
    });
  }
  const caPem = cluster.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : '';
  return err.with({ message: `${err.message}; ${describeIssuerMismatch(cert, caPem)}` });
}

type Call = <T>(request: string, send: (o: ConfigurationOptions) => Promise<T>) => Promise<T>;

/** Loads the kubeconfig text, then makes up in memory for what client-node does not read. */
function loadForValidation(text: string, options: ProbeOptions): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  const current = kc.getCurrentCluster();
  if (!current) throw new Error('the kubeconfig has no current cluster');
  kc.clusters = kc.clusters.map((c) => {
    if (c.name !== current.name) return c;
    // client-node refuses plain http unless TLS checks are off; input parsing allows http://
    // only to a loopback address, where there is no TLS to check.
    const skipTLSVerify = c.skipTLSVerify || c.server.startsWith('http://');
    // kubectl takes HTTPS_PROXY/NO_PROXY from the environment; client-node does not.
    const proxyUrl = c.proxyUrl ?? options.environmentProxy;
    return { ...c, skipTLSVerify, ...(proxyUrl !== undefined ? { proxyUrl } : {}) };
  });
  // The standard `tokenFile` is what kubectl reads; client-node ignores it, so validate with
  // the token that file holds now.
  const tokenFile = rawTokenFile(text);
  if (tokenFile !== undefined) {
    const token = options.readFile(tokenFile).trim();
    kc.users = kc.users.map((u) => ({ ...u, token }));
  }
  return kc;
}

function rawTokenFile(text: string): string | undefined {
  const doc = load(text) as { users?: { user?: { tokenFile?: unknown } }[] } | undefined;
  const file = doc?.users?.[0]?.user?.tokenFile;
  return typeof file === 'string' ? file : undefined;
}

async function reviewIdentity(kc: KubeConfig, call: Call, log: Logger): Promise<ClusterIdentity> {
  let forbidden: ClusterError | undefined;
  for (const version of REVIEW_VERSIONS) {
    const request = `POST /apis/authentication.k8s.io/${version}/selfsubjectreviews`;
    try {
      // client-node exports only the v1 client; the older versions take the same empty body
      // and answer the same shape, so the v1 call is sent to their path.
      const review = await call(request, async (o) =>
        kc
          .makeApiClient(AuthenticationV1Api)
          .createSelfSubjectReview({ body: {} }, atVersion(o, version)),
      );
      return fromUserInfo(review.status?.userInfo, `selfsubjectreview/${version}`, kc, request);
    } catch (err) {
      if (!(err instanceof ClusterError)) throw err;
      if (err.kind === 'api-missing') continue;
      if (err.kind !== 'forbidden') throw err;
      forbidden = err;
      break;
    }
  }
  // No SelfSubjectReview to be had: prove the token with another authenticated call. A 401
  // there means the token is bad; an answer means it was accepted.
  const named = forbidden ? userInForbidden(forbidden.serverText) : undefined;
  if (named === 'system:anonymous') throw anonymous();
  const why = forbidden
    ? 'the server forbids SelfSubjectReview'
    : 'the server serves no SelfSubjectReview version (Kubernetes older than 1.26?)';
  try {
    await call(SSAR_REQUEST, async (o) =>
      kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview(
        {
          body: {
            spec: {
              resourceAttributes: {
                verb: 'create',
                group: 'authentication.k8s.io',
                resource: 'selfsubjectreviews',
              },
            },
          },
        },
        o,
      ),
    );
  } catch (err) {
    // Forbidden too: the token was accepted (a bad one gets 401), and the first 403 named it.
    if (!(err instanceof ClusterError) || err.kind !== 'forbidden') throw err;
    if (named === undefined) throw forbidden ?? err;
  }
  log.warning(
    named
      ? `Token accepted as ${named}, but ${why}: groups unknown. Grant "create" on selfsubjectreviews.authentication.k8s.io to see them.`
      : `Token accepted, but ${why}: the identity is unknown. The username and groups outputs are empty.`,
  );
  return {
    username: named,
    uid: undefined,
    groups: [],
    source: named ? 'forbidden-message' : 'access-review',
  };
}

function fromUserInfo(
  user: V1UserInfo | undefined,
  source: ClusterIdentity['source'],
  kc: KubeConfig,
  request: string,
): ClusterIdentity {
  if (!user?.username) {
    throw notKubernetes(
      { server: kc.getCurrentCluster()?.server ?? 'the server', request, timeoutMs: 0 },
      'the SelfSubjectReview came back without a username',
    );
  }
  if (user.username === 'system:anonymous') throw anonymous();
  return { username: user.username, uid: user.uid, groups: user.groups ?? [], source };
}

/** The user a 403 Status message names: `… User "system:serviceaccount:ci:x" cannot create …`. */
export function userInForbidden(message: string): string | undefined {
  return /\bUser "([^"]+)" cannot /.exec(message)?.[1];
}

function anonymous(): ClusterError {
  return new ClusterError(
    'anonymous',
    'the server treated the request as system:anonymous: the token was not used',
    'Check that the API server accepts bearer tokens and that no proxy in front of it strips the Authorization header',
  );
}

async function reviewAccess(kc: KubeConfig, call: Call, check: AccessCheck): Promise<AccessResult> {
  const review = await call(`${SSAR_REQUEST} (${check.line})`, async (o) =>
    kc
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectAccessReview({ body: { spec: check.spec } }, o),
  );
  const status = review.status;
  return {
    check,
    allowed: status?.allowed === true && status.denied !== true,
    reason: status?.reason ?? status?.evaluationError ?? '',
  };
}

/** Options that send an authentication.k8s.io/v1 request to another version of the group. */
function atVersion(options: ConfigurationOptions, version: string): ConfigurationOptions {
  if (version === 'v1') return options;
  const rewrite = {
    pre: (context: RequestContext) => {
      context.setUrl(
        context
          .getUrl()
          .replace('/authentication.k8s.io/v1/', `/authentication.k8s.io/${version}/`),
      );
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { ...options, middleware: [...(options.middleware ?? []), rewrite] };
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
