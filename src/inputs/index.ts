import { InputError } from '../errors.js';
import { Input, type InputName } from '../names.js';
import {
  parseCertificateAuthority,
  type ParsedCertificateAuthority,
  type ReadTextFile,
} from './certificate.js';
import { parseDuration } from './duration.js';
import { parseSecret } from './secret.js';
import { parseServer, type ServerAddress } from './server.js';
import { parseToken, secretForms, type ParsedToken } from './token.js';

export type { ParsedCertificateAuthority, CertificateSummary } from './certificate.js';
export type { ServerAddress } from './server.js';
export type { ParsedToken } from './token.js';

/** Every input as the runner hands it over: strings, '' when not set. */
export type RawInputs = Readonly<Record<InputName, string>>;

/** What the action will do, decided once from the raw inputs. */
export interface ActionConfig {
  readonly server: ServerAddress;
  readonly token: ParsedToken & { readonly from: 'token' | 'secret' };
  /** Absent only for http:// to a loopback address. */
  readonly certificateAuthority:
    | (ParsedCertificateAuthority & { readonly from: 'certificate-authority' | 'secret' })
    | undefined;
  readonly namespace: string;
  readonly context: string;
  /** Where to write; undefined means a new unique file under RUNNER_TEMP. */
  readonly kubeconfigPath: string | undefined;
  readonly exportKubeconfig: boolean;
  readonly validate: boolean;
  readonly timeoutMs: number;
  readonly cleanup: boolean;
  /** Every form of every secret value seen in the inputs, for the runner's masker. */
  readonly secrets: readonly string[];
}

/** What parsing may read from the world: only files the user named. */
export interface InputContext {
  readonly readFile: ReadTextFile;
}

const FORK_NOTE =
  'If you pass it from a secret, note that secrets are empty in workflows triggered from forks and by Dependabot';

/**
 * The one place that decides what a valid input is.
 * @throws InputError naming the input, what is wrong and how to fix it
 */
export function parseInputs(raw: RawInputs, context: InputContext): ActionConfig {
  if (raw[Input.server].trim() === '') {
    throw new InputError(
      Input.server,
      'is empty: the API server URL is required',
      `Set server to the cluster's API server address, e.g. https://203.0.113.10:6443. ${FORK_NOTE}`,
    );
  }
  const server = parseServer(raw[Input.server], Input.server);

  const secret =
    raw[Input.secret].trim() === ''
      ? undefined
      : parseSecret(raw[Input.secret], Input.secret, raw[Input.token].trim() === '');
  const token = readToken(raw, secret);
  const certificateAuthority = readCertificateAuthority(raw, secret, server, context);

  const namespace = firstNonEmpty(raw[Input.namespace], secret?.namespace) ?? 'default';
  checkName(
    namespace,
    raw[Input.namespace].trim() !== '' ? Input.namespace : Input.secret,
    'namespace',
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

  const kubeconfigPath = raw[Input.kubeconfig].trim();
  return Object.freeze({
    server,
    token,
    certificateAuthority,
    namespace,
    context: contextName,
    kubeconfigPath: kubeconfigPath === '' ? undefined : kubeconfigPath,
    exportKubeconfig: parseBoolean(raw, Input.exportKubeconfig, true),
    validate: parseBoolean(raw, Input.validate, true),
    timeoutMs:
      raw[Input.timeout].trim() === '' ? 10_000 : parseDuration(raw[Input.timeout], Input.timeout),
    cleanup: parseBoolean(raw, Input.cleanup, true),
    secrets: [...new Set([...token.forms, ...secretForms(raw[Input.token].trim())])],
  });
}

function readToken(
  raw: RawInputs,
  secret: ReturnType<typeof parseSecret> | undefined,
): ActionConfig['token'] {
  if (raw[Input.token].trim() !== '') {
    return { ...parseToken(raw[Input.token], Input.token), from: 'token' };
  }
  if (secret?.token !== undefined) {
    const parsed = parseToken(secret.token, Input.secret);
    const forms = secret.tokenBase64 ? [...parsed.forms, secret.tokenBase64] : parsed.forms;
    return { ...parsed, forms, from: 'secret' };
  }
  throw new InputError(
    Input.token,
    'is empty and no "secret" was given: a service-account token is required',
    `Set token (e.g. token: \${{ secrets.KUBE_TOKEN }}) or pass the whole Secret in "secret". ${FORK_NOTE}`,
  );
}

function readCertificateAuthority(
  raw: RawInputs,
  secret: ReturnType<typeof parseSecret> | undefined,
  server: ServerAddress,
  context: InputContext,
): ActionConfig['certificateAuthority'] {
  if (raw[Input.certificateAuthority].trim() !== '') {
    const ca = parseCertificateAuthority(
      raw[Input.certificateAuthority],
      Input.certificateAuthority,
      context.readFile,
    );
    return { ...ca, from: Input.certificateAuthority };
  }
  if (secret?.caCrt !== undefined) {
    const ca = parseCertificateAuthority(
      secret.caCrt,
      `${Input.secret}" field "ca.crt`,
      context.readFile,
    );
    return { ...ca, from: Input.secret };
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

function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.map((v) => v?.trim()).find((v) => v !== undefined && v !== '');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkName(value: string, input: string, what: string): void {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new InputError(
      input,
      `gives the ${what} "${value.slice(0, 63)}", which is not a valid Kubernetes namespace name`,
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
