import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    environment: 'node',
    // Integration and dist tests start TLS servers and child processes; give them room on
    // shared, noisy machines. Speed is measured by scripts/bench.mjs, never asserted here.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['__tests__/fixtures/global-setup.ts'],
    reporters: ['default', './__tests__/fixtures/summary-reporter.ts'],
    // A gate, not a badge. The runner adapters (main.ts, post.ts) and entries run in child
    // processes in __tests__/dist, where v8 coverage is not collected, so they are left out.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/entry-*.ts', 'src/main.ts', 'src/post.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 90, statements: 85, functions: 90, branches: 80 },
    },
  },
});
