import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { buildKubeconfig } from '../../src/kubeconfig.js';

const spec = {
  server: { url: 'https://203.0.113.10:6443', host: '203.0.113.10', plainHttp: false },
  certificateAuthority: {
    pem: 'PEM',
    base64: 'UEVN',
    format: 'pem' as const,
    certificates: [],
    from: 'certificate-authority' as const,
  },
  namespace: 'ci',
  context: 'prod',
  token: 'eyJ.token.sig',
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
      server: { url: 'http://127.0.0.1:8001', host: '127.0.0.1', plainHttp: true },
      certificateAuthority: undefined,
    });
    expect(text).not.toContain('certificate-authority');
  });
});
