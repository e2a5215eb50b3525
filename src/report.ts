import { KubeConnectError, quoteServerText } from './errors.js';
import { formatDuration } from './inputs/duration.js';
import type { ActionConfig } from './inputs/index.js';
import type { ProbeResult } from './probe.js';
import type { TokenClaims } from './token-claims.js';

/** What the step did, as the job summary tells it. */
export interface ConnectionReport {
  readonly config: ActionConfig;
  readonly result: ProbeResult | undefined;
  readonly claims: TokenClaims | undefined;
  /** Undefined when the step failed before writing (a denied can-i check). */
  readonly kubeconfigPath: string | undefined;
  readonly now: number;
}

/** The job summary: short Markdown tables, with no token and no CA data. */
export function summaryMarkdown(report: ConnectionReport): string {
  const { config, result } = report;
  const unchecked = 'not checked (validate: false)';
  const identity = result?.identity;
  const rows: [string, string][] = [
    ['Server', code(config.server.url)],
    ['Server version', result ? code(result.serverVersion) : unchecked],
    [
      'Identity',
      identity
        ? identity.username !== undefined
          ? code(identity.username)
          : 'unknown (no SelfSubjectReview)'
        : unchecked,
    ],
    ['Groups', identity ? identity.groups.map(code).join(', ') || 'unknown' : '—'],
    ['Token', tokenLine(report)],
    ['Namespace', code(config.namespace)],
    ['Context', code(config.context)],
    [
      'Kubeconfig',
      report.kubeconfigPath === undefined
        ? 'not written'
        : code(report.kubeconfigPath) +
          (config.exportKubeconfig ? ' (exported as `KUBECONFIG`)' : ''),
    ],
  ];
  if (result) {
    rows.push([
      'Verdict',
      `${result.attempts} request${result.attempts === 1 ? '' : 's'}, ${formatDuration(result.elapsedMs)}`,
    ]);
  }
  const denied = result?.access.some((a) => !a.allowed) ?? false;
  const verdict = !result
    ? '📝 Kubeconfig written without contacting the server'
    : denied
      ? '⛔ Connected, but some permissions are missing'
      : '✅ Connected to Kubernetes';
  let text = `### ${verdict}\n\n| | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`;
  if (result && result.access.length > 0) {
    const checks = result.access
      .map(
        (a) => `| ${code(a.check.line)} | ${a.allowed ? '✅ yes' : '❌ no'} | ${cell(a.reason)} |`,
      )
      .join('\n');
    text += `\n#### can-i\n\n| check | allowed | reason |\n|---|---|---|\n${checks}\n`;
  }
  return text;
}

/** The job summary of a failed step: the error line, the server and what is known of the token. */
export function failureMarkdown(
  report: Pick<ConnectionReport, 'config' | 'claims' | 'now'>,
  line: string,
): string {
  const rows: [string, string][] = [
    ['Server', code(report.config.server.url)],
    ['Token', tokenLine({ ...report, result: undefined, kubeconfigPath: undefined })],
    ['Kubeconfig', 'not written'],
  ];
  return `### ❌ Not connected\n\n${cell(line)}\n\n| | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`;
}

/** The failure for denied `can-i` checks, listing every denied line; undefined when all are allowed. */
export function deniedError(result: ProbeResult): KubeConnectError | undefined {
  const denied = result.access.filter((a) => !a.allowed);
  if (denied.length === 0) return undefined;
  const who =
    result.identity.username !== undefined
      ? quoteServerText(result.identity.username)
      : 'this identity';
  return new KubeConnectError(
    'denied',
    `${denied.length} of ${result.access.length} can-i checks denied for ${who}: ${denied.map((d) => `"${d.check.line}"`).join(', ')}`,
    'Grant them with a Role and RoleBinding in the namespace (a ClusterRole and ClusterRoleBinding for cluster-scoped resources), or remove the lines from can-i',
  );
}

/** One line for the log that describes where the token came from, never the token. */
export function describeToken(config: ActionConfig): string {
  const { token } = config;
  const kind = token.kind === 'jwt' ? 'JWT' : 'opaque token';
  const decoded = token.encoding === 'base64' ? ', base64-decoded' : '';
  const from =
    token.from === 'pod'
      ? `the pod's service account (${token.file ?? ''}, re-read by kubectl as the kubelet rotates it)`
      : `input "${token.from === 'input' ? 'token' : 'secret'}"`;
  return `${kind} from ${from}${decoded}`;
}

const CA_SOURCE = {
  input: 'input "certificate-authority"',
  secret: 'input "secret"',
  pod: "the pod's service account",
} as const;

const TOKEN_KIND = {
  legacy: 'legacy Secret-based JWT',
  bound: 'bound JWT (TokenRequest)',
  other: 'JWT',
} as const;

const FORMAT = {
  pem: 'PEM text',
  base64: 'base64 of PEM',
  der: 'base64 of DER',
  file: 'PEM file',
} as const;

/** One line for the log that describes the CA bundle. */
export function describeCertificateAuthority(config: ActionConfig): string {
  const ca = config.certificateAuthority;
  if (!ca)
    return config.insecureSkipTlsVerify
      ? 'none (insecure-skip-tls-verify)'
      : 'none (plain http to a loopback address)';
  const first = ca.certificates[0];
  const more = ca.certificates.length > 1 ? ` and ${ca.certificates.length - 1} more` : '';
  const subject = first ? `${first.subject}, valid until ${first.notAfter.toISOString()}` : '';
  return `${FORMAT[ca.format]} from ${CA_SOURCE[ca.from]}: ${subject}${more}`;
}

function tokenLine({ config, claims, now }: ConnectionReport): string {
  if (config.token.kind !== 'jwt' || !claims) return 'opaque';
  const kind = TOKEN_KIND[claims.kind];
  if (claims.expiresAt === undefined) return `${kind}, never expires`;
  const left = claims.expiresAt.getTime() - now;
  const when =
    left > 0
      ? `in ${formatDuration(Math.round(left / 60_000) * 60_000 || 1000)}`
      : 'already expired';
  return `${kind}, expires ${code(claims.expiresAt.toISOString())} (${when})`;
}

/** Server text in a table cell: one line, no Markdown or HTML of its own. */
function cell(text: string): string {
  return quoteServerText(text, 300)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[|`*_[\]\\]/g, (c) => `\\${c}`);
}

function code(text: string): string {
  return `\`${quoteServerText(text, 300).replaceAll('`', "'").replaceAll('|', '\\|')}\``;
}
