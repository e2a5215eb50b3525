import { isIP } from 'node:net';
import { InputError } from '../errors.js';

/** The API server address, normalised. */
export interface ServerAddress {
  /** The URL written to the kubeconfig: scheme, host, port if given, path without trailing `/`. */
  readonly url: string;
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** True for `http://` to a loopback address: no TLS, so no CA is needed. */
  readonly plainHttp: boolean;
}

const HINT =
  'Use the API server address from your kubeconfig (clusters[].cluster.server), e.g. https://203.0.113.10:6443';

/**
 * Parses the `server` input: an https URL, or a bare `host[:port]` meaning https.
 * @throws InputError for anything a client must not send a token to.
 */
export function parseServer(raw: string, input: string): ServerAddress {
  let text = raw.trim();
  if (/\s/.test(text)) {
    throw new InputError(input, 'contains whitespace', HINT);
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // A bare IPv6 address (several colons, no brackets) has no room for a port.
    text = isIP(text) === 6 ? `https://[${text}]` : `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(input, 'is not a valid URL', HINT);
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      input,
      `contains a user name or password (https://${url.host}/…)`,
      'Remove the user:password@ part: the action authenticates with the token, and credentials in a URL end up in logs',
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') {
    throw new InputError(input, 'has no host name', HINT);
  }
  const plainHttp = url.protocol === 'http:';
  if (plainHttp && !isLoopback(host)) {
    throw new InputError(
      input,
      `uses http:// to ${url.host}, which would send the token in clear text`,
      'Use https:// (http:// is accepted only for a loopback address such as 127.0.0.1, e.g. kubectl proxy)',
    );
  }
  if (!plainHttp && url.protocol !== 'https:') {
    throw new InputError(input, `uses the unsupported scheme ${url.protocol}//`, HINT);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError(
      input,
      'has a query string or fragment',
      `Give the API server's base URL only, e.g. ${url.protocol}//${url.host}`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { url: `${url.protocol}//${url.host}${path}`, host, plainHttp };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
