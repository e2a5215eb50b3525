import * as core from '@actions/core';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  ClusterError,
  describeError,
  InputError,
  KubeConnectError,
  quoteServerText,
  scrubSecrets,
} from './errors.js';
import {
  readTextFileIfExists,
  readTextFile,
  removeFile,
  uniqueKubeconfigPath,
  writeSecretFile,
} from './files.js';
import { formatDuration } from './inputs/duration.js';
import { parseInputs, type ActionConfig, type RawInputs } from './inputs/index.js';
import { buildKubeconfig, kubeconfigSpec } from './kubeconfig.js';
import { kubeconfigNames, mergedKubeconfigList, nameClashes } from './merge.js';
import { ACTION_NAME, Input, KUBECONFIG_ENV, Output, SERVICE_ACCOUNT_DIR, State } from './names.js';
import { verifyAccess, type ProbeResult } from './probe.js';
import { isSocksWithCredentials, proxyForUrl, redactProxyUrl } from './proxy-env.js';
import {
  deniedError,
  describeCertificateAuthority,
  describeToken,
  failureMarkdown,
  summaryMarkdown,
} from './report.js';
import { expiredNote, lifetimeAdvice, readTokenClaims, type TokenClaims } from './token-claims.js';

/** What the entry point may change; a workflow changes none of it. */
export interface RunOptions {
  /** Where in-cluster mode reads the pod's service account (tests only). */
  readonly serviceAccountDir?: string | undefined;
}

/**
 * The main step: read and mask the inputs, build the kubeconfig, prove it against the API
 * server, then write it, export it and report. Every failure leaves through one funnel:
 * one `::error::` line, no kubeconfig on disk, KUBECONFIG not exported.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  const secrets: string[] = [];
  let known: { config: ActionConfig; claims: TokenClaims | undefined } | undefined;
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
    const config = parseInputs(raw, {
      readFile: readTextFile,
      podEnvironment: {
        KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST,
        KUBERNETES_SERVICE_PORT: process.env.KUBERNETES_SERVICE_PORT,
      },
      serviceAccountDir: options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
    });
    mask(config.secrets);
    const environmentProxy =
      config.proxyUrl === undefined ? proxyForUrl(config.server.url, process.env) : undefined;
    if (environmentProxy !== undefined) mask(redactProxyUrl(environmentProxy).secrets);

    logPlan(config, environmentProxy);
    const claims = config.token.kind === 'jwt' ? readTokenClaims(config.token.value) : undefined;
    known = { config, claims };
    adviseOnLifetime(claims, config);
    if (config.validate) assertUsableEnvironmentProxy(environmentProxy);
    const previous = config.merge ? kubeconfigsInUse(config.context) : [];

    const kubeconfig = buildKubeconfig(kubeconfigSpec(config));
    const result = config.validate
      ? await verify(kubeconfig, config, claims, environmentProxy)
      : undefined;
    const path = config.kubeconfigPath ?? uniqueKubeconfigPath(runnerTemp());
    writeSecretFile(path, kubeconfig);
    try {
      await publish({ config, result, claims, path, previous });
    } catch (err) {
      removeFile(path);
      throw err;
    }
  } catch (err) {
    if (err instanceof Error && err.stack !== undefined)
      core.debug(scrubSecrets(err.stack, secrets));
    const line = `${ACTION_NAME}: ${describeError(err, secrets)}`;
    core.setFailed(line);
    // A denied can-i check already wrote its summary, with the table of checks.
    const denied = err instanceof KubeConnectError && err.kind === 'denied';
    if (known && !denied) await reportFailure(known.config, known.claims, line);
  }
}

/** Outputs and a summary for a failed step: what failed, and what is known of the token. */
async function reportFailure(
  config: ActionConfig,
  claims: TokenClaims | undefined,
  line: string,
): Promise<void> {
  try {
    core.setOutput(Output.tokenExpiresAt, rfc3339(claims?.expiresAt));
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(failureMarkdown({ config, claims, now: Date.now() }, line)).write();
  } catch (err) {
    core.debug(`could not write the failure summary: ${String(err)}`);
  }
}

/**
 * An environment proxy the validation cannot use the way kubectl will is refused rather than
 * checked differently: client-node does not log in to SOCKS5 proxies.
 */
function assertUsableEnvironmentProxy(proxy: string | undefined): void {
  if (proxy === undefined || !isSocksWithCredentials(proxy)) return;
  throw new KubeConnectError(
    'proxy',
    `HTTPS_PROXY/HTTP_PROXY names a SOCKS5 proxy with credentials (${redactProxyUrl(proxy).shown}), which the validation cannot use`,
    'Use an HTTP(S) proxy for credentials, add the API server to NO_PROXY, or set validate: false',
  );
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

function logPlan(config: ActionConfig, environmentProxy: string | undefined): void {
  core.info(
    `Server: ${config.server.url}${config.server.from === 'pod' ? ' (from the pod environment)' : ''}`,
  );
  core.info(`Token: ${describeToken(config)}`);
  core.info(`Certificate authority: ${describeCertificateAuthority(config)}`);
  if (config.insecureSkipTlsVerify) {
    core.warning(
      "insecure-skip-tls-verify is true: the server's certificate is not verified, so anyone between the runner and the cluster can read the token. Give the cluster CA instead.",
    );
  }
  if (config.tlsServerName !== undefined) core.info(`TLS server name: ${config.tlsServerName}`);
  if (config.proxyUrl !== undefined) core.info(`Proxy: ${redactProxyUrl(config.proxyUrl).shown}`);
  if (environmentProxy !== undefined) {
    core.info(
      `Proxy: ${redactProxyUrl(environmentProxy).shown} (from HTTPS_PROXY/HTTP_PROXY, as kubectl will use it)`,
    );
  }
  core.info(`Context: ${config.context}, namespace: ${config.namespace}`);
}

function adviseOnLifetime(claims: TokenClaims | undefined, config: ActionConfig): void {
  if (config.token.file !== undefined) {
    // The kubelet rotates a pod's token and kubectl re-reads the file: its expiry is not the end.
    if (claims?.expiresAt !== undefined) {
      core.info(
        `The pod's token expires at ${rfc3339(claims.expiresAt)}; the kubelet rotates it before then, and kubectl re-reads the file`,
      );
    }
    return;
  }
  const advice = lifetimeAdvice(claims, Date.now());
  if (advice?.level === 'warning') core.warning(advice.text);
  if (advice?.level === 'notice') core.notice(advice.text);
}

/**
 * The kubeconfig files later steps already use (KUBECONFIG, else ~/.kube/config), checked for
 * names the new context would clash with.
 * @throws InputError naming the clash
 */
function kubeconfigsInUse(context: string): string[] {
  const listed = (process.env[KUBECONFIG_ENV] ?? '').split(delimiter).filter((p) => p !== '');
  const paths = listed.length > 0 ? listed : [join(homedir(), '.kube', 'config')];
  const existing = paths.flatMap((path) => {
    const text = readTextFileIfExists(path);
    return text === undefined ? [] : [{ path, names: kubeconfigNames(path, text) }];
  });
  const clashes = nameClashes(
    existing.map((e) => e.names),
    context,
  );
  if (clashes.length > 0) {
    throw new InputError(
      Input.context,
      `is "${context}", which the kubeconfig in use already defines (${clashes.join(', ')})`,
      'With merge: true, give each cluster its own context name (e.g. context: staging), so the earlier one stays usable with --context',
    );
  }
  return existing.map((e) => e.path);
}

async function verify(
  kubeconfig: string,
  config: ActionConfig,
  claims: TokenClaims | undefined,
  environmentProxy: string | undefined,
): Promise<ProbeResult> {
  const wait = config.waitMs > 0 ? `, retrying for up to ${formatDuration(config.waitMs)}` : '';
  core.info(
    `Verifying with the API server (timeout ${formatDuration(config.timeoutMs)} per request${wait})…`,
  );
  let result: ProbeResult;
  try {
    result = await verifyAccess(kubeconfig, {
      timeoutMs: config.timeoutMs,
      waitMs: config.waitMs,
      checks: config.checks,
      environmentProxy,
      secrets: config.secrets,
      readFile: readTextFile,
      log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
    });
  } catch (err) {
    const expired = expiredNote(claims, Date.now());
    if (err instanceof ClusterError && err.kind === 'unauthorized' && expired !== undefined) {
      throw err.with({ message: `${err.message}: ${expired}` });
    }
    throw err;
  }
  // Everything below came from the server: one line each, never a workflow command.
  core.info(`Server version: ${quoteServerText(result.serverVersion)}`);
  const { username, groups } = result.identity;
  core.info(
    username !== undefined
      ? `Authenticated as ${quoteServerText(username)} (groups: ${quoteServerText(groups.join(', ')) || 'unknown'})`
      : 'Authenticated (identity unknown)',
  );
  for (const { check, allowed, reason } of result.access) {
    core.info(
      `can-i ${check.line}: ${allowed ? 'yes' : 'no'}${reason ? ` (${quoteServerText(reason)})` : ''}`,
    );
  }
  const denied = deniedError(result);
  if (denied) {
    // The step fails, but what was learned is still output: allowed=false for
    // continue-on-error jobs, and the summary's table of checks.
    setVerdictOutputs(result, claims);
    await writeSummary({ config, result, claims, path: undefined, previous: [] });
    throw denied;
  }
  return result;
}

/** The outputs that describe the verdict (identity, version, token expiry, can-i). */
function setVerdictOutputs(result: ProbeResult | undefined, claims: TokenClaims | undefined): void {
  core.setOutput(Output.username, result?.identity.username ?? '');
  core.setOutput(Output.groups, result?.identity.groups.join(',') ?? '');
  core.setOutput(Output.serverVersion, result?.serverVersion ?? '');
  core.setOutput(Output.tokenExpiresAt, rfc3339(claims?.expiresAt));
  core.setOutput(Output.allowed, result ? String(result.access.every((a) => a.allowed)) : '');
}

interface Publication {
  readonly config: ActionConfig;
  readonly result: ProbeResult | undefined;
  readonly claims: TokenClaims | undefined;
  readonly path: string | undefined;
  readonly previous: readonly string[];
}

async function publish(p: Publication & { readonly path: string }): Promise<void> {
  const { config, result, claims, path } = p;
  core.saveState(State.kubeconfigPath, path);
  core.saveState(State.cleanup, String(config.cleanup));
  core.info(`Wrote kubeconfig ${path} (mode 0600)`);
  core.setOutput(Output.kubeconfig, path);
  core.setOutput(Output.context, config.context);
  core.setOutput(Output.namespace, config.namespace);
  setVerdictOutputs(result, claims);
  await writeSummary(p);
  if (config.exportKubeconfig) {
    const value = config.merge ? mergedKubeconfigList(path, p.previous, delimiter) : path;
    core.exportVariable(KUBECONFIG_ENV, value);
    core.info(
      config.merge && p.previous.length > 0
        ? `Exported ${KUBECONFIG_ENV}=${value}: context ${config.context} is current, the earlier contexts stay usable with --context`
        : `Exported ${KUBECONFIG_ENV} for the following steps`,
    );
  }
  if (!config.validate) {
    core.warning(
      'validate is false: the kubeconfig was written without checking that the token works',
    );
  }
}

async function writeSummary(p: Publication): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addRaw(
      summaryMarkdown({
        config: p.config,
        result: p.result,
        claims: p.claims,
        kubeconfigPath: p.path,
        now: Date.now(),
      }),
    )
    .write();
}

function rfc3339(date: Date | undefined): string {
  return date === undefined ? '' : date.toISOString().replace(/\.000Z$/, 'Z');
}
