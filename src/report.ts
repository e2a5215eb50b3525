import type { ActionConfig } from './inputs/index.js';
import type { ClusterIdentity } from './probe.js';

/** What the step did, as the job summary and the log tell it. */
export interface ConnectionReport {
  readonly config: ActionConfig;
  readonly identity: ClusterIdentity | undefined;
  readonly kubeconfigPath: string;
}

/** The job summary: a short Markdown table, with no token and no CA data. */
export function summaryMarkdown(report: ConnectionReport): string {
  const { config, identity } = report;
  const rows: [string, string][] = [
    ['Server', code(config.server.url)],
    ['Server version', identity ? code(identity.serverVersion) : 'not checked (validate: false)'],
    ['Identity', identity ? code(identity.username) : 'not checked (validate: false)'],
    ['Groups', identity ? identity.groups.map(code).join(', ') || 'none' : '—'],
    ['Namespace', code(config.namespace)],
    ['Context', code(config.context)],
    [
      'Kubeconfig',
      code(report.kubeconfigPath) + (config.exportKubeconfig ? ' (exported as `KUBECONFIG`)' : ''),
    ],
  ];
  const table = rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  const verdict = identity
    ? '✅ Connected to Kubernetes'
    : '📝 Kubeconfig written without contacting the server';
  return `### ${verdict}\n\n| | |\n|---|---|\n${table}\n`;
}

/** One line for the log that describes where the token came from, never the token. */
export function describeToken(config: ActionConfig): string {
  const { token } = config;
  const kind = token.kind === 'jwt' ? 'JWT' : 'opaque token';
  const decoded = token.encoding === 'base64' ? ', base64-decoded' : '';
  return `${kind} from input "${token.from}"${decoded}`;
}

/** One line for the log that describes the CA bundle. */
export function describeCertificateAuthority(config: ActionConfig): string {
  const ca = config.certificateAuthority;
  if (!ca) return 'none (plain http to a loopback address)';
  const first = ca.certificates[0];
  const more = ca.certificates.length > 1 ? ` and ${ca.certificates.length - 1} more` : '';
  const subject = first ? `${first.subject}, valid until ${first.notAfter.toISOString()}` : '';
  return `${FORMAT[ca.format]} from input "${ca.from}": ${subject}${more}`;
}

const FORMAT = {
  pem: 'PEM text',
  base64: 'base64 of PEM',
  der: 'base64 of DER',
  file: 'PEM file',
} as const;

function code(text: string): string {
  return `\`${text.replaceAll('`', "'").replaceAll('|', '\\|')}\``;
}
