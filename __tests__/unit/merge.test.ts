import { describe, expect, it } from 'vitest';
import { kubeconfigNames, mergedKubeconfigList, nameClashes } from '../../src/merge.js';

const text = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: https://a}
users:
- name: deployer
  user: {token: x}
contexts:
- name: prod
  context: {cluster: prod, user: deployer}
current-context: prod
`;

describe('kubeconfigNames', () => {
  it('reads cluster, user and context names from YAML or JSON', () => {
    expect(kubeconfigNames('/k', text)).toEqual({
      path: '/k',
      clusters: ['prod'],
      users: ['deployer'],
      contexts: ['prod'],
    });
    expect(
      kubeconfigNames('/j', JSON.stringify({ contexts: [{ name: 'a' }, { nameless: true }] }))
        .contexts,
    ).toEqual(['a']);
    expect(kubeconfigNames('/e', '')).toEqual({
      path: '/e',
      clusters: [],
      users: [],
      contexts: [],
    });
  });
});

describe('nameClashes', () => {
  it('names every entry the new context, cluster and user would collide with', () => {
    const existing = [kubeconfigNames('/k', text)];
    expect(nameClashes(existing, 'prod')).toEqual(['context "prod" in /k', 'cluster "prod" in /k']);
    expect(nameClashes(existing, 'deployer')).toEqual(['user "deployer" in /k']);
    expect(nameClashes(existing, 'staging')).toEqual([]);
  });
});

describe('mergedKubeconfigList', () => {
  it('puts the new file first so its current-context wins, and keeps the others in order', () => {
    expect(mergedKubeconfigList('/new', ['/a', '', '/b'], ':')).toBe('/new:/a:/b');
    expect(mergedKubeconfigList('/new', [], ';')).toBe('/new');
  });
});
