/**
 * The `can-i` input: one permission check per line, written the way `kubectl auth can-i`
 * takes it, turned into SelfSubjectAccessReview specs. Pure: no I/O, no discovery; a small
 * table stands in for the short names kubectl would resolve against the cluster.
 */
import { InputError, quoteServerText } from '../errors.js';

const INPUT = 'can-i';
const MAX_CHECKS = 100;
const MAX_QUOTED = 80;
const FORM_HINT =
  'Write one check per line as VERB RESOURCE[.GROUP][/SUBRESOURCE] [NAME] [-n NAMESPACE | -A], ' +
  'e.g. "create deployments.apps -n prod", "get pods/log" or "get /healthz"';

/** What a check asks about an API resource; absent group means the core group. */
export interface ResourceAttributes {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  name?: string;
  /** Absent means all namespaces, or none for a cluster-scoped resource. */
  namespace?: string;
}

/** What a check asks about a URL outside the resource API, such as `/healthz`. */
export interface NonResourceAttributes {
  verb: string;
  path: string;
}

/** A SelfSubjectAccessReview spec (authorization.k8s.io/v1); exactly one of the two is set. */
export type AccessCheckSpec =
  { resourceAttributes: ResourceAttributes } | { nonResourceAttributes: NonResourceAttributes };

/** One line of the `can-i` input, ready to send. */
export interface AccessCheck {
  /** The line as the user wrote it (trimmed), used in messages and the summary. */
  readonly line: string;
  /** SelfSubjectAccessReview spec (authorization.k8s.io/v1) to send, exactly one of the two set. */
  readonly spec: AccessCheckSpec;
}

type Scope = 'Namespaced' | 'Cluster';
const RBAC = 'rbac.authorization.k8s.io';

/** Built-in resources kubectl resolves by discovery: plural, group ('' is core), scope, other names. */
const KNOWN_RESOURCES: readonly (readonly [
  plural: string,
  group: string,
  scope: Scope,
  names: readonly string[],
])[] = [
  ['pods', '', 'Namespaced', ['po', 'pod']],
  ['services', '', 'Namespaced', ['svc', 'service']],
  ['namespaces', '', 'Cluster', ['ns', 'namespace']],
  ['configmaps', '', 'Namespaced', ['cm', 'configmap']],
  ['secrets', '', 'Namespaced', ['secret']],
  ['serviceaccounts', '', 'Namespaced', ['sa', 'serviceaccount']],
  ['persistentvolumeclaims', '', 'Namespaced', ['pvc', 'persistentvolumeclaim']],
  ['persistentvolumes', '', 'Cluster', ['pv', 'persistentvolume']],
  ['nodes', '', 'Cluster', ['no', 'node']],
  ['events', '', 'Namespaced', ['ev', 'event']],
  ['endpoints', '', 'Namespaced', ['ep']],
  ['limitranges', '', 'Namespaced', ['limits', 'limitrange']],
  ['resourcequotas', '', 'Namespaced', ['quota', 'resourcequota']],
  ['replicationcontrollers', '', 'Namespaced', ['rc', 'replicationcontroller']],
  ['deployments', 'apps', 'Namespaced', ['deploy', 'deployment']],
  ['statefulsets', 'apps', 'Namespaced', ['sts', 'statefulset']],
  ['daemonsets', 'apps', 'Namespaced', ['ds', 'daemonset']],
  ['replicasets', 'apps', 'Namespaced', ['rs', 'replicaset']],
  ['jobs', 'batch', 'Namespaced', ['job']],
  ['cronjobs', 'batch', 'Namespaced', ['cj', 'cronjob']],
  ['horizontalpodautoscalers', 'autoscaling', 'Namespaced', ['hpa', 'horizontalpodautoscaler']],
  ['ingresses', 'networking.k8s.io', 'Namespaced', ['ing', 'ingress']],
  ['networkpolicies', 'networking.k8s.io', 'Namespaced', ['netpol', 'networkpolicy']],
  ['roles', RBAC, 'Namespaced', ['role']],
  ['rolebindings', RBAC, 'Namespaced', ['rolebinding']],
  ['clusterroles', RBAC, 'Cluster', ['clusterrole']],
  ['clusterrolebindings', RBAC, 'Cluster', ['clusterrolebinding']],
  [
    'customresourcedefinitions',
    'apiextensions.k8s.io',
    'Cluster',
    ['crd', 'crds', 'customresourcedefinition'],
  ],
  ['poddisruptionbudgets', 'policy', 'Namespaced', ['pdb', 'poddisruptionbudget']],
  ['storageclasses', 'storage.k8s.io', 'Cluster', ['sc', 'storageclass']],
  ['leases', 'coordination.k8s.io', 'Namespaced', ['lease']],
];

/**
 * Subresources accepted after a slash (`pods/log`, `deployments.apps/scale`). Any other word
 * after a slash is refused rather than guessed: kubectl reads `TYPE/NAME` there.
 */
const KNOWN_SUBRESOURCES: ReadonlySet<string> = new Set([
  'approval',
  'attach',
  'binding',
  'ephemeralcontainers',
  'eviction',
  'exec',
  'finalize',
  'log',
  'portforward',
  'proxy',
  'resize',
  'scale',
  'status',
  'token',
]);

const BY_NAME = new Map<string, { resource: string; group: string }>();
const CLUSTER_SCOPED = new Set<string>();
for (const [plural, group, scope, names] of KNOWN_RESOURCES) {
  for (const name of [plural, ...names]) BY_NAME.set(name, { resource: plural, group });
  if (scope === 'Cluster') CLUSTER_SCOPED.add(`${group}/${plural}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const API_VERSION = /^v\d+((alpha|beta)\d+)?$/;

/**
 * Parses the can-i input. Blank lines, `#` comments and a YAML-list `- ` are ignored;
 * repeated checks are kept once, in first-seen order.
 * @param raw the input as the runner hands it over; empty gives []
 * @param defaultNamespace the kubeconfig context's namespace (empty means `default`, as kubectl)
 * @throws InputError naming the line and what is wrong with it, or when there are more than 100
 */
export function parseAccessChecks(raw: string, defaultNamespace: string): AccessCheck[] {
  const fallback = defaultNamespace.trim() === '' ? 'default' : defaultNamespace.trim();
  const checks = new Map<string, AccessCheck>();
  raw.split(/\r?\n/).forEach((text, index) => {
    const check = parseLine(text, index + 1, fallback);
    if (check === undefined) return;
    const key = JSON.stringify(check.spec);
    if (!checks.has(key)) checks.set(key, check);
  });
  if (checks.size > MAX_CHECKS) {
    throw new InputError(
      INPUT,
      `has ${checks.size} checks; at most ${MAX_CHECKS} are allowed`,
      'Check only the permissions the job needs, or split the checks across several steps',
    );
  }
  return [...checks.values()];
}

/**
 * Writes a spec back as one canonical line, e.g. `create deployments.apps -n prod`: full
 * plural and group, the namespace always spelt out (`-A` when a namespaced check has none).
 * Parsing the result gives the same spec.
 */
export function formatAccessCheck(spec: AccessCheckSpec): string {
  if ('nonResourceAttributes' in spec) {
    return `${spec.nonResourceAttributes.verb} ${spec.nonResourceAttributes.path}`;
  }
  const { verb, resource, group, subresource, name, namespace } = spec.resourceAttributes;
  let object = group ? `${resource}.${group}` : resource;
  const flags: string[] = [];
  if (subresource) {
    if (KNOWN_SUBRESOURCES.has(subresource)) object += `/${subresource}`;
    else flags.push(`--subresource=${subresource}`);
  }
  const words = [verb, object];
  if (name) words.push(name);
  if (namespace) {
    if (!isNamespaceItself(resource, group ?? '', name, namespace)) flags.push(`-n ${namespace}`);
  } else if (!CLUSTER_SCOPED.has(`${group ?? ''}/${resource}`)) {
    flags.push('-A');
  }
  return [...words, ...flags].join(' ');
}

/** Refuses the current line: throws the InputError that names it. */
type Fail = (problem: string, hint?: string) => never;

/** What the flags on one line said. */
interface Flags {
  namespace?: string;
  allNamespaces: boolean;
  subresource?: string;
}

function parseLine(
  text: string,
  lineNo: number,
  defaultNamespace: string,
): AccessCheck | undefined {
  const line = text
    .trim()
    .replace(/^-(\s+|$)/, '')
    .replace(/(^|\s)#.*$/, '')
    .trim();
  if (line === '') return undefined;

  const fail: Fail = (problem, hint = FORM_HINT) => {
    throw new InputError(
      INPUT,
      `line ${lineNo} "${quoteServerText(line, MAX_QUOTED)}" ${problem}`,
      hint,
    );
  };

  const { flags, words } = splitFlags(line.split(/\s+/).map(unquote), fail);
  const [verb, object, name, ...extra] = words;

  if (verb === undefined) return fail('has no verb');
  checkVerb(verb, fail);
  if (object === undefined) return fail('has no resource');

  if (object.startsWith('/')) {
    if (name !== undefined) fail(`gives a name ("${name}") with a non-resource URL`);
    if (flags.namespace !== undefined) fail('gives a namespace with a non-resource URL');
    if (flags.allNamespaces) fail('gives -A with a non-resource URL');
    if (flags.subresource !== undefined) fail('gives a subresource with a non-resource URL');
    return { line, spec: { nonResourceAttributes: { verb, path: object } } };
  }

  const target = parseResource(object, line, fail);
  if (target.subresource !== undefined && flags.subresource !== undefined) {
    fail('gives a subresource twice, after a slash and with --subresource');
  }
  const subresource = target.subresource ?? flags.subresource;

  if (extra.length > 0) {
    fail(
      `has more than one name (${[name, ...extra].map((w) => `"${w}"`).join(', ')})`,
      'Write one name per line, or none to check every object of the resource',
    );
  }
  if (name?.includes('/')) {
    fail(`has name "${name}" with a slash`, 'Write a name as one word, e.g. "get deployment web"');
  }

  if (flags.namespace !== undefined && flags.allNamespaces) {
    fail('gives both a namespace and -A', 'Use -n NAMESPACE for one namespace, or -A for all');
  }
  let namespace: string | undefined;
  if (flags.namespace !== undefined) {
    namespace = flags.namespace;
  } else if (flags.allNamespaces) {
    namespace = undefined;
  } else if (name !== undefined && isNamespaceItself(target.resource, target.group, name, name)) {
    // The API server files a request for the namespace object `prod` under namespace `prod`.
    namespace = name;
  } else if (!CLUSTER_SCOPED.has(`${target.group}/${target.resource}`)) {
    namespace = defaultNamespace;
  }

  const attributes: ResourceAttributes = { verb, resource: target.resource };
  if (target.group !== '') attributes.group = target.group;
  if (subresource !== undefined) attributes.subresource = subresource;
  if (name !== undefined) attributes.name = name;
  if (namespace !== undefined) attributes.namespace = namespace;
  return { line, spec: { resourceAttributes: attributes } };
}

/** Pulls the flags out of a line's words, wherever they stand; the rest stay in order. */
function splitFlags(tokens: readonly string[], fail: Fail): { flags: Flags; words: string[] } {
  const flags: Flags = { allNamespaces: false };
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (!token.startsWith('-') || token === '-') {
      words.push(token);
      continue;
    }
    if (token === '-A' || token === '--all-namespaces') {
      flags.allNamespaces = true;
      continue;
    }
    const match = /^(-n|--namespace|--subresource)(?:=(.*))?$/.exec(token);
    if (match === null) {
      const flag = token.split('=')[0] ?? token;
      if (flag === '-A' || flag === '--all-namespaces') {
        fail(
          `has "${token}", but ${flag} takes no value`,
          `Write ${flag} alone, e.g. "list pods -A"`,
        );
      }
      fail(
        `has unknown flag "${flag}"`,
        'Only -n/--namespace, -A/--all-namespaces and --subresource are understood, e.g. "get pods -n prod"',
      );
    }
    const flag = match[1] ?? '-n';
    let value = match[2];
    if (value === undefined) {
      const next = tokens[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        value = next;
        i++;
      }
    }
    if (flag === '--subresource') {
      if (value === undefined || !/^[a-z][a-z0-9-]*$/.test(value)) {
        fail(
          value === undefined
            ? 'has --subresource without a value'
            : `has subresource "${value}", which is not a lowercase word`,
          'Name the subresource, e.g. "create pods --subresource=exec"',
        );
      }
      if (flags.subresource !== undefined) fail('gives --subresource twice');
      flags.subresource = value;
    } else {
      flags.namespace = checkNamespace(flag, value, flags, fail);
    }
  }
  return { flags, words };
}

function checkNamespace(flag: string, value: string | undefined, flags: Flags, fail: Fail): string {
  const hint = 'Give a namespace after -n, e.g. "get pods -n prod"';
  if (value === undefined || value === '') return fail(`has ${flag} without a namespace`, hint);
  if (!DNS_LABEL.test(value)) {
    return fail(
      `has namespace "${value}", which is not a valid namespace name`,
      'A namespace is lowercase letters, digits and "-", at most 63 characters, e.g. "prod-1"',
    );
  }
  if (flags.namespace !== undefined) fail('gives the namespace twice', hint);
  return value;
}

function checkVerb(verb: string, fail: Fail): void {
  if (verb === '*' || /^[a-z]+$/.test(verb)) return;
  if (/^[a-zA-Z]+$/.test(verb)) {
    fail(
      `has verb "${verb}" with capitals`,
      `Verbs are lowercase, as in RBAC rules: write "${verb.toLowerCase()}"`,
    );
  }
  fail(
    `has "${verb}" where the verb goes`,
    `A verb is a lowercase word such as get or create, or "*". ${FORM_HINT}`,
  );
}

/** Reads `RESOURCE[.GROUP][/SUBRESOURCE]`, resolving short names when no group is given. */
function parseResource(
  object: string,
  line: string,
  fail: Fail,
): { resource: string; group: string; subresource?: string } {
  const text = object.toLowerCase();
  const [typed = '', slash, ...more] = text.split('/');
  const dot = typed.indexOf('.');
  let resource = dot === -1 ? typed : typed.slice(0, dot);
  let group = dot === -1 ? '' : typed.slice(dot + 1);

  if (resource !== '*' && !DNS_LABEL.test(resource)) {
    fail(`has "${object}" where the resource goes, which is not a resource name`);
  }
  if (dot !== -1 && group !== '*' && !DNS_SUBDOMAIN.test(group)) {
    fail(`has "${object}" whose group "${group}" is not a valid API group`);
  }
  if (more.length > 0 || slash === '') {
    fail(`has "${object}" with more than one slash or an empty subresource`);
  }
  if (slash !== undefined && !KNOWN_SUBRESOURCES.has(slash)) {
    fail(
      `has "${object}", and "${slash}" is not a known subresource`,
      `kubectl's TYPE/NAME form is not read here: write the name as its own word ` +
        `("${line.replace(object, `${typed} ${slash}`)}"), or use --subresource=${slash} ` +
        `for a subresource not in the list (${[...KNOWN_SUBRESOURCES].join(', ')})`,
    );
  }

  // `deployments.v1.apps`: kubectl accepts RESOURCE.VERSION.GROUP; access reviews have no version.
  const labels = group.split('.');
  if (labels.length > 1 && API_VERSION.test(labels[0] ?? '')) group = labels.slice(1).join('.');

  if (resource !== '*') {
    // Short and singular names resolve as kubectl's discovery would; with a group given
    // (`deployment.apps`, `deploy.apps`) only to an entry of that group.
    const known = BY_NAME.get(resource);
    if (known !== undefined && (dot === -1 || known.group === group)) ({ resource, group } = known);
  }
  return slash === undefined ? { resource, group } : { resource, group, subresource: slash };
}

/** Whether this is the namespace object itself, which the API server files under its own name. */
function isNamespaceItself(
  resource: string,
  group: string,
  name: string | undefined,
  namespace: string,
): boolean {
  return resource === 'namespaces' && group === '' && name === namespace && DNS_LABEL.test(name);
}

/** Drops one pair of matching shell quotes, so `'*' '*'` pasted from a terminal works. */
function unquote(token: string): string {
  const match = /^(['"])(.*)\1$/.exec(token);
  return match?.[2] ?? token;
}
