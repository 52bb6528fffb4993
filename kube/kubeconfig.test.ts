import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KubeClient } from './client.ts';
import { loadCredentials } from './kubeconfig.ts';
import { parseYamlOnDemand } from './yaml-on-demand.ts';

function kubeconfig(user: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:6443' } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u', namespace: 'team-a' } }],
  }));
  return file;
}

test('the context gives the server, the namespace and a static token', async () => {
  const creds = await loadCredentials({ kubeconfig: kubeconfig({ token: 't0ken' }) }, parseYamlOnDemand);
  assert.is(creds.server, 'https://127.0.0.1:6443');
  assert.is(creds.namespace, 'team-a');
  assert.equal(await new KubeClient(creds).authHeaders(), { authorization: 'Bearer t0ken' });
});

test('impersonation in the kubeconfig becomes Impersonate-* headers, as kubectl sends them', async () => {
  const creds = await loadCredentials({ kubeconfig: kubeconfig({ token: 't', as: 'jane', 'as-groups': ['oncall', 'dev'], 'as-uid': '42', 'as-user-extra': { scopes: ['view'] } }) }, parseYamlOnDemand);
  const headers = await new KubeClient(creds).authHeaders();
  assert.is(headers['impersonate-user'], 'jane');
  assert.equal(headers['impersonate-group'], ['oncall', 'dev']);
  assert.is(headers['impersonate-uid'], '42');
  assert.equal(headers['impersonate-extra-scopes'], ['view']);
});

test('a context that does not exist is named in the error', async () => {
  const err = await loadCredentials({ kubeconfig: kubeconfig({}), context: 'prod' }, parseYamlOnDemand).catch((e: Error) => e);
  assert.match(String(err), /context "prod" not found/);
});

test('a YAML kubeconfig, as kubectl writes it by default, reads the same as JSON', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    'clusters:', '- name: k', '  cluster:', '    server: https://127.0.0.1:6443',
    'users:', '- name: u', '  user:', '    token: y4ml',
    'contexts:', '- name: c', '  context: {cluster: k, user: u, namespace: team-b}', '',
  ].join('\n'));
  const creds = await loadCredentials({ kubeconfig: file }, parseYamlOnDemand);
  assert.is(creds.server, 'https://127.0.0.1:6443');
  assert.is(creds.namespace, 'team-b');
  assert.equal(await new KubeClient(creds).authHeaders(), { authorization: 'Bearer y4ml' });
});

test.run();
