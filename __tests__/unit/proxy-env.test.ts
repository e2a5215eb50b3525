/**
 * proxyForUrl must answer as kubectl 1.35 does (Go 1.25.7's httpproxy + client-go's NO_PROXY CIDR
 * wrapper). Rows marked "kubectl:" were checked against the real binary
 * (__tests__/integration/proxy-fixture.test.ts proves the main ones on every run).
 */
import { describe, expect, it } from 'vitest';
import { isSocksWithCredentials, proxyForUrl, redactProxyUrl } from '../../src/proxy-env.js';

const P = 'http://proxy.corp:3128';
const HTTPS = 'https://api.example.com:6443';

describe('proxyForUrl: which variable applies', () => {
  it.each([
    ['https target uses HTTPS_PROXY', HTTPS, { HTTPS_PROXY: P }, P],
    ['https target uses https_proxy', HTTPS, { https_proxy: P }, P],
    ['http target uses HTTP_PROXY', 'http://api.example.com', { HTTP_PROXY: P }, P],
    ['http target uses http_proxy', 'http://api.example.com', { http_proxy: P }, P],
    ['https target ignores HTTP_PROXY', HTTPS, { HTTP_PROXY: P }, undefined],
    ['http target ignores HTTPS_PROXY', 'http://api.example.com', { HTTPS_PROXY: P }, undefined],
    [
      'uppercase wins over lowercase',
      HTTPS,
      { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' },
      'http://upper:1',
    ],
    ['empty uppercase falls back to lowercase', HTTPS, { HTTPS_PROXY: '', https_proxy: P }, P],
    ['an empty value means no proxy', HTTPS, { HTTPS_PROXY: '' }, undefined],
    ['no variables means no proxy', HTTPS, {}, undefined],
    [
      'REQUEST_METHOD changes nothing for https',
      HTTPS,
      { HTTPS_PROXY: P, REQUEST_METHOD: 'GET' },
      P,
    ],
    ['the target scheme is case-insensitive', 'HTTPS://api.example.com', { HTTPS_PROXY: P }, P],
    [
      'other target schemes are never proxied',
      'ftp://api.example.com',
      { HTTPS_PROXY: P },
      undefined,
    ],
    ['a target Go cannot parse is not proxied', 'https://a b', { HTTPS_PROXY: P }, undefined],
  ])('%s', (_name, target, env, expected) => {
    expect(proxyForUrl(target, env)).toBe(expected);
  });
});

describe('proxyForUrl: the proxy value as Go parses it', () => {
  it.each([
    ['a full URL is kept', 'http://proxy.corp:3128', 'http://proxy.corp:3128'],
    ['https proxies are kept', 'https://proxy.corp', 'https://proxy.corp'],
    ['socks5 proxies are kept', 'socks5://proxy.corp:1080', 'socks5://proxy.corp:1080'],
    ['kubectl: socks5h proxies are kept', 'socks5h://proxy:1080', 'socks5h://proxy:1080'],
    ['kubectl: any other scheme with a host is kept', 'socks4://proxy:1080', 'socks4://proxy:1080'],
    ['kubectl: an uppercase scheme is kept', 'HTTP://proxy:3128', 'HTTP://proxy:3128'],
    ['kubectl: host:port gets http://', 'proxy.corp:3128', 'http://proxy.corp:3128'],
    ['kubectl: ip:port gets http://', '10.0.0.1:3128', 'http://10.0.0.1:3128'],
    ['a bare host gets http://', 'proxy.corp', 'http://proxy.corp'],
    ['credentials are kept', 'http://u:p%40ss@proxy:3128', 'http://u:p%40ss@proxy:3128'],
    [
      'an unescaped @ in the password is kept',
      'http://u:p@ss@proxy:3128',
      'http://u:p@ss@proxy:3128',
    ],
    ['a path is kept', 'http://proxy:3128/some/path', 'http://proxy:3128/some/path'],
    ['a bad escape in the query is kept', 'http://proxy:3128?%zz', 'http://proxy:3128?%zz'],
    [
      'kubectl: an unparseable URL is retried with http:// (host becomes "http")',
      'http://u:pa ss@proxy:3128',
      'http://http://u:pa ss@proxy:3128',
    ],
    [
      'kubectl: an IPv4 address in brackets is retried with http://',
      'http://[1.2.3.4]:1',
      'http://http://[1.2.3.4]:1',
    ],
    ['kubectl: "*" is a host name to Go', '*', 'http://*'],
    ['kubectl: an IPv6 proxy is kept', 'http://[::1]:3128', 'http://[::1]:3128'],
    ['kubectl: a host-less value stays a (broken) proxy', 'a b', 'a b'],
    ['kubectl: a bad escape in the password is ignored', 'http://u:p%zz@proxy:3128', undefined],
    ['kubectl: a bad escape in the fragment is ignored', 'http://proxy:3128#%zz', undefined],
    ['kubectl: a control character is ignored', 'http://proxy:3128/\t', undefined],
  ])('%s', (_name, value, expected) => {
    expect(proxyForUrl(HTTPS, { HTTPS_PROXY: value })).toBe(expected);
  });
});

describe('proxyForUrl: hosts that are never proxied', () => {
  it.each([
    ['localhost', 'https://localhost:6443', undefined],
    ['localhost without a port', 'https://localhost', undefined],
    ['127.0.0.1', 'https://127.0.0.1:6443', undefined],
    ['anything in 127/8', 'https://127.255.0.9', undefined],
    ['::1', 'https://[::1]:6443', undefined],
    ['kubectl: IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]:6443', undefined],
    ['kubectl: LOCALHOST is proxied (the check is case-sensitive)', 'https://LOCALHOST:6443', P],
    ['kubectl: subdomains of localhost are proxied', 'https://foo.localhost:6443', P],
    ['kubectl: 127.1 is a host name to Go, so proxied', 'https://127.1:6443', P],
    ['0.0.0.0 is proxied', 'https://0.0.0.0:6443', P],
    ['::2 is proxied', 'https://[::2]:6443', P],
  ])('%s', (_name, target, expected) => {
    expect(proxyForUrl(target, { HTTPS_PROXY: P })).toBe(expected);
  });
});

describe('proxyForUrl: NO_PROXY', () => {
  const host = 'https://api.example.com:6443';
  it.each([
    ['kubectl: * disables every proxy', host, '*', undefined],
    ['* anywhere in the list disables every proxy', host, 'foo.com,*', undefined],
    ['an exact name matches', host, 'api.example.com', undefined],
    ['a parent name matches its subdomains', host, 'example.com', undefined],
    ['a parent name matches itself', 'https://example.com', 'example.com', undefined],
    ['kubectl: .name matches subdomains', host, '.example.com', undefined],
    ['kubectl: .name does not match the name itself', 'https://example.com', '.example.com', P],
    ['kubectl: *.name matches subdomains', host, '*.example.com', undefined],
    ['*.name does not match the name itself', 'https://example.com', '*.example.com', P],
    ['matching is a plain suffix match on dots', host, '.com', undefined],
    ['a partial label does not match', host, 'ample.com', P],
    ['an unrelated name does not match', host, 'other.com', P],
    ['*name without a dot matches nothing', host, '*example.com', P],
    [
      'kubectl: entries are trimmed and lowercased',
      host,
      ' other.com , API.Example.COM ',
      undefined,
    ],
    ['kubectl: the host is lowercased', 'https://API.EXAMPLE.COM', 'api.example.com', undefined],
    ['empty entries are skipped', host, ',,other.com,,', P],
    ['kubectl: name:port matches that port', host, 'api.example.com:6443', undefined],
    ['kubectl: name:port does not match another port', host, 'api.example.com:443', P],
    [
      'name:443 matches the https default port',
      'https://api.example.com',
      'api.example.com:443',
      undefined,
    ],
    [
      'name:80 matches the http default port',
      'http://api.example.com',
      'api.example.com:80',
      undefined,
    ],
    ['kubectl: ports compare as text', 'https://api.example.com:06443', 'api.example.com:6443', P],
    ['kubectl: name: (empty port) matches every port', host, 'api.example.com:', undefined],
    ['kubectl: [name]:port matches like name:port', host, '[api.example.com]:6443', undefined],
    ['.name:port matches subdomains on that port', host, '.example.com:6443', undefined],
    ['an IP matches', 'https://10.1.2.3:6443', '10.1.2.3', undefined],
    ['another IP does not match', 'https://10.1.2.3:6443', '10.1.2.4', P],
    ['ip:port matches that port', 'https://10.1.2.3:6443', '10.1.2.3:6443', undefined],
    ['ip:port does not match another port', 'https://10.1.2.3:6443', '10.1.2.3:443', P],
    ['an IPv4 CIDR matches', 'https://10.1.2.3:6443', '10.0.0.0/8', undefined],
    ['an IPv4 CIDR does not match outside', 'https://11.1.2.3:6443', '10.0.0.0/8', P],
    ['a CIDR with host bits set matches its network', 'https://10.1.2.3', '10.9.9.9/8', undefined],
    ['/32 matches the one address', 'https://10.1.2.3', '10.1.2.3/32', undefined],
    ['0.0.0.0/0 matches every IPv4 address', 'https://8.8.8.8', '0.0.0.0/0', undefined],
    ['a CIDR never matches a host name', host, '0.0.0.0/0', P],
    ['an IPv6 CIDR matches', 'https://[fd00::1]:6443', 'fd00::/8', undefined],
    ['an IPv6 CIDR does not match outside', 'https://[fe80::1]:6443', 'fd00::/8', P],
    ['::/0 does not match IPv4 addresses', 'https://10.1.2.3', '::/0', P],
    ['0.0.0.0/0 does not match IPv6 addresses', 'https://[fd00::1]', '0.0.0.0/0', P],
    [
      'an IPv4 CIDR matches an IPv4-mapped host',
      'https://[::ffff:10.1.2.3]',
      '10.0.0.0/8',
      undefined,
    ],
    [
      'an IPv4-mapped CIDR matches IPv4 hosts',
      'https://10.1.2.3',
      '::ffff:10.0.0.0/104',
      undefined,
    ],
    ['an IPv6 address matches', 'https://[fd00::1]:6443', 'fd00::1', undefined],
    ['IPv6 addresses compare by value', 'https://[fd00::1]:6443', 'FD00:0:0::0001', undefined],
    ['[IPv6]:port matches that port', 'https://[fd00::1]:6443', '[fd00::1]:6443', undefined],
    ['[IPv6]:port does not match another port', 'https://[fd00::1]:6443', '[fd00::1]:443', P],
    ['[IPv6] without a port matches nothing', 'https://[fd00::1]:6443', '[fd00::1]', P],
    [
      'an IPv4 address matches its IPv4-mapped form',
      'https://[::ffff:10.1.2.3]',
      '10.1.2.3',
      undefined,
    ],
    ['Go rejects leading zeros in an IP entry', 'https://10.1.2.3', '010.1.2.3', P],
    ['client-go reads leading-zero CIDRs as decimal', 'https://10.1.2.3', '010.0.0.0/8', undefined],
    ['client-go reads a leading-zero host in a CIDR', 'https://010.1.2.3', '10.0.0.0/8', undefined],
    [
      'a CIDR entry with spaces still matches (Go trims it)',
      'https://10.1.2.3',
      ' 10.0.0.0/8 ',
      undefined,
    ],
    ['a short IP entry is a domain suffix', 'https://10.0.0.1', '0.0.1', undefined],
    ['kubectl: NO_PROXY wins over no_proxy', host, 'other.com', P],
    [
      'non-ASCII entries match their punycode host',
      'https://xn--bcher-kva.de',
      'bücher.de',
      undefined,
    ],
    [
      'non-ASCII hosts match their punycode entry',
      'https://bücher.de',
      'xn--bcher-kva.de',
      undefined,
    ],
  ])('%s', (_name, target, noProxy, expected) => {
    const env = { HTTPS_PROXY: P, HTTP_PROXY: P, NO_PROXY: noProxy, no_proxy: 'example.com' };
    expect(proxyForUrl(target, env)).toBe(expected);
  });

  it.each([
    ['lowercase no_proxy applies alone', { no_proxy: 'api.example.com' }, undefined],
    [
      'lowercase no_proxy applies when NO_PROXY is empty',
      { NO_PROXY: '', no_proxy: 'api.example.com' },
      undefined,
    ],
    ['NO_PROXY applies for the CIDR check too', { NO_PROXY: '10.0.0.0/8' }, undefined],
  ])('%s', (_name, env, expected) => {
    const target = 'no_proxy' in env ? 'https://api.example.com' : 'https://10.1.2.3';
    expect(proxyForUrl(target, { HTTPS_PROXY: P, ...env })).toBe(expected);
  });
});

describe('redactProxyUrl', () => {
  it.each([
    ['a URL without credentials', 'http://proxy:3128', 'http://proxy:3128', []],
    ['a value without a scheme', 'proxy:3128', 'proxy:3128', []],
    [
      'user and password',
      'http://user:pass@proxy:3128',
      'http://proxy:3128',
      ['pass', 'user:pass'],
    ],
    [
      'escaped credentials with their decoded forms',
      'http://us%20er:p%40ss@proxy:3128',
      'http://proxy:3128',
      ['p%40ss', 'us%20er:p%40ss', 'p@ss', 'us er:p@ss'],
    ],
    ['a user without a password', 'https://token@proxy', 'https://proxy', ['token']],
    ['an empty password', 'http://user:@proxy', 'http://proxy', ['user:']],
    ['an unescaped @ in the password', 'http://u:p@ss@proxy', 'http://proxy', ['p@ss', 'u:p@ss']],
    ['a # in the password', 'http://u:p#ss@proxy/', 'http://proxy/', ['p#ss', 'u:p#ss']],
    ['credentials without a scheme', 'user:pw@proxy:3128', 'proxy:3128', ['pw', 'user:pw']],
    ['a path after the host', 'socks5://u:p@proxy:1080/x', 'socks5://proxy:1080/x', ['p', 'u:p']],
    [
      'an escape that is not UTF-8 stays escaped',
      'http://u:%ff@proxy',
      'http://proxy',
      ['%ff', 'u:%ff'],
    ],
  ])('redacts %s', (_name, url, shown, secrets) => {
    expect(redactProxyUrl(url)).toEqual({ shown, secrets });
  });
});

describe('isSocksWithCredentials', () => {
  it.each([
    ['socks5://u:pw@proxy:1080', true],
    ['socks5h://token@proxy:1080', true],
    ['socks5://proxy:1080', false],
    ['http://u:pw@proxy:3128', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isSocksWithCredentials(url)).toBe(expected);
  });
});
