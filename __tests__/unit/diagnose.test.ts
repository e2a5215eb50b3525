import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { describeError } from '../../src/errors.js';

const ctx = { server: 'https://k8s.example.com:6443', request: 'GET /version', timeoutMs: 10_000 };
const ssr = { ...ctx, request: 'POST /apis/authentication.k8s.io/v1/selfsubjectreviews' };

/** client-node 2.x's transport failure: TypeError('fetch failed') with the Node error as cause. */
function fetchFailed(code: string, message: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}
/** client-node 2.x's ApiException shape: numeric code, raw body text. */
function apiException(code: number, body?: string): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers: {} });
}
const STATUS_403 =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"selfsubjectreviews.authentication.k8s.io is forbidden: User \\"system:serviceaccount:ci:x\\" cannot create resource \\"selfsubjectreviews\\" in API group \\"authentication.k8s.io\\" at the cluster scope","reason":"Forbidden","details":{"group":"authentication.k8s.io","kind":"selfsubjectreviews"},"code":403}\n';

describe('diagnose behind a proxy', () => {
  const viaProxy = { ...ctx, proxy: 'http://proxy.corp:3128' };
  const tunnel = (code: number): Error =>
    new TypeError('fetch failed', {
      cause: Object.assign(new Error('Request was cancelled.'), {
        code: 0,
        cause: Object.assign(new Error(`Proxy response (${code}) !== 200 when HTTP Tunneling`), {
          name: 'AbortError',
          code: 'UND_ERR_ABORTED',
        }),
      }),
    });

  it.each([
    [407, /requires authentication \(407\)/, undefined],
    [403, /refused to connect to k8s\.example\.com:6443 \(403\)/, undefined],
    [502, /could not reach k8s\.example\.com:6443 \(502\): the API server may be down/, 502],
  ])('names a proxy answering %i', (code, message, status) => {
    const err = diagnose(tunnel(code), viaProxy);
    expect(err.kind).toBe('proxy');
    expect(err.message).toMatch(message);
    expect(err.status).toBe(status);
  });

  it('names a proxy that refuses connections', () => {
    expect(diagnose(fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED'), viaProxy).message).toBe(
      'cannot reach the proxy http://proxy.corp:3128 (ECONNREFUSED)',
    );
  });
});

describe('diagnose', () => {
  it.each([
    [
      'DNS name not found',
      fetchFailed('ENOTFOUND', 'getaddrinfo ENOTFOUND k8s.example.com'),
      ctx,
      'dns',
      /cannot resolve the host name/,
    ],
    ['no resolver', fetchFailed('EAI_AGAIN', 'getaddrinfo EAI_AGAIN'), ctx, 'dns', /EAI_AGAIN/],
    [
      'connection refused',
      fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED'),
      ctx,
      'refused',
      /connection to k8s\.example\.com:6443 was refused/,
    ],
    [
      'refused on every address (AggregateError)',
      new TypeError('fetch failed', {
        cause: Object.assign(
          new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
          {},
        ),
      }),
      ctx,
      'refused',
      /refused/,
    ],
    [
      'our own timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), {
        name: 'TimeoutError',
      }),
      ctx,
      'timeout',
      /no answer from https:\/\/k8s\.example\.com:6443 within 10s/,
    ],
    [
      'undici connect timeout',
      fetchFailed('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'),
      ctx,
      'timeout',
      /UND_ERR_CONNECT_TIMEOUT/,
    ],
    [
      'unknown CA, leaf only',
      fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      ctx,
      'tls-ca',
      /is not signed by the given CA/,
    ],
    [
      'unknown CA, chain with root',
      fetchFailed('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      ctx,
      'tls-ca',
      /not signed by the given CA/,
    ],
    [
      'self-signed server',
      fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      ctx,
      'tls-ca',
      /not signed by the given CA/,
    ],
    [
      'host not in the certificate',
      fetchFailed(
        'ERR_TLS_CERT_ALTNAME_INVALID',
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 10.96.0.1, 127.0.0.1",
      ),
      ctx,
      'tls-hostname',
      /is not valid for that address \(IP: 127\.0\.0\.2 is not in the cert's list: 10\.96\.0\.1, 127\.0\.0\.1\)/,
    ],
    [
      'expired certificate',
      fetchFailed('CERT_HAS_EXPIRED', 'certificate has expired'),
      ctx,
      'tls-expired',
      /is expired/,
    ],
    [
      'plain HTTP on the port',
      fetchFailed('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
      ctx,
      'tls-protocol',
      /does not speak TLS/,
    ],
    [
      'connection reset',
      fetchFailed('ECONNRESET', 'socket hang up'),
      ctx,
      'reset',
      /was closed before an answer/,
    ],
    [
      'something else',
      fetchFailed('EHOSTUNREACH', 'connect EHOSTUNREACH'),
      ctx,
      'network',
      /cannot reach .*EHOSTUNREACH/,
    ],
    [
      '401',
      apiException(401),
      ssr,
      'unauthorized',
      /the server rejected the token \(401 Unauthorized/,
    ],
    [
      '403 on the review',
      apiException(403, STATUS_403),
      ssr,
      'forbidden',
      /accepted the token but denied POST .*cannot create resource "selfsubjectreviews"/,
    ],
    [
      '404 on the review',
      apiException(404, '404 page not found\n'),
      ssr,
      'api-missing',
      /does not serve POST/,
    ],
    [
      '404 on /version',
      apiException(404, '404 page not found\n'),
      ctx,
      'not-kubernetes',
      /does not look like a Kubernetes API server \(GET \/version answered 404: 404 page not found\)/,
    ],
    [
      'HTML on /version',
      apiException(403, '<!DOCTYPE html><html><head><title>Sign in</title></head></html>'),
      ctx,
      'not-kubernetes',
      /an HTML page titled "Sign in"/,
    ],
    [
      'an HTML 503 from a load balancer on /version',
      apiException(503, '<html><title>503 Service Temporarily Unavailable</title></html>'),
      ctx,
      'server-error',
      /answered 503 to GET \/version: an HTML page titled "503 Service Temporarily Unavailable"/,
    ],
    [
      '503',
      apiException(
        503,
        '{"kind":"Status","message":"the request has been made before all known HTTP paths have been installed, please try again","code":503}',
      ),
      ssr,
      'server-error',
      /answered 503 .*please try again/,
    ],
    [
      '429 text',
      apiException(429, 'Too many requests, please try again later.\n'),
      ssr,
      'server-error',
      /answered 429/,
    ],
  ])('classifies %s', (_name, err, context, kind, message) => {
    const result = diagnose(err, context);
    expect(result.kind).toBe(kind);
    expect(result.message).toMatch(message);
    expect(result.hint.length).toBeGreaterThan(20);
  });

  it('prints server text as one line that cannot start a workflow command', () => {
    const hostile = apiException(500, '::warning::injected\n::set-output name=x::y\r\nmore');
    const line = describeError(diagnose(hostile, ssr));
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.startsWith('::')).toBe(false);
    expect(line).toContain(': warning::injected ::set-output name=x::y more.');
  });

  it('removes the token and bearer credentials from server text before shortening it', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${'p'.repeat(300)}.sig`;
    const page = `<html>${'x'.repeat(150)} Authorization: Bearer ${token} Proxy-Authorization: Basic dXNlcjpwdw== ${token.slice(0, 60)}</html>`;
    const result = diagnose(apiException(502, page), { ...ssr, secrets: [token] });
    const line = describeError(result);
    expect(line).not.toContain(token.slice(0, 40));
    expect(line).not.toContain('dXNlcjpwdw');
    expect(result.serverText).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });

  it('tells an anonymous 403 from a forbidden identity', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message:
        'selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "system:anonymous" cannot create resource',
      code: 403,
    });
    expect(diagnose(apiException(403, body), ssr).kind).toBe('anonymous');
  });

  it('names the role that grants the request that was denied', () => {
    const ssar = {
      ...ctx,
      request: 'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews (get pods)',
    };
    expect(diagnose(apiException(403, STATUS_403), ssar).hint).toContain(
      'selfsubjectaccessreviews.authorization.k8s.io',
    );
    expect(diagnose(apiException(403, STATUS_403), ssr).hint).toContain(
      'selfsubjectreviews.authentication.k8s.io',
    );
  });

  it('shortens long server text', () => {
    const result = diagnose(apiException(500, 'x'.repeat(5000)), ssr);
    expect(result.message.length).toBeLessThan(400);
    expect(result.message).toContain('…');
  });
});
