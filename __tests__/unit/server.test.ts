import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseServer } from '../../src/inputs/server.js';

describe('parseServer', () => {
  it.each([
    [
      'an https URL with port',
      'https://203.0.113.10:6443',
      'https://203.0.113.10:6443',
      '203.0.113.10',
    ],
    ['a bare host and port', '203.0.113.10:6443', 'https://203.0.113.10:6443', '203.0.113.10'],
    ['a bare host name', 'k8s.example.com', 'https://k8s.example.com', 'k8s.example.com'],
    [
      'a trailing slash',
      'https://k8s.example.com:6443/',
      'https://k8s.example.com:6443',
      'k8s.example.com',
    ],
    [
      'a path prefix behind a proxy',
      'https://proxy.example.com/k8s/clusters/c-1/',
      'https://proxy.example.com/k8s/clusters/c-1',
      'proxy.example.com',
    ],
    ['surrounding whitespace', '  https://10.0.0.1:6443\n', 'https://10.0.0.1:6443', '10.0.0.1'],
    [
      'a bracketed IPv6 address',
      'https://[fd00:10:96::1]:443',
      'https://[fd00:10:96::1]',
      'fd00:10:96::1',
    ],
    ['a bare IPv6 address', 'fd00:10:96::1', 'https://[fd00:10:96::1]', 'fd00:10:96::1'],
    ['http to 127.0.0.1', 'http://127.0.0.1:8001', 'http://127.0.0.1:8001', '127.0.0.1'],
    ['http to localhost', 'http://localhost:8080', 'http://localhost:8080', 'localhost'],
    ['http to ::1', 'http://[::1]:8001', 'http://[::1]:8001', '::1'],
  ])('accepts %s', (_name, raw, url, host) => {
    const parsed = parseServer(raw, 'server');
    expect(parsed.url).toBe(url);
    expect(parsed.host).toBe(host);
    expect(parsed.plainHttp).toBe(url.startsWith('http:'));
  });

  it.each([
    [
      'http to a remote host',
      'http://203.0.113.10:6443',
      /uses http:\/\/ to 203\.0\.113\.10:6443, which would send the token in clear text/,
    ],
    ['http to a private address', 'http://10.0.0.1', /clear text/],
    [
      'a user and password',
      'https://admin:hunter2@k8s.example.com',
      /contains a user name or password/,
    ],
    ['an unknown scheme', 'ftp://k8s.example.com', /unsupported scheme ftp:/],
    ['whitespace inside', 'https://k8s example.com', /contains whitespace/],
    ['a query string', 'https://k8s.example.com?x=1', /query string or fragment/],
    ['garbage', 'https://', /is not a valid URL/],
  ])('refuses %s', (_name, raw, message) => {
    expect(() => parseServer(raw, 'server')).toThrow(InputError);
    expect(() => parseServer(raw, 'server')).toThrow(message);
  });

  it('never repeats the password of a URL with credentials', () => {
    expect(() => parseServer('https://admin:s3cr3t-pw@k8s.example.com', 'server')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t-pw') as unknown }),
    );
  });
});
