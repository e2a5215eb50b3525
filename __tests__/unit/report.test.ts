import { describe, expect, it } from 'vitest';
import { parseAccessChecks, type AccessCheck } from '../../src/inputs/can-i.js';
import type { ActionConfig } from '../../src/inputs/index.js';
import type { ProbeResult } from '../../src/probe.js';
import {
  deniedError,
  describeCertificateAuthority,
  describeToken,
  summaryMarkdown,
} from '../../src/report.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const config = {
  server: {
    url: 'https://k8s.example.com:6443',
    host: 'k8s.example.com',
    plainHttp: false,
    from: 'input',
  },
  token: {
    value: 'secret-token-value',
    forms: [],
    encoding: 'base64',
    kind: 'jwt',
    from: 'input',
    file: undefined,
  },
  certificateAuthority: {
    pem: '-----BEGIN CERTIFICATE-----',
    base64: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
    format: 'base64',
    certificates: [
      {
        subject: 'CN=kubernetes',
        notAfter: new Date('2036-01-01T00:00:00Z'),
        fingerprint256: 'AB',
      },
    ],
    from: 'secret',
  },
  insecureSkipTlsVerify: false,
  tlsServerName: undefined,
  proxyUrl: undefined,
  namespace: 'ci',
  context: 'prod',
  kubeconfigPath: undefined,
  exportKubeconfig: true,
  merge: false,
  validate: true,
  timeoutMs: 10_000,
  waitMs: 30_000,
  checks: [],
  cleanup: true,
  secrets: ['secret-token-value'],
} satisfies ActionConfig;

const checks = parseAccessChecks('list pods\ncreate deployments.apps', 'ci');
const check = (i: number): AccessCheck => {
  const c = checks[i];
  if (!c) throw new Error('missing check');
  return c;
};
const result: ProbeResult = {
  identity: {
    username: 'system:serviceaccount:ci:deployer',
    uid: 'u',
    groups: ['system:authenticated'],
    source: 'selfsubjectreview/v1',
  },
  serverVersion: 'v1.34.0',
  access: [
    {
      check: check(0),
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "x/ci" of Role "x" to ServiceAccount "deployer/ci"',
    },
    { check: check(1), allowed: false, reason: '<script>alert(1)</script> | `x`' },
  ],
  attempts: 4,
  elapsedMs: 1_500,
};
const claims = {
  kind: 'bound' as const,
  expiresAt: new Date('2026-11-29T14:00:00Z'),
  serviceAccount: undefined,
};

describe('summaryMarkdown', () => {
  const text = summaryMarkdown({ config, result, claims, kubeconfigPath: '/tmp/k.yaml', now: NOW });

  it('tells the verdict, identity, version, token lifetime and the request count', () => {
    expect(text).toMatch(/^### ⛔ Connected, but some permissions are missing/);
    expect(text).toContain('| Identity | `system:serviceaccount:ci:deployer` |');
    expect(text).toContain('| Server version | `v1.34.0` |');
    expect(text).toContain(
      '| Token | bound JWT (TokenRequest), expires `2026-11-29T14:00:00.000Z` (in 2h) |',
    );
    expect(text).toContain('| Verdict | 4 requests, 1500ms |');
    expect(text).toContain('| Kubeconfig | `/tmp/k.yaml` (exported as `KUBECONFIG`) |');
  });

  it('lists every can-i check with the server reason, with its markup neutralised', () => {
    expect(text).toContain(
      '| `list pods` | ✅ yes | RBAC: allowed by RoleBinding "x/ci" of Role "x" to ServiceAccount "deployer/ci" |',
    );
    expect(text).toContain(
      '| `create deployments.apps` | ❌ no | &lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` |',
    );
  });

  it('never contains the token or the CA data', () => {
    expect(text).not.toContain('secret-token-value');
    expect(text).not.toContain('LS0tLS1CRUdJTi');
  });

  it('says when nothing was checked', () => {
    const unchecked = summaryMarkdown({
      config,
      result: undefined,
      claims: undefined,
      kubeconfigPath: '/k',
      now: NOW,
    });
    expect(unchecked).toMatch(/^### 📝 Kubeconfig written without contacting the server/);
    expect(unchecked).toContain('| Identity | not checked (validate: false) |');
  });
});

describe('deniedError', () => {
  it('lists every denied line, and nothing when all are allowed', () => {
    expect(deniedError(result)?.message).toBe(
      '1 of 2 can-i checks denied for system:serviceaccount:ci:deployer: "create deployments.apps"',
    );
    expect(deniedError({ ...result, access: result.access.slice(0, 1) })).toBeUndefined();
  });
});

describe('log lines', () => {
  it('describe where the token and CA came from, never their values', () => {
    expect(describeToken(config)).toBe('JWT from input "token", base64-decoded');
    expect(describeCertificateAuthority(config)).toBe(
      'base64 of PEM from input "secret": CN=kubernetes, valid until 2036-01-01T00:00:00.000Z',
    );
  });
});
