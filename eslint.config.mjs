import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';
import prettier from 'eslint-config-prettier';

const BOUNDARIES = {
  core: [{ name: '@actions/core', message: 'Only src/main.ts and src/post.ts use @actions/core.' }],
  'client-node': [
    { name: '@kubernetes/client-node', message: 'Only src/probe.ts uses client-node.' },
  ],
  fs: ['node:fs', 'node:fs/promises', 'fs', 'fs/promises'].map((name) => ({
    name,
    message: 'Only src/files.ts touches the filesystem.',
  })),
};

/** The restricted imports of a src module, less the one boundary it may cross. */
function restricted(allowed) {
  return Object.entries(BOUNDARIES).flatMap(([key, paths]) => (key === allowed ? [] : paths));
}

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.tools/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/prefer-includes': 'error',
      '@typescript-eslint/prefer-string-starts-ends-with': 'error',
      '@typescript-eslint/promise-function-async': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
      'no-restricted-imports': ['error', { paths: restricted() }],
    },
  },
  // The boundaries: only the runner adapters talk to the runner; only probe.ts speaks to the
  // cluster through client-node; only files.ts touches the filesystem.
  {
    files: ['src/main.ts', 'src/post.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restricted('core') }] },
  },
  {
    files: ['src/probe.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restricted('client-node') }] },
  },
  {
    files: ['src/files.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restricted('fs') }] },
  },
  {
    files: ['__tests__/**/*.ts'],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      'vitest/no-conditional-expect': 'error',
      'vitest/expect-expect': [
        'error',
        { assertFunctionNames: ['expect', 'expectFailure', 'expectNoLeak'] },
      ],
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
