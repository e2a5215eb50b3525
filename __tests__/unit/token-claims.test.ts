import { describe, expect, it } from 'vitest';
import { expiredNote, lifetimeAdvice, readTokenClaims } from '../../src/token-claims.js';
import { makeJwt } from '../fixtures/apiserver.ts';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const s = (iso: string): number => Date.parse(iso) / 1000;
const bound = (exp: number): string =>
  makeJwt({
    aud: ['https://kubernetes.default.svc.cluster.local'],
    exp,
    iat: exp - 3600,
    iss: 'https://kubernetes.default.svc.cluster.local',
    'kubernetes.io': { namespace: 'ci', serviceaccount: { name: 'deployer', uid: 'u' } },
    sub: 'system:serviceaccount:ci:deployer',
  });
const legacy = makeJwt({
  iss: 'kubernetes/serviceaccount',
  'kubernetes.io/serviceaccount/namespace': 'ci',
  sub: 'system:serviceaccount:ci:deployer',
});

describe('readTokenClaims', () => {
  it('reads expiry, kind and service account of a bound token', () => {
    expect(readTokenClaims(bound(s('2026-11-29T13:00:00Z')))).toEqual({
      kind: 'bound',
      expiresAt: new Date('2026-11-29T13:00:00Z'),
      serviceAccount: { namespace: 'ci', name: 'deployer' },
    });
  });

  it('knows a legacy Secret-based token by its issuer', () => {
    expect(readTokenClaims(legacy)).toMatchObject({ kind: 'legacy', expiresAt: undefined });
  });

  it.each([['opaque-token'], ['a.b.c'], ['x.bm90IGpzb24.y']])('gives nothing for %s', (token) => {
    expect(readTokenClaims(token)).toBeUndefined();
  });
});

describe('lifetimeAdvice', () => {
  it('warns about an expired token with its expiry time', () => {
    expect(lifetimeAdvice(readTokenClaims(bound(s('2026-11-29T09:00:00Z'))), NOW)).toEqual({
      level: 'warning',
      text: expect.stringMatching(
        /^The token expired at 2026-11-29T09:00:00\.000Z \(3h ago\)\. Mint a new one: kubectl create token deployer -n ci --duration=2h\.$/,
      ) as unknown,
    });
  });

  it('warns about a token that expires within the hour, with the time left', () => {
    const advice = lifetimeAdvice(readTokenClaims(bound(s('2026-11-29T12:23:00Z'))), NOW);
    expect(advice?.level).toBe('warning');
    expect(advice?.text).toContain('in 23m');
    expect(advice?.text).toContain('kubectl create token deployer -n ci --duration=2h');
  });

  it('says nothing about a token with more than an hour left', () => {
    expect(lifetimeAdvice(readTokenClaims(bound(s('2026-11-29T14:00:00Z'))), NOW)).toBeUndefined();
  });

  it('notes that a legacy token never expires and how to move on', () => {
    const advice = lifetimeAdvice(readTokenClaims(legacy), NOW);
    expect(advice?.level).toBe('notice');
    expect(advice?.text).toMatch(/never expires.*kubectl create token deployer -n ci/);
  });

  it('says nothing for an opaque token', () => {
    expect(lifetimeAdvice(readTokenClaims('opaque'), NOW)).toBeUndefined();
  });
});

describe('expiredNote', () => {
  it('explains a 401 by the expiry when the token has expired', () => {
    expect(expiredNote(readTokenClaims(bound(s('2026-11-28T12:00:00Z'))), NOW)).toBe(
      'the token expired at 2026-11-28T12:00:00.000Z (24h ago)',
    );
  });

  it('adds nothing when the token is still valid', () => {
    expect(expiredNote(readTokenClaims(bound(s('2026-11-30T12:00:00Z'))), NOW)).toBeUndefined();
  });
});
