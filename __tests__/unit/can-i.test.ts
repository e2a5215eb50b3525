import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  formatAccessCheck,
  parseAccessChecks,
  type AccessCheckSpec,
  type ResourceAttributes,
} from '../../src/inputs/can-i.js';

/** The one spec a single-line input gives, with the context namespace `ci`. */
function specOf(line: string): AccessCheckSpec {
  const checks = parseAccessChecks(line, 'ci');
  expect(checks).toHaveLength(1);
  const [check] = checks;
  if (check === undefined) throw new Error('no check');
  return check.spec;
}

/** The error a one-line input fails with. */
function errorOf(raw: string): InputError {
  try {
    parseAccessChecks(raw, 'ci');
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`"${raw}" was accepted`);
}

/** `deployments.apps` as the attributes it stands for; no dot means the core group. */
function resourceAndGroup(text: string): { resource: string; group?: string } {
  const dot = text.indexOf('.');
  return dot === -1
    ? { resource: text }
    : { resource: text.slice(0, dot), group: text.slice(dot + 1) };
}

describe('parseAccessChecks', () => {
  it.each<[string, ResourceAttributes]>([
    [
      'create deployments.apps -n prod',
      { verb: 'create', resource: 'deployments', group: 'apps', namespace: 'prod' },
    ],
    ['get secrets', { verb: 'get', resource: 'secrets', namespace: 'ci' }],
    [
      'create deployment.apps',
      { verb: 'create', resource: 'deployments', group: 'apps', namespace: 'ci' },
    ],
    [
      'create deploy.apps',
      { verb: 'create', resource: 'deployments', group: 'apps', namespace: 'ci' },
    ],
    [
      'get deploy.example.com',
      { verb: 'get', resource: 'deploy', group: 'example.com', namespace: 'ci' },
    ],
    ['list pods --all-namespaces', { verb: 'list', resource: 'pods' }],
    ['list pods -A', { verb: 'list', resource: 'pods' }],
    ['get pods/log -n ci', { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'ci' }],
    [
      'create pods --subresource=exec',
      { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'ci' },
    ],
    [
      'create pods --subresource exec',
      { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'ci' },
    ],
    [
      'update deployments.apps/scale',
      {
        verb: 'update',
        resource: 'deployments',
        group: 'apps',
        subresource: 'scale',
        namespace: 'ci',
      },
    ],
    [
      'get deploy/scale',
      {
        verb: 'get',
        resource: 'deployments',
        group: 'apps',
        subresource: 'scale',
        namespace: 'ci',
      },
    ],
    [
      'get deployment web',
      { verb: 'get', resource: 'deployments', group: 'apps', name: 'web', namespace: 'ci' },
    ],
    ['list nodes', { verb: 'list', resource: 'nodes' }],
    ['* *.*', { verb: '*', resource: '*', group: '*', namespace: 'ci' }],
    ['* *', { verb: '*', resource: '*', namespace: 'ci' }],
    ["'*' '*'", { verb: '*', resource: '*', namespace: 'ci' }],
    ['get pods.*', { verb: 'get', resource: 'pods', group: '*', namespace: 'ci' }],
    ['list *.apps', { verb: 'list', resource: '*', group: 'apps', namespace: 'ci' }],
    [
      '- update configmaps app-config',
      { verb: 'update', resource: 'configmaps', name: 'app-config', namespace: 'ci' },
    ],
    [
      'list certificates.cert-manager.io',
      { verb: 'list', resource: 'certificates', group: 'cert-manager.io', namespace: 'ci' },
    ],
    [
      'list cronjobs.v1.batch',
      { verb: 'list', resource: 'cronjobs', group: 'batch', namespace: 'ci' },
    ],
    ['list widgets', { verb: 'list', resource: 'widgets', namespace: 'ci' }],
    ['get Pods', { verb: 'get', resource: 'pods', namespace: 'ci' }],
    ['get pods -n=prod', { verb: 'get', resource: 'pods', namespace: 'prod' }],
    ['get pods --namespace prod', { verb: 'get', resource: 'pods', namespace: 'prod' }],
    ['get pods --namespace=prod', { verb: 'get', resource: 'pods', namespace: 'prod' }],
    ['get -n prod pods web', { verb: 'get', resource: 'pods', name: 'web', namespace: 'prod' }],
    ['list nodes -n prod', { verb: 'list', resource: 'nodes', namespace: 'prod' }],
    [
      'get namespaces prod',
      { verb: 'get', resource: 'namespaces', name: 'prod', namespace: 'prod' },
    ],
    [
      'bind clusterroles system:auth-delegator',
      {
        verb: 'bind',
        resource: 'clusterroles',
        group: 'rbac.authorization.k8s.io',
        name: 'system:auth-delegator',
      },
    ],
    [
      'list customresourcedefinitions.apiextensions.k8s.io',
      { verb: 'list', resource: 'customresourcedefinitions', group: 'apiextensions.k8s.io' },
    ],
    ['get secrets  # for the deploy key', { verb: 'get', resource: 'secrets', namespace: 'ci' }],
  ])('reads "%s" as a resource check', (line, attributes) => {
    expect(specOf(line)).toEqual({ resourceAttributes: attributes });
  });

  it.each([
    ['get /healthz', { verb: 'get', path: '/healthz' }],
    ['get /logs/*', { verb: 'get', path: '/logs/*' }],
    ['post /api/V1', { verb: 'post', path: '/api/V1' }],
  ])('reads "%s" as a non-resource check', (line, attributes) => {
    expect(specOf(line)).toEqual({ nonResourceAttributes: attributes });
  });

  it.each([
    ['po', 'pods'],
    ['pod', 'pods'],
    ['deploy', 'deployments.apps'],
    ['deployments', 'deployments.apps'],
    ['svc', 'services'],
    ['cm', 'configmaps'],
    ['secret', 'secrets'],
    ['sa', 'serviceaccounts'],
    ['ing', 'ingresses.networking.k8s.io'],
    ['sts', 'statefulsets.apps'],
    ['ds', 'daemonsets.apps'],
    ['rs', 'replicasets.apps'],
    ['job', 'jobs.batch'],
    ['cj', 'cronjobs.batch'],
    ['hpa', 'horizontalpodautoscalers.autoscaling'],
    ['pvc', 'persistentvolumeclaims'],
    ['ev', 'events'],
    ['ep', 'endpoints'],
    ['rolebinding', 'rolebindings.rbac.authorization.k8s.io'],
    ['netpol', 'networkpolicies.networking.k8s.io'],
    ['pdb', 'poddisruptionbudgets.policy'],
    ['limits', 'limitranges'],
    ['quota', 'resourcequotas'],
    ['leases', 'leases.coordination.k8s.io'],
  ])('resolves %s to the namespaced %s', (typed, resolved) => {
    expect(specOf(`get ${typed}`)).toEqual({
      resourceAttributes: { verb: 'get', ...resourceAndGroup(resolved), namespace: 'ci' },
    });
  });

  it.each([
    ['ns', 'namespaces'],
    ['pv', 'persistentvolumes'],
    ['no', 'nodes'],
    ['clusterrole', 'clusterroles.rbac.authorization.k8s.io'],
    ['clusterrolebindings', 'clusterrolebindings.rbac.authorization.k8s.io'],
    ['crd', 'customresourcedefinitions.apiextensions.k8s.io'],
    ['sc', 'storageclasses.storage.k8s.io'],
  ])('resolves %s to the cluster-scoped %s, without a namespace', (typed, resolved) => {
    expect(specOf(`list ${typed}`)).toEqual({
      resourceAttributes: { verb: 'list', ...resourceAndGroup(resolved) },
    });
  });

  it.each([
    ['deploy.example.com', 'deploy', 'example.com'],
    ['pods.metrics.k8s.io', 'pods', 'metrics.k8s.io'],
  ])('leaves %s alone when it names a group', (typed, resource, group) => {
    expect(specOf(`get ${typed}`)).toEqual({
      resourceAttributes: { verb: 'get', resource, group, namespace: 'ci' },
    });
  });

  it('returns no checks for empty input, blank lines and comments', () => {
    expect(parseAccessChecks('', 'ci')).toEqual([]);
    expect(parseAccessChecks('\n  \n# only a comment\n  # another\n-\n', 'ci')).toEqual([]);
  });

  it('keeps each line as written, without the list dash or a trailing comment', () => {
    const checks = parseAccessChecks(
      '  - create deployments.apps -n prod   # release\r\n\n get /healthz \n',
      'ci',
    );
    expect(checks.map((c) => c.line)).toEqual(['create deployments.apps -n prod', 'get /healthz']);
  });

  it('keeps the first of several lines that ask the same thing, in order', () => {
    const checks = parseAccessChecks(
      ['get pods', 'list secrets', 'get po', 'get pods -n ci', 'get pods -n prod'].join('\n'),
      'ci',
    );
    expect(checks.map((c) => c.line)).toEqual(['get pods', 'list secrets', 'get pods -n prod']);
  });

  it('uses the default namespace when the context has none', () => {
    expect(parseAccessChecks('get pods', '')[0]?.spec).toEqual({
      resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' },
    });
  });

  it('accepts 100 checks', () => {
    const raw = Array.from({ length: 100 }, (_, i) => `get configmaps cm-${i}`).join('\n');
    expect(parseAccessChecks(raw, 'ci')).toHaveLength(100);
  });

  it('counts repeated lines once towards the limit', () => {
    const raw = Array.from({ length: 150 }, () => 'get pods').join('\n');
    expect(parseAccessChecks(raw, 'ci')).toHaveLength(1);
  });

  it('refuses more than 100 checks', () => {
    const raw = Array.from({ length: 101 }, (_, i) => `get configmaps cm-${i}`).join('\n');
    expect(errorOf(raw).message).toBe('input "can-i" has 101 checks; at most 100 are allowed');
  });

  it.each([
    ['create', 'line 1 "create" has no resource'],
    ['-n prod', 'line 1 "-n prod" has no verb'],
    ['get pods -n', 'line 1 "get pods -n" has -n without a namespace'],
    ['get pods --namespace=', 'has --namespace without a namespace'],
    ['get pods -n -A', 'has -n without a namespace'],
    ['get pods -n Prod_1', 'has namespace "Prod_1", which is not a valid namespace name'],
    ['get pods -n prod -n dev', 'gives the namespace twice'],
    ['get pods -A -n x', 'line 1 "get pods -A -n x" gives both a namespace and -A'],
    ['get pods --all-namespaces=true', 'has "--all-namespaces=true", but --all-namespaces takes'],
    ['get /healthz -n x', 'line 1 "get /healthz -n x" gives a namespace with a non-resource URL'],
    ['get /healthz -A', 'gives -A with a non-resource URL'],
    ['get /healthz web', 'gives a name ("web") with a non-resource URL'],
    ['get /healthz --subresource=log', 'gives a subresource with a non-resource URL'],
    ['get pods --watch', 'line 1 "get pods --watch" has unknown flag "--watch"'],
    ['get pods -o=yaml', 'has unknown flag "-o"'],
    ['get pods a b', 'line 1 "get pods a b" has more than one name ("a", "b")'],
    ['get pods a/b', 'has name "a/b" with a slash'],
    ['Get Pods', 'line 1 "Get Pods" has verb "Get" with capitals'],
    ['pods.apps get', 'has "pods.apps" where the verb goes'],
    ['get/list pods', 'has "get/list" where the verb goes'],
    ['get pods_x', 'has "pods_x" where the resource goes'],
    ['get pods.', 'has "pods." whose group "" is not a valid API group'],
    ['get .apps', 'has ".apps" where the resource goes'],
    ['get pods.apps_x', 'whose group "apps_x" is not a valid API group'],
    ['get jobs.batch/bar', 'has "jobs.batch/bar", and "bar" is not a known subresource'],
    ['get pods/', 'has "pods/" with more than one slash or an empty subresource'],
    ['get pods/log/x', 'with more than one slash'],
    ['get pods/log --subresource=exec', 'gives a subresource twice'],
    ['get pods --subresource', 'has --subresource without a value'],
    ['get pods --subresource=Log', 'has subresource "Log", which is not a lowercase word'],
    ['create pods --subresource=a --subresource=b', 'gives --subresource twice'],
  ])('refuses "%s"', (raw, problem) => {
    const err = errorOf(raw);
    expect(err.input).toBe('can-i');
    expect(err.message).toContain(problem);
    expect(err.hint).not.toBe('');
  });

  it('names the line number as the user counts lines, blank lines and comments included', () => {
    expect(errorOf('# checks\nget pods\n\ncreate').message).toBe(
      'input "can-i" line 4 "create" has no resource',
    );
  });

  it.each([
    ['create', 'VERB RESOURCE[.GROUP]'],
    ['Get pods', 'write "get"'],
    ['get jobs.batch/bar -n foo', '"get jobs.batch bar -n foo"'],
    ['get pods -n Prod_1', 'at most 63 characters'],
  ])('tells how to fix "%s"', (raw, hint) => {
    expect(errorOf(raw).hint).toContain(hint);
  });
});

describe('formatAccessCheck', () => {
  it.each<[AccessCheckSpec, string]>([
    [
      {
        resourceAttributes: {
          verb: 'create',
          resource: 'deployments',
          group: 'apps',
          namespace: 'prod',
        },
      },
      'create deployments.apps -n prod',
    ],
    [{ resourceAttributes: { verb: 'list', resource: 'pods' } }, 'list pods -A'],
    [{ resourceAttributes: { verb: 'list', resource: 'nodes' } }, 'list nodes'],
    [
      {
        resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'ci' },
      },
      'get pods/log -n ci',
    ],
    [
      {
        resourceAttributes: {
          verb: 'get',
          resource: 'virtualmachineinstances',
          group: 'subresources.kubevirt.io',
          subresource: 'console',
          namespace: 'ci',
        },
      },
      'get virtualmachineinstances.subresources.kubevirt.io --subresource=console -n ci',
    ],
    [{ nonResourceAttributes: { verb: 'get', path: '/healthz' } }, 'get /healthz'],
  ])('writes %o as "%s"', (spec, line) => {
    expect(formatAccessCheck(spec)).toBe(line);
  });

  it.each([
    'create deployments.apps -n prod',
    'get secrets',
    'list pods --all-namespaces',
    'get pods/log -n ci',
    'create pods --subresource=exec',
    'get deployment web',
    'list nodes',
    'list nodes -n prod',
    'get namespaces prod',
    'get /healthz',
    '* *.*',
    '* *',
    '- update configmaps app-config',
    'get vmi.subresources.kubevirt.io web --subresource=vnc',
    'bind clusterroles system:auth-delegator',
  ])('writes a line that reads back as the same check as "%s"', (line) => {
    const spec = specOf(line);
    expect(specOf(formatAccessCheck(spec))).toEqual(spec);
  });
});
