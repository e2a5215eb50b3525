import { ClusterError, FORK_NOTE, quoteServerText, scrubSecrets } from './errors.js';
import { formatDuration } from './inputs/duration.js';

/** Where in the verification a failure happened, for the message. */
export interface FailureContext {
  /** The server URL as written to the kubeconfig. */
  readonly server: string;
  /** The request that failed, e.g. `GET /version`. */
  readonly request: string;
  readonly timeoutMs: number;
  /** The proxy the request went through (credentials removed), if any. */
  readonly proxy?: string | undefined;
  /** Secret values (every form of the token) to remove from server text before it is shortened. */
  readonly secrets?: readonly string[] | undefined;
}

const CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ABORT_ERR',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const PROTOCOL_CODES = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

/**
 * Turns whatever the Kubernetes client threw into a ClusterError that names the cause and the
 * fix. Knows the shapes client-node 2.x throws: ApiException (`code`, raw string `body`),
 * `TypeError('fetch failed')` with the Node error in `cause`, and abort/timeout errors.
 */
export function diagnose(err: unknown, ctx: FailureContext): ClusterError {
  const status = httpStatus(err);
  if (status !== undefined) {
    // Server text is scrubbed before anything shortens it: a cut-off token is no exact match
    // for the runner's masker (a gateway may echo the Authorization header in its error page).
    const body = redactSecrets(bodyText(err), ctx.secrets ?? []);
    const error = fromStatus(status, body, ctx);
    return new ClusterError(error.kind, error.message, error.hint, {
      status,
      retryAfterMs: retryAfter(err, body),
      serverText: quoteServerText(statusMessage(body)),
    });
  }
  const { code, message, name, proxyStatus } = transportCause(err);
  const target = hostPort(ctx.server);
  if (ctx.proxy !== undefined) {
    const failure = proxyFailure(ctx, ctx.proxy, target, code, proxyStatus);
    if (failure) return failure;
  }
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (code !== undefined && TIMEOUT_CODES.has(code))
  ) {
    return new ClusterError(
      'timeout',
      `no answer from ${ctx.server} within ${formatDuration(ctx.timeoutMs)} (${ctx.request}${code ? `, ${code}` : ''})`,
      'A firewall or a private network is likely dropping the traffic: GitHub-hosted runners reach only public endpoints, so allow their addresses or use a self-hosted runner inside the network; raise "timeout" only for a slow link',
    );
  }
  if (code === 'EAI_AGAIN') {
    return new ClusterError(
      'dns',
      `cannot resolve the host name of ${ctx.server} right now (${code}: the DNS server did not answer)`,
      "Check the runner's DNS configuration; this is usually temporary",
      { code },
    );
  }
  if (code !== undefined && DNS_CODES.has(code)) {
    return new ClusterError(
      'dns',
      `cannot resolve the host name of ${ctx.server} (${code})`,
      'Check the server URL for typos; a private cluster name resolves only inside its network, so use its public endpoint or a self-hosted runner in that network',
      { code },
    );
  }
  if (code === 'ECONNREFUSED') {
    return new ClusterError(
      'refused',
      `connection to ${target} was refused: nothing listens there`,
      'Check the port (the API server usually listens on 6443 or 443) and that the API server is running',
    );
  }
  if (code !== undefined && CA_CODES.has(code)) {
    return new ClusterError(
      'tls-ca',
      `the certificate of ${target} is not signed by the given CA (${code}: ${quoteServerText(message.replace(/;\s*if the root CA.*$/s, ''))})`,
      'Give this cluster\'s own CA: certificate-authority-data from its kubeconfig or data["ca.crt"] from its token Secret; a CA from another or a re-created cluster does not match',
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new ClusterError(
      'tls-hostname',
      `the certificate of ${target} is not valid for that address (${quoteServerText(altnames(message))})`,
      "Use a server address that the certificate lists (see above), such as the name in the cluster's own kubeconfig",
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new ClusterError(
      'tls-expired',
      `the certificate of ${target} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'}`,
      "Renew the API server's certificate (kubeadm certs renew apiserver), or check the runner's clock",
    );
  }
  if (code !== undefined && PROTOCOL_CODES.has(code)) {
    return new ClusterError(
      'tls-protocol',
      `${target} does not speak TLS (${code})`,
      'Check the port: it must be the HTTPS port of the API server, not a plain-HTTP service',
    );
  }
  if (code !== undefined && RESET_CODES.has(code)) {
    return new ClusterError(
      'reset',
      `the connection to ${target} was closed before an answer (${code}, ${ctx.request})`,
      'A proxy, load balancer or firewall between the runner and the cluster cut the connection; check that the server URL reaches the API server directly',
    );
  }
  return new ClusterError(
    'network',
    `cannot reach ${ctx.server} (${ctx.request}: ${code ?? name ?? 'error'}: ${quoteServerText(message)})`,
    'Check the server URL and the network path from the runner to the cluster',
  );
}

/** Failures of the proxy itself: unreachable, or answering the CONNECT with an error. */
function proxyFailure(
  ctx: FailureContext,
  proxy: string,
  target: string,
  code: string | undefined,
  proxyStatus: number | undefined,
): ClusterError | undefined {
  if (proxyStatus === 407) {
    return new ClusterError(
      'proxy',
      `the proxy ${proxy} requires authentication (407) for ${ctx.request}`,
      'Put the credentials in the proxy URL, http://USER:PASSWORD@HOST:PORT, from a secret (they are masked)',
    );
  }
  if (proxyStatus === 502 || proxyStatus === 503 || proxyStatus === 504) {
    return new ClusterError(
      'proxy',
      `the proxy ${proxy} could not reach ${target} (${proxyStatus}): the API server may be down or unreachable from the proxy`,
      'Check that the API server is running and that the proxy can reach it',
      { status: proxyStatus },
    );
  }
  if (proxyStatus !== undefined) {
    return new ClusterError(
      'proxy',
      `the proxy ${proxy} refused to connect to ${target} (${proxyStatus})`,
      "Ask for the API server's address to be allowed through the proxy, or list it in NO_PROXY if the runner reaches it directly",
    );
  }
  if (code === 'ECONNREFUSED' || (code !== undefined && DNS_CODES.has(code))) {
    return new ClusterError(
      'proxy',
      `cannot reach the proxy ${proxy} (${code})`,
      'Check the host and port of proxy-url (or HTTPS_PROXY / HTTP_PROXY), and that the proxy runs',
    );
  }
  return undefined;
}

function fromStatus(status: number, body: string, ctx: FailureContext): ClusterError {
  const text = statusMessage(body);
  const said = text === '' ? '' : `: ${quoteServerText(text)}`;
  if (status === 401) {
    return new ClusterError(
      'unauthorized',
      `the server rejected the token (401 Unauthorized on ${ctx.request})`,
      `The token is expired, revoked, or from another cluster (its ServiceAccount or Secret was deleted or re-created): mint a new one, e.g. kubectl create token SA -n NAMESPACE --duration=2h, and update the secret. ${FORK_NOTE}`,
    );
  }
  // A web page or a 404 where /version should be is not Kubernetes; an HTML 5xx or 429 is more
  // likely a load balancer in front of a restarting API server, retried below.
  const transientStatus = status === 429 || status >= 500;
  if (
    ctx.request.startsWith('GET /version') &&
    (status === 404 || (looksLikeHtml(body) && !transientStatus))
  ) {
    return notKubernetes(ctx, `GET /version answered ${status}${said}`);
  }
  if (status === 403 && /\bUser "system:anonymous"/.test(text)) {
    return new ClusterError(
      'anonymous',
      `the server treated ${ctx.request} as system:anonymous (403${said})`,
      'The token was not used: check that the API server accepts bearer tokens and that no proxy in front of it strips the Authorization header',
    );
  }
  if (status === 403) {
    return new ClusterError(
      'forbidden',
      `the server accepted the token but denied ${ctx.request} (403 Forbidden${said})`,
      forbiddenHint(ctx.request),
    );
  }
  if (status === 404) {
    return new ClusterError(
      'api-missing',
      `the server does not serve ${ctx.request} (404${said})`,
      'Check that the server URL points at the Kubernetes API server itself, not a path behind a proxy',
    );
  }
  if (status === 429 || status >= 500) {
    return new ClusterError(
      'server-error',
      `the API server answered ${status} to ${ctx.request}${said}`,
      'The API server is overloaded or unhealthy; run the job again later, and check the control plane if it persists',
    );
  }
  return new ClusterError(
    'server-error',
    `unexpected answer ${status} to ${ctx.request}${said}`,
    'Check that the server URL points at the Kubernetes API server',
  );
}

/** Which default role grants the request that was denied, and what to grant instead. */
function forbiddenHint(request: string): string {
  const resource = /\/(selfsubjectreviews|selfsubjectaccessreviews)\b/.exec(request)?.[1];
  if (resource !== undefined) {
    const group =
      resource === 'selfsubjectreviews' ? 'authentication.k8s.io' : 'authorization.k8s.io';
    return `Every authenticated identity may create ${resource} through the system:basic-user ClusterRole; restore that binding or grant "create" on ${resource}.${group} to this identity`;
  }
  return 'Every identity may read /version through the system:public-info-viewer ClusterRole; restore that binding';
}

/** Removes every known secret and any bearer credential from text a server sent back. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return scrubSecrets(text, secrets).replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***');
}

/** The failure for an answer that no Kubernetes API server gives. */
export function notKubernetes(ctx: FailureContext, what: string): ClusterError {
  return new ClusterError(
    'not-kubernetes',
    `${ctx.server} does not look like a Kubernetes API server (${what})`,
    'Check the URL: it must be the API server (usually https://HOST:6443), not a dashboard, an ingress or a cloud console',
  );
}

/** The HTTP status of an ApiException; DOMExceptions also carry a numeric `code`, so check more. */
function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('headers' in err)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code <= 599 ? code : undefined;
}

/** Retry-After in ms: the header (seconds or an HTTP date), else a Status' details.retryAfterSeconds. */
function retryAfter(err: unknown, body: string): number | undefined {
  const headers = (err as { headers?: Record<string, unknown> }).headers ?? {};
  const header = headers['retry-after'];
  if (typeof header === 'string' && header.trim() !== '') {
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  try {
    const parsed = JSON.parse(body) as { details?: { retryAfterSeconds?: unknown } };
    const seconds = parsed.details?.retryAfterSeconds;
    if (typeof seconds === 'number' && seconds > 0) return seconds * 1000;
  } catch {
    // not a Status
  }
  return undefined;
}

function bodyText(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') return body;
  if (body === undefined || body === null) return '';
  try {
    return JSON.stringify(body);
  } catch {
    return '';
  }
}

/** The `message` of a Status body, or the text itself when it is not a Status. */
function statusMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { message?: unknown }).message === 'string'
    ) {
      return (parsed as { message: string }).message;
    }
  } catch {
    // not JSON: fall through to the text
  }
  if (looksLikeHtml(body)) {
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
    return `an HTML page${title ? ` titled "${title.trim()}"` : ''}`;
  }
  return body;
}

function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(body);
}

interface Cause {
  code: string | undefined;
  message: string;
  name: string | undefined;
  /** The status a proxy answered a CONNECT with (undici: "Proxy response (407) !== 200 …"). */
  proxyStatus: number | undefined;
}

/** Digs the Node error out of fetch's TypeError (cause) or an AggregateError (errors). */
function transportCause(err: unknown): Cause {
  let current: unknown = err;
  let fallback: Cause = {
    code: undefined,
    message: String(err),
    name: undefined,
    proxyStatus: undefined,
  };
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const e = current as {
      code?: unknown;
      message?: unknown;
      name?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    const name = typeof e.name === 'string' ? e.name : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    const proxy = /Proxy response \((\d{3})\)/.exec(message);
    if (proxy) {
      return { code: undefined, message, name, proxyStatus: Number(proxy[1]) };
    }
    if (typeof e.code === 'string' || name === 'TimeoutError' || name === 'AbortError') {
      const code = typeof e.code === 'string' ? e.code : undefined;
      return { code, message, name, proxyStatus: undefined };
    }
    if (depth === 0) fallback = { code: undefined, message, name, proxyStatus: undefined };
    current = e.cause ?? (Array.isArray(e.errors) ? (e.errors as unknown[])[0] : undefined);
  }
  return fallback;
}

function hostPort(server: string): string {
  try {
    const url = new URL(server);
    return url.port === '' ? `${url.hostname}:${url.protocol === 'http:' ? 80 : 443}` : url.host;
  } catch {
    return server;
  }
}

/** Node's altname message, without its "Hostname/IP does not match certificate's altnames:" preamble. */
function altnames(message: string): string {
  return message.replace(/^Hostname\/IP does not match certificate's altnames:\s*/, '');
}
