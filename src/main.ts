import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { describeError, scrubSecrets } from './errors.js';
import { readTextFile, removeFile, uniqueKubeconfigPath, writeSecretFile } from './files.js';
import { formatDuration } from './inputs/duration.js';
import { parseInputs, type ActionConfig, type RawInputs } from './inputs/index.js';
import { buildKubeconfig } from './kubeconfig.js';
import { ACTION_NAME, Input, KUBECONFIG_ENV, Output, State } from './names.js';
import { verifyAccess, type ClusterIdentity } from './probe.js';
import { describeCertificateAuthority, describeToken, summaryMarkdown } from './report.js';

/**
 * The main step: read and mask the inputs, build the kubeconfig, prove it against the API
 * server, then write it, export it and report. Every failure leaves through one funnel:
 * one `::error::` line, no kubeconfig on disk, KUBECONFIG not exported.
 */
export async function run(): Promise<void> {
  const secrets: string[] = [];
  const mask = (values: readonly string[]): void => {
    for (const value of values) {
      if (value !== '' && !secrets.includes(value)) {
        core.setSecret(value);
        secrets.push(value);
      }
    }
  };
  try {
    const raw = readInputs();
    mask([raw[Input.token].trim()]);
    const config = parseInputs(raw, { readFile: readTextFile });
    mask(config.secrets);

    logPlan(config);
    const kubeconfig = buildKubeconfig({ ...config, token: config.token.value });
    const identity = config.validate ? await verify(kubeconfig, config) : undefined;
    const path = config.kubeconfigPath ?? uniqueKubeconfigPath(runnerTemp());
    writeSecretFile(path, kubeconfig);
    try {
      await publish(config, identity, path);
    } catch (err) {
      removeFile(path);
      throw err;
    }
  } catch (err) {
    if (err instanceof Error && err.stack !== undefined)
      core.debug(scrubSecrets(err.stack, secrets));
    core.setFailed(`${ACTION_NAME}: ${describeError(err, secrets)}`);
  }
}

/** RUNNER_TEMP on a runner (emptied after every job); the OS temp dir in a local run. */
function runnerTemp(): string {
  const dir = process.env.RUNNER_TEMP;
  return dir !== undefined && dir !== '' ? dir : tmpdir();
}

function readInputs(): RawInputs {
  const raw = {} as Record<string, string>;
  for (const name of Object.values(Input)) {
    raw[name] = core.getInput(name);
  }
  return raw as RawInputs;
}

function logPlan(config: ActionConfig): void {
  core.info(`Server: ${config.server.url}`);
  core.info(`Token: ${describeToken(config)}`);
  core.info(`Certificate authority: ${describeCertificateAuthority(config)}`);
  core.info(`Context: ${config.context}, namespace: ${config.namespace}`);
}

async function verify(kubeconfig: string, config: ActionConfig): Promise<ClusterIdentity> {
  core.info(
    `Verifying the token with the API server (timeout ${formatDuration(config.timeoutMs)} per request)…`,
  );
  const identity = await verifyAccess(kubeconfig, { timeoutMs: config.timeoutMs });
  core.info(`Server version: ${identity.serverVersion}`);
  core.info(
    `Authenticated as ${identity.username} (groups: ${identity.groups.join(', ') || 'none'})`,
  );
  return identity;
}

async function publish(
  config: ActionConfig,
  identity: ClusterIdentity | undefined,
  path: string,
): Promise<void> {
  core.saveState(State.kubeconfigPath, path);
  core.saveState(State.cleanup, String(config.cleanup));
  core.info(`Wrote kubeconfig ${path} (mode 0600)`);
  core.setOutput(Output.kubeconfig, path);
  core.setOutput(Output.context, config.context);
  core.setOutput(Output.namespace, config.namespace);
  core.setOutput(Output.username, identity?.username ?? '');
  core.setOutput(Output.groups, identity?.groups.join(',') ?? '');
  core.setOutput(Output.serverVersion, identity?.serverVersion ?? '');
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(summaryMarkdown({ config, identity, kubeconfigPath: path })).write();
  }
  if (config.exportKubeconfig) {
    core.exportVariable(KUBECONFIG_ENV, path);
    core.info(`Exported ${KUBECONFIG_ENV} for the following steps`);
  }
  if (!config.validate) {
    core.warning(
      'validate is false: the kubeconfig was written without checking that the token works',
    );
  }
}
