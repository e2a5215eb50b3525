import { resolve } from 'node:path';
import { FORK_NOTE, InputError } from '../errors.js';
import { Input, type InputName } from '../names.js';
import { isSocksWithCredentials, redactProxyUrl } from '../proxy-env.js';
import { parseAccessChecks, type AccessCheck } from './can-i.js';
import {
  parseCertificateAuthority,
  type ParsedCertificateAuthority,
  type ReadTextFile,
} from './certificate.js';
import { parseDuration } from './duration.js';
import {
  readPodServiceAccount,
  type PodEnvironment,
  type PodServiceAccount,
} from './in-cluster.js';
import { parseSecret, type ParsedSecret } from './secret.js';
import { parseServer, type ServerAddress } from './server.js';
import { parseToken, secretForms, type ParsedToken } from './token.js';

export type { AccessCheck } from './can-i.js';
export type { CertificateSummary, ParsedCertificateAuthority } from './certificate.js';
export type { ServerAddress } from './server.js';
export type { ParsedToken } from './token.js';

/** Every input as the runner hands it over: strings, '' when not set. */
export type RawInputs = Readonly<Record<InputName, string>>;

/** Where each part of the connection came from. */
export type Source = 'input' | 'secret' | 'pod';

/** The token, and how the kubeconfig carries it. */
export type TokenConfig = ParsedToken & {
  readonly from: Source;
  /** Set in in-cluster mode: kubectl re-reads this file, so the kubelet's rotation is followed. */
  readonly file: string | undefined;
};

/** What the action will do, decided once from the raw inputs. */
export interface ActionConfig {
  readonly server: ServerAddress & { readonly from: 'input' | 'pod' };
  readonly token: TokenConfig;
  /** Absent for http:// to a loopback address and with insecure-skip-tls-verify. */
  readonly certificateAuthority:
    (ParsedCertificateAuthority & { readonly from: Source }) | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName: string | undefined;
  /** The proxy for the cluster, as written to the kubeconfig (credentials included). */
  readonly proxyUrl: string | undefined;
  readonly namespace: string;
  readonly context: string;
  /** Where to write; undefined means a new unique file under RUNNER_TEMP. */
  readonly kubeconfigPath: string | undefined;
  readonly exportKubeconfig: boolean;
  readonly merge: boolean;
  readonly validate: boolean;
  readonly timeoutMs: number;
  readonly waitMs: number;
  readonly checks: readonly AccessCheck[];
  readonly cleanup: boolean;
  /** Every form of every secret value seen in the inputs, for the runner's masker. */
  readonly secrets: readonly string[];
}

/** What parsing may read from the world: files the user named, and a pod's service account. */
export interface InputContext {
  readonly readFile: ReadTextFile;
  /** KUBERNETES_SERVICE_HOST / _PORT, for in-cluster mode. */
  readonly podEnvironment: PodEnvironment;
  /** Where the pod's service account is mounted (tests point it elsewhere). */
  readonly serviceAccountDir: string;
}

/**
 * The one place that decides what a valid input is.
 * @throws InputError naming the input, what is wrong and how to fix it
 */
export function parseInputs(raw: RawInputs, context: InputContext): ActionConfig {
  const has = (name: InputName): boolean => raw[name].trim() !== '';
  const inCluster = parseBoolean(raw, Input.inCluster, false);
  const secret = has(Input.secret)
    ? parseSecret(raw[Input.secret], Input.secret, !has(Input.token))
    : undefined;
  const insecureSkipTlsVerify = parseBoolean(raw, Input.insecureSkipTlsVerify, false);
  if (insecureSkipTlsVerify && has(Input.certificateAuthority)) {
    throw new InputError(
      Input.insecureSkipTlsVerify,
      'is true together with "certificate-authority"',
      'Use one: a CA to verify the server (recommended), or insecure-skip-tls-verify without a CA (kubectl refuses the combination too)',
    );
  }
  const pod = inCluster
    ? readPodServiceAccount(context.serviceAccountDir, context.podEnvironment, context.readFile, {
        server: !has(Input.server),
        token: !has(Input.token) && secret?.token === undefined,
        ca:
          !has(Input.certificateAuthority) && secret?.caCrt === undefined && !insecureSkipTlsVerify,
      })
    : undefined;

  const server = readServer(raw, pod);
  const token = readToken(raw, secret, pod);
  const certificateAuthority = insecureSkipTlsVerify
    ? undefined
    : readCertificateAuthority(raw, secret, pod, server, context);

  const namespace =
    firstNonEmpty(raw[Input.namespace], secret?.namespace, pod?.namespace) ?? 'default';
  checkNamespace(
    namespace,
    has(Input.namespace) ? Input.namespace : secret?.namespace ? Input.secret : Input.inCluster,
  );
  const contextName = firstNonEmpty(raw[Input.context]) ?? 'default';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(contextName) || contextName.length > 253) {
    throw new InputError(
      Input.context,
      'contains a control character or is longer than 253 characters',
      'Use a short name such as "production"',
    );
  }

  const validate = parseBoolean(raw, Input.validate, true);
  const proxy = readProxyUrl(raw, validate);
  const checks = parseAccessChecks(raw[Input.canI], namespace);
  if (!validate && checks.length > 0) {
    throw new InputError(
      Input.canI,
      'has checks, but validate is false, so they would never run',
      'Remove validate: false (the checks need the server), or remove can-i',
    );
  }
  const kubeconfigPath = firstNonEmpty(raw[Input.kubeconfig]);
  return Object.freeze({
    server,
    token,
    certificateAuthority,
    insecureSkipTlsVerify,
    tlsServerName: readTlsServerName(raw),
    proxyUrl: proxy?.url,
    namespace,
    context: contextName,
    // Absolute, so KUBECONFIG still names it from another working-directory.
    kubeconfigPath: kubeconfigPath === undefined ? undefined : resolve(kubeconfigPath),
    exportKubeconfig: parseBoolean(raw, Input.exportKubeconfig, true),
    merge: parseBoolean(raw, Input.merge, false),
    validate,
    timeoutMs: has(Input.timeout) ? parseDuration(raw[Input.timeout], Input.timeout) : 10_000,
    waitMs: has(Input.wait)
      ? parseDuration(raw[Input.wait], Input.wait, { allowZero: true })
      : 30_000,
    checks,
    cleanup: parseBoolean(raw, Input.cleanup, true),
    secrets: [
      ...new Set([
        ...token.forms,
        ...secretForms(raw[Input.token].trim()),
        ...(proxy?.secrets ?? []),
      ]),
    ],
  });
}

function readServer(raw: RawInputs, pod: PodServiceAccount | undefined): ActionConfig['server'] {
  if (raw[Input.server].trim() !== '') {
    return { ...parseServer(raw[Input.server], Input.server), from: 'input' };
  }
  if (pod?.server !== undefined) {
    return { ...parseServer(pod.server, Input.inCluster), from: 'pod' };
  }
  throw new InputError(
    Input.server,
    'is empty: the API server URL is required',
    `Set server to the cluster's API server address, e.g. https://203.0.113.10:6443. ${FORK_NOTE}`,
  );
}

function readToken(
  raw: RawInputs,
  secret: ParsedSecret | undefined,
  pod: PodServiceAccount | undefined,
): TokenConfig {
  if (raw[Input.token].trim() !== '') {
    return { ...parseToken(raw[Input.token], Input.token), from: 'input', file: undefined };
  }
  if (secret?.token !== undefined) {
    const parsed = parseToken(secret.token, Input.secret);
    const forms = secret.tokenBase64 ? [...parsed.forms, secret.tokenBase64] : parsed.forms;
    return { ...parsed, forms, from: 'secret', file: undefined };
  }
  if (pod?.token !== undefined) {
    return { ...parseToken(pod.token, Input.inCluster), from: 'pod', file: pod.tokenFile };
  }
  throw new InputError(
    Input.token,
    'is empty and no "secret" was given: a service-account token is required',
    `Set token (e.g. token: \${{ secrets.KUBE_TOKEN }}) or pass the whole Secret in "secret". ${FORK_NOTE}`,
  );
}

function readCertificateAuthority(
  raw: RawInputs,
  secret: ParsedSecret | undefined,
  pod: PodServiceAccount | undefined,
  server: ServerAddress,
  context: InputContext,
): ActionConfig['certificateAuthority'] {
  if (raw[Input.certificateAuthority].trim() !== '') {
    return {
      ...parseCertificateAuthority(
        raw[Input.certificateAuthority],
        Input.certificateAuthority,
        context.readFile,
      ),
      from: 'input',
    };
  }
  if (secret?.caCrt !== undefined) {
    return {
      ...parseCertificateAuthority(
        secret.caCrt,
        `${Input.secret}" field "ca.crt`,
        context.readFile,
      ),
      from: 'secret',
    };
  }
  if (pod?.caCrt !== undefined) {
    return {
      ...parseCertificateAuthority(pod.caCrt, `${Input.inCluster}" file "ca.crt`, context.readFile),
      from: 'pod',
    };
  }
  if (server.plainHttp) return undefined;
  throw new InputError(
    Input.certificateAuthority,
    secret
      ? 'is empty and the Secret has no ca.crt: the cluster CA is required'
      : 'is empty and no "secret" was given: the cluster CA is required',
    `Set certificate-authority to the cluster CA (certificate-authority-data from a kubeconfig, or data["ca.crt"] from the token Secret). ${FORK_NOTE}`,
  );
}

const HOST_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

function readTlsServerName(raw: RawInputs): string | undefined {
  const name = firstNonEmpty(raw[Input.tlsServerName]);
  if (name === undefined) return undefined;
  if (!HOST_NAME.test(name) || name.length > 253) {
    throw new InputError(
      Input.tlsServerName,
      `is not a host name: "${name.slice(0, 80)}"`,
      'Give one DNS name the server certificate covers, e.g. kubernetes.default.svc',
    );
  }
  return name;
}

function readProxyUrl(
  raw: RawInputs,
  validate: boolean,
): { url: string; secrets: string[] } | undefined {
  const text = firstNonEmpty(raw[Input.proxyUrl]);
  if (text === undefined) return undefined;
  const { shown, secrets } = redactProxyUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(
      Input.proxyUrl,
      `is not a URL: "${shown}"`,
      'Write it as http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT',
    );
  }
  if (!['http:', 'https:', 'socks5:', 'socks5h:'].includes(url.protocol) || url.hostname === '') {
    throw new InputError(
      Input.proxyUrl,
      `uses the unsupported scheme ${url.protocol}// ("${shown}")`,
      'kubectl takes http://, https:// and socks5:// proxies',
    );
  }
  if (validate && isSocksWithCredentials(text)) {
    throw new InputError(
      Input.proxyUrl,
      `is a SOCKS5 proxy with credentials ("${shown}"), which the validation cannot use`,
      'Use an HTTP(S) proxy for credentials, a SOCKS5 proxy without them, or validate: false',
    );
  }
  return { url: text, secrets };
}

function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.map((v) => v?.trim()).find((v) => v !== undefined && v !== '');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkNamespace(value: string, input: string): void {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new InputError(
      input,
      `gives the namespace "${value.slice(0, 63)}", which is not a valid Kubernetes namespace name`,
      'A namespace is at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
  }
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

function parseBoolean(raw: RawInputs, name: InputName, fallback: boolean): boolean {
  const value = raw[name].trim();
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(
    name,
    `must be true or false (got "${value.slice(0, 40)}")`,
    `Write ${name}: 'true' or ${name}: 'false'`,
  );
}
