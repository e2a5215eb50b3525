/**
 * Issue 4 as a user sees it through the built action: can-i checks, retries within `wait`,
 * token lifetime advice, older servers, and TLS diagnostics.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeJwt,
  makeServiceAccountToken,
  startApiServer,
  type FakeApiServer,
} from '../fixtures/apiserver.ts';
import { errorLines, Job, type StepResult } from '../fixtures/runner.ts';
import { testTls } from '../fixtures/tools.ts';

const deployer = makeServiceAccountToken('ci', 'deployer', { expirationSeconds: 4 * 3600 });
let server: FakeApiServer;

beforeAll(async () => {
  server = await startApiServer({
    tls: testTls(),
    tokens: { [deployer.token]: { ...deployer.identity, allow: ['get,list pods ci', 'create deployments.apps ci', 'get pods/log ci'] } },
  });
});
afterAll(async () => server.close());

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { server: server.url, token: deployer.token, 'certificate-authority': testTls().ca.cert, namespace: 'ci', ...extra };
}

const commands = (step: StepResult, name: string): string[] =>
  step.stdout
    .split('\n')
    .filter((l) => l.startsWith(`::${name}::`))
    .map((l) => l.slice(name.length + 4));

describe('can-i', () => {
  it('passes and sets allowed when every check is allowed, with a table in the summary', async () => {
    server.reset();
    const main = await new Job().main(
      inputs({ 'can-i': 'list pods\ncreate deployment.apps\nget pods/log\nget pods --subresource=log' }),
    );
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toContain('can-i get pods/log: yes');
    expect(main.outputs.allowed).toBe('true');
    expect(main.stdout).toContain('can-i list pods: yes');
    expect(main.summary).toMatch(/\| `list pods` \| ✅ yes \|/);
    expect(main.summary).toMatch(/\| `create deployment\.apps` \| ✅ yes \|/);
  });

  it('fails listing every denied line, and writes no kubeconfig', async () => {
    server.reset();
    const job = new Job();
    const main = await job.main(inputs({ 'can-i': 'list pods\ndelete pods -n ci\nget secrets --all-namespaces\nlist nodes' }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(
        /^kube-connect: 3 of 4 can-i checks denied for system:serviceaccount:ci:deployer: "delete pods -n ci", "get secrets --all-namespaces", "list nodes"\. Grant them with a Role/,
      ),
    ]);
    expect(readdirSync(job.runnerTemp)).toEqual([]);
    expect(main.env).toEqual({});
    expect(main.state).toEqual({});
    expect(main.outputs).toMatchObject({ allowed: 'false', username: 'system:serviceaccount:ci:deployer' });
    expect(main.outputs.kubeconfig).toBeUndefined();
    expect(main.summary).toMatch(/\| `delete pods -n ci` \| ❌ no \|/);
  });

  it('refuses checks that validate: false would skip', async () => {
    const main = await new Job().main(inputs({ 'can-i': 'list pods', validate: 'false' }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)[0]).toMatch(/input "can-i" has checks, but validate is false/);
  });

  it('names a malformed line', async () => {
    const main = await new Job().main(inputs({ 'can-i': 'list pods\ncreate' }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)[0]).toMatch(/^kube-connect: input "can-i" line 2/);
  });
});

describe('wait', () => {
  it('retries a restarting control plane (503) and logs each attempt', async () => {
    server.reset();
    server.set({ failFirst: { count: 3, status: 503, body: 'status', retryAfter: 1 } });
    const main = await new Job().main(inputs({ wait: '20s' }));
    expect(main.exitCode).toBe(0);
    const attempts = main.stdout.split('\n').filter((l) => /^GET \/version: attempt \d failed \(HTTP 503/.test(l));
    expect(attempts).toHaveLength(3);
    expect(main.summary).toMatch(/\| Verdict \| 5 requests, /);
  });

  it('makes one attempt when wait is 0', async () => {
    server.reset();
    server.set({ failFirst: { count: 1, status: 503, body: 'text' } });
    const main = await new Job().main(inputs({ wait: '0' }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)[0]).toMatch(/the API server answered 503 to GET \/version/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('token lifetime', () => {
  it('sets token-expires-at from the exp claim', async () => {
    server.reset();
    const main = await new Job().main(inputs());
    const exp = (JSON.parse(Buffer.from(deployer.token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;
    expect(main.outputs['token-expires-at']).toBe(new Date(exp * 1000).toISOString().replace('.000Z', 'Z'));
    expect(commands(main, 'warning')).toEqual([]);
    expect(main.summary).toMatch(/\| Token \| bound JWT \(TokenRequest\), expires `/);
  });

  it('warns about a token that expires within the hour', async () => {
    const soon = makeServiceAccountToken('ci', 'deployer', { expirationSeconds: 20 * 60 });
    server.addToken(soon.token, soon.identity);
    const main = await new Job().main(inputs({ token: soon.token }));
    expect(main.exitCode).toBe(0);
    expect(commands(main, 'warning')).toEqual([
      expect.stringMatching(/^The token expires at .*, in 20m: .*Mint a longer one: kubectl create token deployer -n ci --duration=2h\.$/),
    ]);
  });

  it('explains a 401 by the expiry of an expired token, in the log, output and summary', async () => {
    const expired = makeServiceAccountToken('ci', 'deployer', { expirationSeconds: -3 * 3600 });
    const main = await new Job().main(inputs({ token: expired.token }));
    expect(main.exitCode).toBe(1);
    expect(main.outputs['token-expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(main.summary).toMatch(/^### ❌ Not connected\n\nkube-connect: the server rejected the token/);
    expect(main.summary).toMatch(/\| Token \| bound JWT \(TokenRequest\), expires `.*` \(already expired\) \|/);
    expect(errorLines(main.stdout)[0]).toMatch(/the server rejected the token \(401 Unauthorized on GET \/version\): the token expired at .* \(3h ago\)/);
  });

  it('notes that a legacy Secret token never expires', async () => {
    const legacy = makeJwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:old' });
    server.addToken(legacy, { username: 'system:serviceaccount:ci:old', groups: ['system:serviceaccounts'] });
    const main = await new Job().main(inputs({ token: legacy }));
    expect(main.exitCode).toBe(0);
    expect(main.outputs['token-expires-at']).toBe('');
    expect(commands(main, 'notice')).toEqual([expect.stringMatching(/^The token never expires .*kubectl create token old -n ci/)]);
  });

  it('says nothing about an opaque token', async () => {
    server.addToken('opaque-static-token-0123456789', { username: 'ci-bot' });
    const main = await new Job().main(inputs({ token: 'opaque-static-token-0123456789' }));
    expect(main.exitCode).toBe(0);
    expect(commands(main, 'notice')).toEqual([]);
    expect(commands(main, 'warning')).toEqual([]);
  });
});

describe('older or restricted servers', () => {
  it('reports the identity as unknown rather than failing when no SelfSubjectReview is served', async () => {
    server.reset();
    server.set({ ssr: 'group-not-served' });
    const main = await new Job().main(inputs());
    expect(main.exitCode).toBe(0);
    expect(main.outputs.username).toBe('');
    expect(commands(main, 'warning')).toEqual([expect.stringMatching(/^Token accepted, but the server serves no SelfSubjectReview version/)]);
  });
});

describe('TLS diagnostics', () => {
  it('lists the names the certificate covers and suggests tls-server-name', async () => {
    const other = await startApiServer({ tls: testTls(), cert: 'noLocalSan', tokens: { [deployer.token]: deployer.identity } });
    try {
      const main = await new Job().main(inputs({ server: other.url }));
      expect(errorLines(main.stdout)[0]).toMatch(
        /it covers DNS kubernetes, kubernetes\.default, kubernetes\.default\.svc, kubernetes\.default\.svc\.cluster\.local; IP 10\.96\.0\.1\. Set tls-server-name: kubernetes/,
      );
    } finally {
      await other.close();
    }
  });

  it('shows the server certificate issuer next to the given CA', async () => {
    const main = await new Job().main(inputs({ 'certificate-authority': testTls().otherCa.cert }));
    expect(errorLines(main.stdout)[0]).toMatch(/was issued by CN=kubernetes \(key id .*\), but the given CA is CN=kubernetes \(key id /);
  });
});
