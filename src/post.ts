import * as core from '@actions/core';
import { quoteServerText } from './errors.js';
import { removeFile } from './files.js';
import { ACTION_NAME, State } from './names.js';

/**
 * The post step: remove the kubeconfig the main step wrote (only that path, from state).
 * It runs after failed jobs too, and never fails the job: a problem is a warning.
 */
export function runPost(): void {
  const path = core.getState(State.kubeconfigPath);
  if (path === '') {
    core.info('Nothing to clean up: the main step wrote no kubeconfig.');
    return;
  }
  if (core.getState(State.cleanup) === 'false') {
    core.info(`Leaving kubeconfig ${path} in place (cleanup: false).`);
    return;
  }
  try {
    const removed = removeFile(path);
    core.info(removed ? `Removed kubeconfig ${path}` : `Kubeconfig ${path} was already removed.`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? quoteServerText(String(err));
    core.warning(
      `${ACTION_NAME}: could not remove kubeconfig ${path} (${code}). Remove it in a later step (rm -f "${path}"), especially on a self-hosted runner.`,
    );
  }
}
