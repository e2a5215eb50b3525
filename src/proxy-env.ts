/**
 * Which proxy kubectl uses for the API server when the kubeconfig has no `proxy-url`, so that
 * kube-connect validates the kubeconfig through a proxy exactly when kubectl will.
 *
 * kubectl (client-go) wraps Go's `http.ProxyFromEnvironment` — golang.org/x/net/http/httpproxy,
 * vendored in the Go toolchain — in apimachinery's `NewProxierWithNoProxyCIDR`. This module ports
 * both as shipped in kubectl 1.35 (Go 1.25.7, x/net 0.47), including the parts of Go's `url.Parse`,
 * `net.ParseIP`, `net.ParseCIDR` and `net.SplitHostPort` the decision depends on, quirks included.
 * The quirks marked `kubectl:` in __tests__/unit/proxy-env.test.ts were checked against the real
 * binary; __tests__/integration/proxy-fixture.test.ts compares the two on every run.
 *
 * Pure: the caller passes the environment; nothing here reads process.env or does I/O.
 */
import { domainToASCII } from 'node:url';

/** Environment variables as the caller sees them (e.g. `process.env`). */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * The proxy kubectl would use for `target` (an http(s) URL), or undefined for a direct
 * connection.
 *
 * Rules (Go's httpproxy plus client-go's CIDR wrapper):
 * - `https` targets use HTTPS_PROXY, `http` targets HTTP_PROXY (never the other one); the
 *   uppercase variable wins unless it is empty, then the lowercase one; an empty value means none.
 *   REQUEST_METHOD (Go's CGI guard for HTTP_PROXY) is not modelled.
 * - The value is used as written when Go parses it with a scheme and a host (any scheme: Go's
 *   transport speaks TLS to `https://` proxies, SOCKS5 to `socks5://` and `socks5h://`, and plain
 *   HTTP CONNECT to every other scheme). Otherwise `http://` is prepended when that form parses —
 *   even when it yields an odd URL (`http://user:pa ss@p` becomes a proxy on host `http`). When
 *   neither form parses (a control character, a bad `%` escape) Go ignores the value: direct.
 * - `localhost` (exactly, case-sensitive) and loopback IPs (127/8, ::1, ::ffff:127.x) are never
 *   proxied.
 * - NO_PROXY / no_proxy: comma-separated, entries trimmed and lowercased; `*` anywhere disables the
 *   proxy; an IP or CIDR matches IP hosts; `name` matches the name and its subdomains, `.name` and
 *   `*.name` subdomains only (plain suffix match, so `.com` matches every .com host); `:port` limits
 *   an entry to that port, compared as text with the URL's port (default 443/80). IPv6 with a port
 *   needs brackets (`[fd00::1]:443`); a bracketed IPv6 without a port (`[fd00::1]`) matches nothing.
 *   Host names are compared lowercased; non-ASCII names in punycode.
 *
 * Returns the proxy URL as Go uses it: the variable's value, or `http://` + the value. (A value Go
 * parses without a host, such as `a b`, comes back as written: kubectl still uses it, and fails.)
 */
export function proxyForUrl(target: string, env: ProxyEnvironment): string | undefined {
  const url = goParseUrl(target);
  if (!url) return undefined;
  let value: string;
  if (url.scheme === 'https') value = getEnvAny(env, 'HTTPS_PROXY', 'https_proxy');
  else if (url.scheme === 'http') value = getEnvAny(env, 'HTTP_PROXY', 'http_proxy');
  else return undefined;
  const proxy = parseProxy(value);
  if (proxy === undefined) return undefined;

  const noProxy = getEnvAny(env, 'NO_PROXY', 'no_proxy');
  const { hostname, port } = splitUrlHost(url.host);
  if (inSloppyNoProxyCidr(noProxy, hostname)) return undefined;

  const host = idnaASCII(hostname);
  const addr = joinHostPort(host, port === '' ? (DEFAULT_PORTS[url.scheme] ?? '') : port);
  return useProxy(addr, parseNoProxy(noProxy)) ? proxy : undefined;
}

/**
 * Removes `user:password@` from a proxy URL for logging; returns also the credential strings to
 * mask.
 *
 * `secrets` holds the password and the whole userinfo (`user:password`, or the bare user when
 * there is no `:`), plus their percent-decoded forms when those differ; it is empty when the URL
 * carries no credentials. To err on the side of hiding, everything between `scheme://` (or the
 * start, for a value without a scheme) and the last `@` is taken as the userinfo, even when a `/`,
 * `?` or `#` stands before that `@`.
 */
export function redactProxyUrl(url: string): { shown: string; secrets: string[] } {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  const start = scheme ? scheme[0].length : 0;
  const at = url.lastIndexOf('@');
  if (at < start) return { shown: url, secrets: [] };

  const userinfo = url.slice(start, at);
  const colon = userinfo.indexOf(':');
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  const candidates = [password, userinfo, percentDecode(password), percentDecode(userinfo)];
  const secrets = [...new Set(candidates.filter((s) => s !== ''))];
  return { shown: url.slice(0, start) + url.slice(at + 1), secrets };
}

// ---------------------------------------------------------------------------------------------
// httpproxy (golang.org/x/net/http/httpproxy/proxy.go)

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

function getEnvAny(env: ProxyEnvironment, ...names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return '';
}

/**
 * parseProxy: the URL Go uses, or undefined for none. A value Go parses but finds no scheme or no
 * host in gets `http://` prepended when that form parses; else Go keeps the host-less URL (and
 * kubectl dials the local machine's port 80), so it is returned as it is: still a proxy.
 */
function parseProxy(value: string): string | undefined {
  if (value === '') return undefined;
  const parsed = goParseUrl(value);
  if (!parsed || parsed.scheme === '' || parsed.host === '') {
    if (goParseUrl(`http://${value}`)) return `http://${value}`;
  }
  return parsed ? value : undefined;
}

type Matcher = (host: string, port: string, ip: IP | undefined) => boolean;

interface NoProxy {
  ipMatchers: Matcher[];
  domainMatchers: Matcher[];
}

/** config.init's NO_PROXY part. */
function parseNoProxy(noProxy: string): NoProxy {
  const ipMatchers: Matcher[] = [];
  const domainMatchers: Matcher[] = [];
  for (const raw of noProxy.split(',')) {
    const p = goToLower(goTrimSpace(raw));
    if (p.length === 0) continue;

    if (p === '*') {
      return { ipMatchers: [() => true], domainMatchers: [() => true] };
    }

    // IPv4/CIDR, IPv6/CIDR
    const cidr = parseCIDR(p, false);
    if (cidr) {
      ipMatchers.push((_h, _p, ip) => ip !== undefined && cidrContains(cidr, ip));
      continue;
    }

    // IPv4:port, [IPv6]:port
    let phost: string;
    let pport = '';
    const split = splitHostPort(p);
    if (split) {
      if (split.host.length === 0) continue;
      phost = split.host;
      pport = split.port;
      if (phost.startsWith('[') && phost.endsWith(']')) phost = phost.slice(1, -1);
    } else {
      phost = p;
    }

    // IPv4, IPv6
    const pip = parseIP(phost, false);
    if (pip) {
      const port = pport;
      ipMatchers.push(
        (_h, hostPort, ip) =>
          ip !== undefined && ipEqual(pip, ip) && (port === '' || port === hostPort),
      );
      continue;
    }

    if (phost.length === 0) continue;

    // domain.com or domain.com:80 (and subdomains); .domain.com / *.domain.com: subdomains only
    if (phost.startsWith('*.')) phost = phost.slice(1);
    let matchHost = false;
    if (!phost.startsWith('.')) {
      matchHost = true;
      phost = `.${phost}`;
    }
    const suffix = idnaASCII(phost);
    const port = pport;
    domainMatchers.push(
      (host, hostPort) =>
        (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) &&
        (port === '' || port === hostPort),
    );
  }
  return { ipMatchers, domainMatchers };
}

/** useProxy: whether requests to `addr` (host:port) go through the proxy. */
function useProxy(addr: string, noProxy: NoProxy): boolean {
  if (addr.length === 0) return true;
  const split = splitHostPort(addr);
  if (!split) return false;
  const { host, port } = split;
  if (host === 'localhost') return false;
  const ip = parseIP(host, false);
  if (ip && isLoopback(ip)) return false;

  const lower = goToLower(goTrimSpace(host));
  if (ip && noProxy.ipMatchers.some((m) => m(lower, port, ip))) return false;
  return !noProxy.domainMatchers.some((m) => m(lower, port, ip));
}

/** idnaASCII: ASCII names as they are; others in punycode (left as they are when invalid). */
function idnaASCII(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return name;
  // Go uses idna.Lookup (UTS #46 with STD3 rules); Node's WHATWG mapping is close enough.
  const ascii = domainToASCII(name);
  return ascii === '' ? name : ascii;
}

// ---------------------------------------------------------------------------------------------
// client-go: apimachinery/pkg/util/net.NewProxierWithNoProxyCIDR

/**
 * client-go checks NO_PROXY for CIDRs itself before asking Go: entries split on commas, NOT
 * trimmed, parsed "sloppily" (Go 1.16 rules: IPv4 octets may have leading zeros, read as
 * decimal), and the URL's host parsed the same way. Only adds matches for leading-zero forms that
 * Go's own parser rejects.
 */
function inSloppyNoProxyCidr(noProxy: string, hostname: string): boolean {
  const cidrs = noProxy
    .split(',')
    .map((rule) => parseCIDR(rule, true))
    .filter((c): c is IPNet => c !== undefined);
  if (cidrs.length === 0) return false;
  const ip = parseIP(hostname, true);
  return ip !== undefined && cidrs.some((c) => cidrContains(c, ip));
}

// ---------------------------------------------------------------------------------------------
// net: IP addresses (net.IP semantics: 4 or 16 bytes)

type IP = Uint8Array;

interface IPNet {
  ip: IP;
  mask: Uint8Array;
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function to4(ip: IP): IP | undefined {
  if (ip.length === 4) return ip;
  if (ip.length === 16 && V4_IN_V6_PREFIX.every((b, i) => ip[i] === b)) return ip.subarray(12);
  return undefined;
}

function isLoopback(ip: IP): boolean {
  const v4 = to4(ip);
  if (v4) return v4[0] === 127;
  return ip.length === 16 && ip.every((b, i) => b === (i === 15 ? 1 : 0));
}

function ipEqual(a: IP, b: IP): boolean {
  const a4 = to4(a);
  const b4 = to4(b);
  const x = a4 && b4 ? a4 : a;
  const y = a4 && b4 ? b4 : b;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** IPNet.Contains, with networkNumberAndMask. */
function cidrContains(net: IPNet, target: IP): boolean {
  const nn = to4(net.ip) ?? net.ip;
  if (nn.length !== 4 && nn.length !== 16) return false;
  let mask = net.mask;
  if (mask.length === 4) {
    if (nn.length !== 4) return false;
  } else if (mask.length === 16) {
    if (nn.length === 4) mask = mask.subarray(12);
  } else {
    return false;
  }
  const ip = to4(target) ?? target;
  if (ip.length !== nn.length) return false;
  return nn.every((b, i) => (b & (mask[i] ?? 0)) === ((ip[i] ?? 0) & (mask[i] ?? 0)));
}

/**
 * net.ParseIP: dotted IPv4 or IPv6 (no zone), as 16 bytes. `sloppy`: Go 1.16 rules (k8s
 * ParseIPSloppy): IPv4 octets may have leading zeros and IPv6 groups more than 4 digits.
 */
function parseIP(s: string, sloppy: boolean): IP | undefined {
  for (const c of s) {
    if (c === '.') return v4InV6(parseIPv4(s, sloppy));
    if (c === ':') return parseIPv6(s, sloppy);
    if (c === '%' && !sloppy) return undefined;
  }
  return undefined;
}

function v4InV6(v4: IP | undefined): IP | undefined {
  if (!v4) return undefined;
  return Uint8Array.from([...V4_IN_V6_PREFIX, ...v4]);
}

/** Dotted-decimal IPv4 as 4 bytes. Strict (netip): no leading zeros; sloppy: any digits ≤ 255. */
function parseIPv4(s: string, sloppy: boolean): IP | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const f of fields) {
    if (!/^\d+$/.test(f)) return undefined;
    if (!sloppy && (f.length > 3 || (f.length > 1 && f.startsWith('0')))) return undefined;
    const n = Number(f);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return Uint8Array.from(bytes);
}

/** IPv6 as 16 bytes (embedded IPv4 allowed in the last 32 bits); no zone. */
function parseIPv6(input: string, sloppy: boolean): IP | undefined {
  const ip = new Uint8Array(16);
  let s = input;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const hex = /^[0-9a-fA-F]+/.exec(s)?.[0] ?? '';
    if (hex.length === 0 || (!sloppy && hex.length > 4)) return undefined;
    const n = parseInt(hex, 16);
    if (n > 0xffff) return undefined;

    if (s[hex.length] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const v4 = parseIPv4(s, sloppy);
      if (!v4) return undefined;
      ip.set(v4, i);
      s = '';
      i += 4;
      break;
    }

    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;

    s = s.slice(hex.length);
    if (s.length === 0) break;
    if (!s.startsWith(':') || s.length === 1) return undefined;
    s = s.slice(1);
    if (s.startsWith(':')) {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    ip.copyWithin(ellipsis + n, ellipsis, i);
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return ip;
}

/** net.ParseCIDR (sloppy: k8s ParseCIDRSloppy). */
function parseCIDR(s: string, sloppy: boolean): IPNet | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const maskText = s.slice(slash + 1);
  let bits = 32;
  let ip = v4InV6(parseIPv4(addr, sloppy));
  if (!ip) {
    bits = 128;
    if (addr.includes('%')) return undefined;
    ip = parseIPv6(addr, sloppy);
  }
  if (!ip || !/^\d+$/.test(maskText)) return undefined;
  const ones = Number(maskText);
  if (ones > bits) return undefined;
  const mask = new Uint8Array(bits / 8).map((_, i) => {
    const n = Math.min(Math.max(ones - i * 8, 0), 8);
    return (0xff00 >> n) & 0xff;
  });
  // IP.Mask: a 4-byte mask applies to the IPv4 part of an IPv4-in-IPv6 address.
  const base = mask.length === 4 ? ip.subarray(12) : ip;
  return { ip: base.map((b, i) => b & (mask[i] ?? 0)), mask };
}

// ---------------------------------------------------------------------------------------------
// net: host:port

/** net.SplitHostPort. */
function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    if (end + 1 === hostport.length) return undefined;
    if (end + 1 !== i) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(j).includes('[')) return undefined;
  if (hostport.slice(k).includes(']')) return undefined;
  return { host, port: hostport.slice(i + 1) };
}

/** net.JoinHostPort. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// ---------------------------------------------------------------------------------------------
// net/url (Go 1.25): only what decides success, the scheme and the host

interface GoUrl {
  /** Lowercased. */
  scheme: string;
  /** URL.Host: unescaped `host[:port]`, IPv6 in brackets; empty when there is no authority. */
  host: string;
}

/** url.Parse; undefined when Go returns an error. */
function goParseUrl(raw: string): GoUrl | undefined {
  const hash = raw.indexOf('#');
  const url = parseNoFragment(hash < 0 ? raw : raw.slice(0, hash));
  if (!url) return undefined;
  if (hash >= 0 && unescape(raw.slice(hash + 1), 'other') === undefined) return undefined;
  return url;
}

function parseNoFragment(raw: string): GoUrl | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  if (raw === '*') return { scheme: '', host: '' };

  const split = getScheme(raw);
  if (!split) return undefined;
  const scheme = split.scheme.toLowerCase();
  let rest = split.rest;

  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1);
  else if (rest.includes('?')) rest = rest.slice(0, rest.indexOf('?'));

  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, host: '' }; // opaque
    const segment = rest.split('/')[0] ?? '';
    if (segment.includes(':')) return undefined;
  }

  let host = '';
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const parsed = parseAuthority(authority);
    if (parsed === undefined) return undefined;
    host = parsed;
  }
  if (unescape(rest, 'other') === undefined) return undefined;
  return { scheme, host };
}

function getScheme(raw: string): { scheme: string; rest: string } | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** parseAuthority: the host, or undefined on error. */
function parseAuthority(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (host === undefined || at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return undefined;
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  return parts.every((p) => unescape(p, 'other') !== undefined) ? host : undefined;
}

/** parseHost (Go 1.25.2+: bracketed hosts must be IPv6 addresses). */
function parseHost(host: string): string | undefined {
  const open = host.lastIndexOf('[');
  if (open !== -1) {
    const close = host.lastIndexOf(']');
    if (close < 0 || close < open) return undefined;
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return undefined;
    // Whatever stands before the last '[' is dropped, as Go 1.25 does (`x[::1]` is `[::1]`).
    const hostname = host.slice(open + 1, close);
    const zone = hostname.indexOf('%25');
    let unescaped: string | undefined;
    if (zone >= 0) {
      const addr = unescape(hostname.slice(0, zone), 'host');
      const zoneId = unescape(hostname.slice(zone), 'zone');
      unescaped = addr === undefined || zoneId === undefined ? undefined : addr + zoneId;
    } else {
      unescaped = unescape(hostname, 'host');
    }
    if (unescaped === undefined || !isIPv6Literal(unescaped)) return undefined;
    return `[${unescaped}]${colonPort}`;
  }
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && !validOptionalPort(host.slice(colon))) return undefined;
  return unescape(host, 'host');
}

/** netip.ParseAddr succeeds and the address is not IPv4 (a zone is allowed). */
function isIPv6Literal(s: string): boolean {
  const pct = s.indexOf('%');
  const addr = pct < 0 ? s : s.slice(0, pct);
  if (pct >= 0 && pct === s.length - 1) return false;
  for (const c of addr) {
    if (c === '.') return false; // IPv4, or not an address
    if (c === ':') return parseIPv6(addr, false) !== undefined;
  }
  return false;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:\d*$/.test(port);
}

/** URL.Hostname and URL.Port. */
function splitUrlHost(host: string): { hostname: string; port: string } {
  let hostname = host;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    hostname = host.slice(0, colon);
    port = host.slice(colon + 1);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}

/** Characters a host may hold unescaped (shouldEscape(c, encodeHost) is false). */
const HOST_CHAR = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;

/** url.unescape: the decoded text, or undefined on a bad escape or (hosts) a bad character. */
function unescape(s: string, mode: 'host' | 'zone' | 'other'): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length;) {
    const c = s[i] ?? '';
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      const v = parseInt(hex, 16);
      const isPct25 = hex === '25';
      if (mode === 'host' && v < 0x80 && !isPct25) return undefined;
      const hostChar = v < 0x80 && HOST_CHAR.test(String.fromCharCode(v));
      if (mode === 'zone' && !isPct25 && v !== 0x20 && !hostChar) return undefined;
      bytes.push(v);
      i += 3;
      continue;
    }
    const code = c.charCodeAt(0);
    if (mode !== 'other' && code < 0x80 && !HOST_CHAR.test(c)) return undefined;
    const cp = s.codePointAt(i) ?? code;
    const char = String.fromCodePoint(cp);
    bytes.push(...Buffer.from(char, 'utf8'));
    i += char.length;
  }
  return Buffer.from(bytes).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// strings

/** strings.TrimSpace: Unicode White_Space. */
function goTrimSpace(s: string): string {
  return s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}

/** strings.ToLower: per code point (U+0130 maps to `i`, as unicode.ToLower does). */
function goToLower(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : String.fromCodePoint(lower.codePointAt(0) ?? 0);
  }
  return out;
}

/** Decodes valid %XX escapes (as UTF-8); leaves anything else as it is. */
function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    const text = bytes.toString('utf8');
    return text.includes('\uFFFD') ? run : text;
  });
}

/**
 * True for a SOCKS proxy URL that carries credentials. kubectl logs in to such a proxy, but
 * client-node's SOCKS connector drops the credentials, so the validation could not pass exactly
 * when kubectl would.
 */
export function isSocksWithCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol.startsWith('socks') && (parsed.username !== '' || parsed.password !== '')
    );
  } catch {
    return false;
  }
}
