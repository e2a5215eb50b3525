import * as yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { PodEnvironment } from '../../src/inputs/in-cluster.js';
import { parseInputs, type InputContext, type RawInputs } from '../../src/inputs/index.js';
import { Input } from '../../src/names.js';
import { makeJwt } from '../fixtures/apiserver.ts';
import { testTls } from '../fixtures/tools.ts';

const jwt = makeJwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:deployer' });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
let ca = '';

beforeAll(() => {
  ca = testTls().ca.cert;
});

/** The inputs as the runner hands them over for a step that sets only `set`. */
function raw(set: Partial<Record<keyof typeof Input, string>>): RawInputs {
  const all = Object.fromEntries(Object.values(Input).map((name) => [name, ''])) as Record<
    string,
    string
  >;
  all[Input.context] = 'default';
  all[Input.exportKubeconfig] = 'true';
  all[Input.validate] = 'true';
  all[Input.timeout] = '10s';
  all[Input.cleanup] = 'true';
  for (const [key, value] of Object.entries(set)) {
    all[Input[key as keyof typeof Input]] = value;
  }
  return all as RawInputs;
}

const noFiles = {
  readFile: (): string => {
    throw Object.assign(new Error('no files in this test'), { code: 'ENOENT' });
  },
  podEnvironment: {},
  serviceAccountDir: '/nonexistent/serviceaccount',
};

/** A pod: a service-account directory and the kubelet's environment variables. */
function pod(
  files: Record<string, string>,
  env: PodEnvironment = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
): InputContext {
  return {
    readFile: (path: string): string => {
      const name = path.replace('/sa/', '');
      const content = files[name];
      if (content === undefined) throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
      return content;
    },
    podEnvironment: env,
    serviceAccountDir: '/sa',
  };
}

function secretYaml(data: Record<string, string>, namespace = 'ci'): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name: 'deployer-token', namespace },
    data,
  });
}

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    const config = parseInputs(
      raw({ server: 'k8s.example.com:6443', token: jwt, certificateAuthority: ca }),
      noFiles,
    );
    expect(config).toMatchObject({
      server: { url: 'https://k8s.example.com:6443' },
      namespace: 'default',
      context: 'default',
      kubeconfigPath: undefined,
      exportKubeconfig: true,
      validate: true,
      timeoutMs: 10_000,
      cleanup: true,
    });
    expect(config.token).toMatchObject({ value: jwt, from: 'input' });
    expect(config.certificateAuthority?.from).toBe('input');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes token, CA and namespace from a Secret', () => {
    const config = parseInputs(
      raw({
        server: 'https://k8s.example.com',
        secret: secretYaml({ token: b64(jwt), 'ca.crt': b64(ca), namespace: b64('ci') }),
      }),
      noFiles,
    );
    expect(config.token).toMatchObject({ value: jwt, from: 'secret' });
    expect(config.certificateAuthority?.from).toBe('secret');
    expect(config.namespace).toBe('ci');
    expect(config.secrets).toEqual(expect.arrayContaining([jwt, b64(jwt)]));
  });

  it('lets token, certificate-authority and namespace override the Secret', () => {
    const other = makeJwt({ sub: 'system:serviceaccount:ci:other' });
    const config = parseInputs(
      raw({
        server: 'https://k8s.example.com',
        secret: secretYaml({ token: b64(jwt), namespace: b64('ci') }),
        token: other,
        certificateAuthority: b64(ca),
        namespace: 'prod',
      }),
      noFiles,
    );
    expect(config.token).toMatchObject({ value: other, from: 'input' });
    expect(config.certificateAuthority?.format).toBe('base64');
    expect(config.namespace).toBe('prod');
  });

  it('needs no CA for http to a loopback address', () => {
    const config = parseInputs(
      raw({ server: 'http://127.0.0.1:8001', token: 'opaque-token-123' }),
      noFiles,
    );
    expect(config.certificateAuthority).toBeUndefined();
  });

  it.each([
    ['no server', { token: jwt }, 'server', /is empty: the API server URL is required/],
    [
      'no token and no secret',
      { server: 'https://k', certificateAuthority: 'x' },
      'token',
      /is empty and no "secret" was given/,
    ],
    [
      'no CA and no secret',
      { server: 'https://k', token: jwt },
      'certificate-authority',
      /is empty and no "secret" was given: the cluster CA is required/,
    ],
    [
      'a Secret without ca.crt and no CA',
      { server: 'https://k', secret: 'SECRET_NO_CA' },
      'certificate-authority',
      /the Secret has no ca\.crt/,
    ],
    [
      'a bad namespace',
      { server: 'https://k', token: jwt, certificateAuthority: 'CA', namespace: 'Prod_1' },
      'namespace',
      /"Prod_1", which is not a valid Kubernetes namespace name/,
    ],
    [
      'a bad boolean',
      { server: 'https://k', token: jwt, certificateAuthority: 'CA', validate: 'yes' },
      'validate',
      /must be true or false \(got "yes"\)/,
    ],
    [
      'a bad timeout',
      { server: 'https://k', token: jwt, certificateAuthority: 'CA', timeout: '10' },
      'timeout',
      /is not a duration/,
    ],
    [
      'a control character in the context',
      { server: 'https://k', token: jwt, certificateAuthority: 'CA', context: 'a\u0007b' },
      'context',
      /control character/,
    ],
  ])('refuses %s, naming the input', (_name, set, input, message) => {
    const values = Object.fromEntries(
      Object.entries(set).map(([k, v]) => [
        k,
        v === 'CA' ? ca : v === 'SECRET_NO_CA' ? secretYaml({ token: b64(jwt) }) : v,
      ]),
    );
    let error: unknown;
    try {
      parseInputs(raw(values), noFiles);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toMatch(message);
  });

  it('mentions forks and Dependabot when a required secret value is missing', () => {
    expect(() =>
      parseInputs(raw({ server: 'https://k', certificateAuthority: ca }), noFiles),
    ).toThrow(
      expect.objectContaining({
        hint: expect.stringMatching(/forks and by Dependabot/) as unknown,
      }),
    );
  });

  it('reads wait, can-i, tls-server-name and proxy-url', () => {
    const config = parseInputs(
      raw({
        server: 'https://k',
        token: jwt,
        certificateAuthority: ca,
        namespace: 'ci',
        wait: '0',
        canI: 'create deployments.apps -n prod\nget secrets',
        tlsServerName: 'kubernetes.default.svc',
        proxyUrl: 'http://user:s3cret@proxy.corp:3128',
      }),
      noFiles,
    );
    expect(config.waitMs).toBe(0);
    expect(config.checks.map((c) => c.spec)).toEqual([
      {
        resourceAttributes: {
          verb: 'create',
          resource: 'deployments',
          group: 'apps',
          namespace: 'prod',
        },
      },
      { resourceAttributes: { verb: 'get', resource: 'secrets', namespace: 'ci' } },
    ]);
    expect(config.tlsServerName).toBe('kubernetes.default.svc');
    expect(config.proxyUrl).toBe('http://user:s3cret@proxy.corp:3128');
    expect(config.secrets).toContain('s3cret');
  });

  it('accepts a SOCKS5 proxy with credentials when nothing validates through it', () => {
    const config = parseInputs(
      raw({
        server: 'https://k',
        token: jwt,
        certificateAuthority: ca,
        validate: 'false',
        proxyUrl: 'socks5://u:pw@proxy:1080',
      }),
      noFiles,
    );
    expect(config.proxyUrl).toBe('socks5://u:pw@proxy:1080');
    expect(config.secrets).toContain('pw');
  });

  it('waits 30s by default', () => {
    expect(
      parseInputs(raw({ server: 'https://k', token: jwt, certificateAuthority: ca }), noFiles)
        .waitMs,
    ).toBe(30_000);
  });

  it("drops the CA of a Secret with insecure-skip-tls-verify, as kubectl's flag does", () => {
    const config = parseInputs(
      raw({
        server: 'https://k',
        secret: secretYaml({ token: b64(jwt), 'ca.crt': b64(ca) }),
        insecureSkipTlsVerify: 'true',
      }),
      noFiles,
    );
    expect(config.certificateAuthority).toBeUndefined();
    expect(config.insecureSkipTlsVerify).toBe(true);
  });

  it("reads a pod's service account in in-cluster mode, keeping the token in its file", () => {
    const config = parseInputs(
      raw({ inCluster: 'true' }),
      pod({ token: `${jwt}\n`, 'ca.crt': ca, namespace: 'runners' }),
    );
    expect(config.server).toMatchObject({ url: 'https://10.96.0.1', from: 'pod' });
    expect(config.token).toMatchObject({ value: jwt, from: 'pod', file: '/sa/token' });
    expect(config.certificateAuthority?.from).toBe('pod');
    expect(config.namespace).toBe('runners');
    expect(config.secrets).toContain(jwt);
  });

  it('brackets an IPv6 service host in in-cluster mode', () => {
    const config = parseInputs(
      raw({ inCluster: 'true' }),
      pod(
        { token: jwt, 'ca.crt': ca },
        { KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '6443' },
      ),
    );
    expect(config.server.url).toBe('https://[fd00:10:96::1]:6443');
    expect(config.namespace).toBe('default');
  });

  it('lets explicit inputs override each part of in-cluster mode', () => {
    const other = makeJwt({ sub: 'system:serviceaccount:x:y' });
    const config = parseInputs(
      raw({
        inCluster: 'true',
        server: 'https://api.example.com',
        token: other,
        namespace: 'prod',
      }),
      pod({ 'ca.crt': ca }, {}),
    );
    expect(config.server.url).toBe('https://api.example.com');
    expect(config.token).toMatchObject({ value: other, from: 'input', file: undefined });
    expect(config.namespace).toBe('prod');
  });

  it.each([
    [
      'no service environment',
      pod({ token: jwt, 'ca.crt': ca }, {}),
      /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: the runner does not look like a pod/,
    ],
    [
      'no token file',
      pod({ 'ca.crt': ca }),
      /\/sa\/token cannot be read \(ENOENT\): the runner does not look like a pod with a mounted service account/,
    ],
    ['no ca.crt', pod({ token: jwt }), /\/sa\/ca\.crt cannot be read/],
  ])('refuses in-cluster mode outside a pod: %s', (_name, context, message) => {
    expect(() => parseInputs(raw({ inCluster: 'true' }), context)).toThrow(message);
  });

  it.each([
    [
      'insecure-skip-tls-verify with a CA',
      { insecureSkipTlsVerify: 'true' },
      'insecure-skip-tls-verify',
      /is true together with "certificate-authority"/,
    ],
    [
      'a bad tls-server-name',
      { tlsServerName: 'not a name' },
      'tls-server-name',
      /is not a host name/,
    ],
    ['an ftp proxy', { proxyUrl: 'ftp://proxy:21' }, 'proxy-url', /unsupported scheme ftp:/],
    ['a proxy URL that is not a URL', { proxyUrl: 'http://user:pw@' }, 'proxy-url', /is not a URL/],
    ['a malformed can-i line', { canI: 'create' }, 'can-i', /line 1/],
    ['a bad wait', { wait: 'soon' }, 'wait', /is not a duration/],
    [
      'can-i with validate false',
      { canI: 'get pods', validate: 'false' },
      'can-i',
      /has checks, but validate is false/,
    ],
    [
      'a SOCKS5 proxy with credentials',
      { proxyUrl: 'socks5://u:pw@proxy:1080' },
      'proxy-url',
      /SOCKS5 proxy with credentials/,
    ],
  ])('refuses %s', (_name, set, input, message) => {
    let error: unknown;
    try {
      parseInputs(
        raw({ server: 'https://k', token: jwt, certificateAuthority: ca, ...set }),
        noFiles,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).message).not.toContain('pw@');
  });

  it.each([
    ['True', true],
    ['FALSE', false],
    ['false', false],
  ])('reads the boolean %s', (value, expected) => {
    const config = parseInputs(
      raw({ server: 'https://k', token: jwt, certificateAuthority: ca, validate: value }),
      noFiles,
    );
    expect(config.validate).toBe(expected);
  });
});
