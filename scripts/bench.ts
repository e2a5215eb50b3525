/**
 * Measures the built action's main step as a runner runs it, against the local kube-apiserver
 * stand-in: wall time and peak memory (max RSS) over several runs, checked against targets.
 * Numbers vary with the machine; this is the place to watch them, never the tests.
 *
 *   npm run bench [-- --runs 15]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeServiceAccountToken, startApiServer } from '../__tests__/fixtures/apiserver.ts';
import { ROOT } from '../__tests__/fixtures/runner.ts';
import { generateTls } from '../__tests__/fixtures/tls.ts';

/** Targets for one main step on a runner-sized machine (2 cores). */
const TARGETS = { medianMs: 2_000, p95Ms: 4_000, maxRssMb: 250 };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Math.max(1, Number(values.runs));
const work = mkdtempSync(join(tmpdir(), 'kube-connect-bench-'));
const tls = generateTls(join(work, 'tls'));
const { token, identity } = makeServiceAccountToken('ci', 'deployer', {
  expirationSeconds: 4 * 3600,
});
const server = await startApiServer({
  tls,
  tokens: { [token]: { ...identity, allow: ['list pods ci'] } },
});
// Reports the child's peak memory when it exits.
const probe = join(work, 'rss.mjs');
writeFileSync(
  probe,
  "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
);

const times: number[] = [];
const rss: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(work, 'run-'));
    const files = Object.fromEntries(
      ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map((k) => {
        writeFileSync(join(dir, k), '');
        return [k, join(dir, k)];
      }),
    );
    const env = {
      PATH: process.env.PATH ?? '',
      RUNNER_TEMP: dir,
      BENCH_RSS_FILE: join(dir, 'rss'),
      INPUT_SERVER: server.url,
      INPUT_TOKEN: token,
      'INPUT_CERTIFICATE-AUTHORITY': tls.ca.cert,
      INPUT_NAMESPACE: 'ci',
      'INPUT_CAN-I': 'list pods',
      ...files,
    };
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', probe, join(ROOT, 'dist/main/index.js')], {
        env,
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    times.push(performance.now() - started);
    if (code !== 0) throw new Error(`run ${i + 1} exited ${code}`);
    rss.push(Number(readFileSync(join(dir, 'rss'), 'utf8')) / 1024);
  }
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

const sorted = [...times].sort((a, b) => a - b);
const at = (q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const result = {
  runs,
  medianMs: Math.round(at(0.5)),
  p95Ms: Math.round(at(0.95)),
  maxRssMb: Math.round(Math.max(...rss)),
};
const checks = [
  ['median wall time', result.medianMs, TARGETS.medianMs, 'ms'],
  ['p95 wall time', result.p95Ms, TARGETS.p95Ms, 'ms'],
  ['peak memory (max RSS)', result.maxRssMb, TARGETS.maxRssMb, 'MB'],
] as const;
console.log(
  `kube-connect main step, ${runs} runs against the local API server (validate + 1 can-i check):`,
);
let failed = false;
for (const [name, value, target, unit] of checks) {
  const ok = value <= target;
  failed ||= !ok;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${value} ${unit} (target ≤ ${target} ${unit})`);
}
process.exitCode = failed ? 1 : 0;
