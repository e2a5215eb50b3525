/**
 * Runs the built action (dist/) locally the way a GitHub runner does, against a local HTTPS
 * server that behaves like kube-apiserver, and prints what a user would see in the job log.
 *
 *   npm run local                       # a successful connection, a later kubectl step, cleanup
 *   npm run local -- --scenario NAME    # one failure: see --help for the names
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  closedPort,
  makeServiceAccountToken,
  startApiServer,
  unknownToken,
  type FakeApiServer,
} from '../__tests__/fixtures/apiserver.ts';
import { Job, runCommand, type StepResult } from '../__tests__/fixtures/runner.ts';
import { generateTls, type TlsMaterial } from '../__tests__/fixtures/tls.ts';
import { isolatedToolEnv, kubectlPath, SCRATCH_ENV } from '../__tests__/fixtures/tools.ts';

type Inputs = Record<string, string>;
interface Scenario {
  about: string;
  prepare: (ctx: {
    server: FakeApiServer;
    tls: TlsMaterial;
    inputs: Inputs;
  }) => Promise<Inputs> | Inputs;
}

const SCENARIOS: Record<string, Scenario> = {
  ok: {
    about: 'a working token: outputs, a later kubectl step, the post step',
    prepare: ({ inputs }) => inputs,
  },
  'bad-token': {
    about: 'a token the server rejects (401)',
    prepare: ({ inputs }) => ({ ...inputs, token: unknownToken() }),
  },
  'wrong-ca': {
    about: 'the CA of another cluster',
    prepare: ({ inputs, tls }) => ({ ...inputs, 'certificate-authority': tls.otherCa.cert }),
  },
  refused: {
    about: 'nothing listens on the port',
    prepare: async ({ inputs }) => ({
      ...inputs,
      server: `https://127.0.0.1:${await closedPort()}`,
    }),
  },
  dns: {
    about: 'a host name that does not exist',
    prepare: ({ inputs }) => ({ ...inputs, server: 'https://does-not-exist.invalid:6443' }),
  },
  forbidden: {
    about: 'RBAC that denies the SelfSubjectReview (403)',
    prepare: ({ inputs, server }) => {
      server.set({ ssr: 'forbidden' });
      return inputs;
    },
  },
  'not-kubernetes': {
    about: 'a URL that serves a web page, not the API',
    prepare: ({ inputs, server }) => {
      server.set({ html: true });
      return inputs;
    },
  },
  denied: {
    about: 'a can-i check the identity is not allowed',
    prepare: ({ inputs }) => ({
      ...inputs,
      'can-i': 'list pods\ncreate deployments.apps\nget secrets',
    }),
  },
  restarting: {
    about: 'a control plane that answers 503 three times, retried within wait',
    prepare: ({ inputs, server }) => {
      server.set({ failFirst: { count: 3, status: 503, body: 'status', retryAfter: 1 } });
      return inputs;
    },
  },
  'bad-input': {
    about: 'an http:// URL to a remote host',
    prepare: ({ inputs }) => ({ ...inputs, server: 'http://203.0.113.10:6443' }),
  },
};

/** Scenarios whose step should succeed; the others show a failure, which is their success. */
const SUCCEEDS = new Set(['ok', 'restarting']);

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'ok' },
    help: { type: 'boolean', default: false },
  },
});
const scenario = SCENARIOS[values.scenario];
if (values.help || scenario === undefined) {
  console.log('Usage: npm run local [-- --scenario NAME]\n\nScenarios:');
  for (const [name, s] of Object.entries(SCENARIOS)) console.log(`  ${name.padEnd(16)} ${s.about}`);
  process.exit(values.help ? 0 : 2);
}

const work = mkdtempSync(join(tmpdir(), 'kube-connect-local-'));
process.env[SCRATCH_ENV] = work; // the simulated job's files go here too, and go away at the end
const tls = generateTls(join(work, 'tls'));
const { token, identity } = makeServiceAccountToken('ci', 'deployer', {
  expirationSeconds: 4 * 3600,
});
const server = await startApiServer({
  tls,
  tokens: { [token]: { ...identity, allow: ['get,list pods ci'] } },
});

try {
  console.log(
    `▶ A kube-apiserver stand-in listens at ${server.url} (TLS from a CA generated just now).`,
  );
  console.log(`▶ Scenario "${values.scenario}": ${scenario.about}.`);
  const inputs = await scenario.prepare({
    server,
    tls,
    inputs: { server: server.url, token, 'certificate-authority': tls.ca.cert, namespace: 'ci' },
  });
  console.log('▶ The step, as a workflow would write it:\n');
  console.log(
    `    - uses: <owner>/kube-connect@v1\n      with:\n        server: ${inputs.server}\n        token: \${{ secrets.KUBE_TOKEN }}\n        certificate-authority: \${{ secrets.KUBE_CA }}\n        namespace: ci\n`,
  );

  const job = new Job();
  const main = await job.main(inputs);
  show('main step', main);
  if (main.exitCode === 0) {
    console.log('▶ Outputs:');
    for (const [name, value] of Object.entries(main.outputs)) console.log(`    ${name} = ${value}`);
    console.log(
      `▶ Exported for later steps: ${Object.entries(main.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}\n`,
    );
    const home = join(work, 'home');
    mkdirSync(home);
    const env = { ...isolatedToolEnv(home), ...main.env };
    for (const args of [
      ['auth', 'whoami'],
      ['get', 'pods'],
    ]) {
      const result = await runCommand(kubectlPath(), args, env);
      console.log(`▶ A later step runs: kubectl ${args.join(' ')}`);
      console.log(indent(result.stdout + result.stderr));
    }
  }
  show('post step', await job.post(main));
  process.exitCode = SUCCEEDS.has(values.scenario)
    ? (main.exitCode ?? 1)
    : main.exitCode === 1
      ? 0
      : 1;
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

/** Prints a step's log as the runner displays it: commands applied, masked values as ***. */
function show(title: string, step: StepResult): void {
  const masks: string[] = [];
  const lines: string[] = [];
  for (const line of step.stdout.split('\n')) {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!command) {
      if (line !== '') lines.push(line);
      continue;
    }
    const [, name, text = ''] = command;
    const shown = text.replaceAll('%0A', '\n').replaceAll('%0D', '\r').replaceAll('%25', '%');
    if (name === 'add-mask') masks.push(shown);
    else if (name === 'error') lines.push(`Error: ${shown}`);
    else if (name === 'warning') lines.push(`Warning: ${shown}`);
    else if (name === 'notice') lines.push(`Notice: ${shown}`);
  }
  let text = lines.join('\n');
  for (const mask of masks.sort((a, b) => b.length - a.length)) text = text.replaceAll(mask, '***');
  console.log(`▶ The ${title} log (exit code ${step.exitCode}):`);
  console.log(indent(text + (step.stderr ? `\n${step.stderr}` : '')));
}

function indent(text: string): string {
  return `${text.trimEnd().replace(/^/gm, '    ')}\n`;
}
