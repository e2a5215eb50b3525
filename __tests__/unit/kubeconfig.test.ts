import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { buildKubeconfig, type KubeconfigSpec } from '../../src/kubeconfig.js';

const spec: KubeconfigSpec = {
  server: {
    url: 'https://203.0.113.10:6443',
    host: '203.0.113.10',
    plainHttp: false,
    from: 'input',
  },
  certificateAuthority: {
    pem: 'PEM',
    base64: 'UEVN',
    format: 'pem',
    certificates: [],
    from: 'input',
  },
  insecureSkipTlsVerify: false,
  tlsServerName: undefined,
  proxyUrl: undefined,
  namespace: 'ci',
  context: 'prod',
  credential: { token: 'eyJ.token.sig' },
};

describe('buildKubeconfig', () => {
  it('writes the standard kubeconfig schema with one cluster, user and context', () => {
    expect(yaml.load(buildKubeconfig(spec))).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'prod',
          cluster: { server: 'https://203.0.113.10:6443', 'certificate-authority-data': 'UEVN' },
        },
      ],
      users: [{ name: 'prod', user: { token: 'eyJ.token.sig' } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod', namespace: 'ci' } }],
      'current-context': 'prod',
      preferences: {},
    });
  });

  it('is YAML, not JSON', () => {
    const text = buildKubeconfig(spec);
    expect(text.startsWith('apiVersion: v1\n')).toBe(true);
  });

  it('quotes names that YAML would otherwise read as other types', () => {
    const text = buildKubeconfig({ ...spec, context: 'true', namespace: '123' });
    const doc = yaml.load(text) as {
      'current-context': unknown;
      contexts: { context: { namespace: unknown } }[];
    };
    expect(doc['current-context']).toBe('true');
    expect(doc.contexts[0]?.context.namespace).toBe('123');
  });

  it('omits certificate-authority-data when there is no CA', () => {
    const text = buildKubeconfig({
      ...spec,
      server: { url: 'http://127.0.0.1:8001', host: '127.0.0.1', plainHttp: true, from: 'input' },
      certificateAuthority: undefined,
    });
    expect(text).not.toContain('certificate-authority');
  });

  it('writes tokenFile (the key kubectl reads) for a rotated pod token', () => {
    const file = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    const doc = yaml.load(buildKubeconfig({ ...spec, credential: { tokenFile: file } })) as {
      users: { user: Record<string, string> }[];
    };
    expect(doc.users[0]?.user).toEqual({ tokenFile: file });
  });

  it('writes the TLS and proxy options of the cluster', () => {
    const doc = yaml.load(
      buildKubeconfig({
        ...spec,
        certificateAuthority: undefined,
        insecureSkipTlsVerify: true,
        tlsServerName: 'kubernetes.default.svc',
        proxyUrl: 'socks5://127.0.0.1:1080',
      }),
    ) as { clusters: { cluster: Record<string, unknown> }[] };
    expect(doc.clusters[0]?.cluster).toEqual({
      server: 'https://203.0.113.10:6443',
      'insecure-skip-tls-verify': true,
      'tls-server-name': 'kubernetes.default.svc',
      'proxy-url': 'socks5://127.0.0.1:1080',
    });
  });
});
