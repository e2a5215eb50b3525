import { load } from 'js-yaml';
import { InputError } from '../errors.js';
import { isJwt } from './token.js';

/** The fields a service-account token Secret supplies, decoded from `data` or `stringData`. */
export interface ParsedSecret {
  readonly name: string | undefined;
  /** The token (decoded); undefined only when the caller's `token` input overrides it. */
  readonly token: string | undefined;
  /** The raw base64 of the token as stored in `data.token`, to be masked too. */
  readonly tokenBase64: string | undefined;
  /** `ca.crt` as PEM text. */
  readonly caCrt: string | undefined;
  readonly namespace: string | undefined;
}

const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const HOW =
  'Pass the output of "kubectl get secret NAME -o yaml" (or -o json) for a Secret of type kubernetes.io/service-account-token';

/**
 * Parses a whole Secret as printed by `kubectl get secret NAME -o yaml` or `-o json`.
 * `stringData` wins over `data` as it does on the API server.
 * @param input the input id for messages
 * @param needToken false when the `token` input overrides the Secret's token
 * @throws InputError saying what was found instead of a usable Secret
 */
export function parseSecret(raw: string, input: string, needToken: boolean): ParsedSecret {
  const text = raw.trim();
  let doc: unknown;
  try {
    doc = load(text);
  } catch (err) {
    // js-yaml's message quotes the offending lines; only its reason and line number are safe.
    const e = err as { reason?: string; mark?: { line?: number } };
    const where = e.mark?.line !== undefined ? ` at line ${e.mark.line + 1}` : '';
    throw new InputError(
      input,
      `is not valid YAML or JSON${where} (${e.reason ?? 'parse error'})`,
      HOW,
    );
  }
  if (typeof doc === 'string' && !/\s/.test(doc)) {
    const looks = isJwt(doc) || isJwt(Buffer.from(doc, 'base64').toString('utf8').trim());
    throw new InputError(
      input,
      looks ? 'holds a single token, not a Secret' : 'holds a single word, not a Secret',
      looks ? 'Pass a bare token in the "token" input instead' : HOW,
    );
  }
  if (!isRecord(doc)) {
    throw new InputError(input, `is not a Secret manifest (found ${describeValue(doc)})`, HOW);
  }
  const kind = doc.kind;
  if (kind === 'List' && Array.isArray(doc.items)) {
    throw new InputError(input, `is a List of ${doc.items.length} objects, not one Secret`, HOW);
  }
  if (kind !== 'Secret') {
    const found = typeof kind === 'string' ? `a ${kind}` : 'an object without "kind"';
    throw new InputError(input, `is ${found}, not a Secret`, HOW);
  }
  const name =
    isRecord(doc.metadata) && typeof doc.metadata.name === 'string' ? doc.metadata.name : undefined;
  const label = name !== undefined ? `Secret "${name}"` : 'the Secret';
  const type = typeof doc.type === 'string' ? doc.type : undefined;
  if (type !== SA_TOKEN_TYPE) {
    throw new InputError(
      input,
      `is ${label} of type ${type ?? '(none, i.e. Opaque)'}, not ${SA_TOKEN_TYPE}`,
      'Use the Secret that holds the service account\'s token (kubectl get secrets --field-selector type=kubernetes.io/service-account-token), or pass a token in the "token" input',
    );
  }
  const field = (key: string): { value: string; base64?: string } | undefined => {
    const plain = isRecord(doc.stringData) ? doc.stringData[key] : undefined;
    if (typeof plain === 'string' && plain.trim() !== '') return { value: plain };
    const encoded = isRecord(doc.data) ? doc.data[key] : undefined;
    if (typeof encoded !== 'string' || encoded.trim() === '') return undefined;
    const compact = encoded.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
      throw new InputError(
        input,
        `has data["${key}"] that is not base64`,
        'Values under data are base64; put plain values under stringData, or copy the Secret again',
      );
    }
    return { value: Buffer.from(compact, 'base64').toString('utf8'), base64: compact };
  };
  const token = field('token');
  if (needToken && token === undefined) {
    throw new InputError(
      input,
      `is ${label} without a token (data.token is empty)`,
      'The token controller fills data.token shortly after the Secret is created with the kubernetes.io/service-account.name annotation; check that annotation names an existing ServiceAccount and fetch the Secret again',
    );
  }
  const namespaceField = field('namespace')?.value.trim();
  const metaNamespace =
    isRecord(doc.metadata) && typeof doc.metadata.namespace === 'string'
      ? doc.metadata.namespace
      : undefined;
  return {
    name,
    token: token?.value.trim(),
    tokenBase64: token?.base64,
    caCrt: field('ca.crt')?.value,
    namespace: namespaceField ?? metaNamespace,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
