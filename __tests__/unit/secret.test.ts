import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseSecret } from '../../src/inputs/secret.js';
import { makeJwt } from '../fixtures/apiserver.ts';

const jwt = makeJwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:deployer' });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** A Secret as the API server returns it. */
function secret(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    data: { 'ca.crt': b64(CA), namespace: b64('ci'), token: b64(jwt) },
    kind: 'Secret',
    metadata: {
      annotations: { 'kubernetes.io/service-account.name': 'deployer' },
      name: 'deployer-token',
      namespace: 'ci',
    },
    type: 'kubernetes.io/service-account-token',
    ...overrides,
  };
}

/** kubectl's -o json printer: 4-space indent and a trailing newline. */
const asJson = (o: unknown): string => `${JSON.stringify(o, null, 4)}\n`;
const asYaml = (o: unknown): string => yaml.dump(o, { sortKeys: true });

describe('parseSecret', () => {
  it.each([
    ['kubectl -o yaml', asYaml],
    ['kubectl -o json', asJson],
  ])('reads token, ca.crt and namespace from %s', (_name, print) => {
    const parsed = parseSecret(print(secret()), 'secret', true);
    expect(parsed.token).toBe(jwt);
    expect(parsed.tokenBase64).toBe(b64(jwt));
    expect(parsed.caCrt).toBe(CA);
    expect(parsed.namespace).toBe('ci');
    expect(parsed.name).toBe('deployer-token');
  });

  it('prefers stringData over data, as the API server does', () => {
    const parsed = parseSecret(
      asYaml(secret({ stringData: { token: 'plain-token', namespace: 'prod' } })),
      'secret',
      true,
    );
    expect(parsed.token).toBe('plain-token');
    expect(parsed.namespace).toBe('prod');
  });

  it('falls back to metadata.namespace when data has no namespace', () => {
    const parsed = parseSecret(
      asYaml(secret({ data: { token: b64(jwt) }, metadata: { namespace: 'team-a' } })),
      'secret',
      true,
    );
    expect(parsed.namespace).toBe('team-a');
    expect(parsed.caCrt).toBeUndefined();
  });

  it('accepts a Secret without a token when the token input overrides it', () => {
    expect(
      parseSecret(asYaml(secret({ data: { 'ca.crt': b64(CA) } })), 'secret', false).token,
    ).toBeUndefined();
  });

  it.each([
    [
      'another type',
      secret({ type: 'Opaque' }),
      /is Secret "deployer-token" of type Opaque, not kubernetes\.io\/service-account-token/,
    ],
    ['no type', secret({ type: undefined }), /of type \(none, i\.e\. Opaque\)/],
    [
      'no token yet',
      secret({ data: { 'ca.crt': b64(CA) } }),
      /is Secret "deployer-token" without a token \(data\.token is empty\)/,
    ],
    [
      'a ConfigMap',
      { apiVersion: 'v1', kind: 'ConfigMap', data: {} },
      /is a ConfigMap, not a Secret/,
    ],
    [
      'a List of secrets',
      { apiVersion: 'v1', kind: 'List', items: [secret(), secret()] },
      /is a List of 2 objects, not one Secret/,
    ],
    [
      'a kubeconfig',
      { apiVersion: 'v1', kind: 'Config', clusters: [] },
      /is a Config, not a Secret/,
    ],
    ['an object without kind', { data: {} }, /an object without "kind"/],
    [
      'data that is not base64',
      secret({ data: { token: 'not base64!!' } }),
      /has data\["token"\] that is not base64/,
    ],
  ])('refuses %s, saying what it found', (_name, doc, message) => {
    expect(() => parseSecret(asYaml(doc), 'secret', true)).toThrow(message);
  });

  it.each([
    ['a bare token', jwt, /holds a single token, not a Secret/],
    ['base64 of a token', b64(jwt), /holds a single token, not a Secret/],
    ['a YAML list', '- a\n- b', /is not a Secret manifest \(found a list\)/],
    ['broken YAML', 'kind: Secret\n  data: : :\n\tx', /is not valid YAML or JSON at line \d+/],
    ['broken JSON', '{"kind": "Secret", "data": {', /is not valid YAML or JSON/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseSecret(text, 'secret', true)).toThrow(message);
  });

  it('never quotes the Secret text in a YAML error', () => {
    const text = `kind: Secret\ndata:\n  token: ${b64(jwt)}\n  bad: [unclosed`;
    expect(() => parseSecret(text, 'secret', true)).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining(b64(jwt).slice(0, 30)) as unknown,
      }),
    );
  });
});
