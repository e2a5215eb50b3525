// Builds the two committed bundles the runner executes: dist/main (runs.main) and dist/post
// (runs.post, which does not load the Kubernetes client). Cleans dist/ first so removed files
// do not linger.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [entry, out] of [
  ['src/entry-main.ts', 'dist/main'],
  ['src/entry-post.ts', 'dist/post'],
]) {
  execFileSync(ncc, ['build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}
