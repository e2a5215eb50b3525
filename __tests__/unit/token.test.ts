import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { isJwt, parseToken } from '../../src/inputs/token.js';
import { makeJwt } from '../fixtures/apiserver.ts';

const jwt = makeJwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:deployer' });
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('parseToken', () => {
  it.each([
    ['a raw JWT', jwt, jwt, 'raw', 'jwt'],
    ['a JWT with a trailing newline', `${jwt}\n`, jwt, 'raw', 'jwt'],
    ['a JWT with CRLF and spaces around it', `  ${jwt}\r\n`, jwt, 'raw', 'jwt'],
    ["base64 of a JWT (a Secret's data.token)", b64(jwt), jwt, 'base64', 'jwt'],
    ['base64 of a JWT with a newline inside the encoding', b64(`${jwt}\n`), jwt, 'base64', 'jwt'],
    ['an opaque token', 'abcdef.0123456789abcdef', 'abcdef.0123456789abcdef', 'raw', 'opaque'],
    [
      'an opaque token that happens to be valid base64',
      'dGhpc2lzbm90YWp3dA==',
      'dGhpc2lzbm90YWp3dA==',
      'raw',
      'opaque',
    ],
  ])('reads %s', (_name, raw, value, encoding, kind) => {
    const token = parseToken(raw, 'token');
    expect(token.value).toBe(value);
    expect(token.encoding).toBe(encoding);
    expect(token.kind).toBe(kind);
  });

  it('lists every form that must be masked: as given, decoded, and base64', () => {
    const token = parseToken(b64(jwt), 'token');
    expect(token.forms).toEqual(expect.arrayContaining([jwt, b64(jwt)]));
    const raw = parseToken(jwt, 'token');
    expect(raw.forms).toEqual(expect.arrayContaining([jwt, b64(jwt), b64(jwt).replace(/=+$/, '')]));
  });

  it.each([
    ['a Bearer prefix', `Bearer ${jwt}`, /starts with "Bearer "/, /without the "Bearer " prefix/],
    [
      'a line break inside',
      `${jwt.slice(0, 20)}\n${jwt.slice(20)}`,
      /contains whitespace inside the token \(2 lines\)/,
      /single line/,
    ],
    [
      'a space inside',
      `${jwt.slice(0, 20)} ${jwt.slice(20)}`,
      /contains whitespace inside the token \(a space or tab\)/,
      /single line/,
    ],
    [
      'a whole Secret manifest',
      'apiVersion: v1\nkind: Secret\ndata:\n  token: abc',
      /whitespace/,
      /pass it in the "secret" input/,
    ],
    [
      'a kubeconfig',
      'apiVersion: v1\nkind: Config\nclusters: []',
      /whitespace/,
      /looks like a kubeconfig/,
    ],
    ['a non-ASCII character', `${jwt}é`, /cannot be sent in an HTTP header/, /printable ASCII/],
  ])('refuses %s with a message that never contains the token', (_name, raw, problem, hint) => {
    let error: unknown;
    try {
      parseToken(raw, 'token');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.message).toMatch(problem);
    expect(e.hint).toMatch(hint);
    expect(`${e.message} ${e.hint}`).not.toContain(jwt.slice(10, 40));
  });
});

describe('isJwt', () => {
  it.each([
    [jwt, true],
    ['a.b.c', false],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', true],
    ['only.two', false],
    [`${jwt}.extra`, false],
  ])('tells whether %s is a JWT', (text, expected) => {
    expect(isJwt(text)).toBe(expected);
  });
});
