// ESLint flat config: typescript-eslint's recommended set (type-aware rules off: the type-check is tsc's job and
// type-aware linting doubles the time of `npm test`), Prettier owns formatting (eslint-config-prettier).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'viewer/dist/', 'runs/', 'coverage/', 'data/.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused code hides mistakes; a leading underscore marks a parameter kept for an interface on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Models must be reproducible from their seed: randomness only through models/lib/rng.ts.
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use the seeded PRNG (models/lib/rng.ts)' },
      ],
      // `import type` keeps type-only imports out of the worker and viewer bundles (verbatimModuleSyntax agrees).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // == hides coercions; `== null` is the one idiom kept (null or undefined).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // A floating promise in the engine loses errors; at least make it explicit.
      'no-return-await': 'off',
      'prefer-const': 'error',
    },
  },
  {
    // Tests poke at parsed JSON and zod internals of unknown shape; `any` there is a reading aid, not a hole in the
    // production types (tsc still checks everything else).
    files: ['**/*.test.ts', '**/*.e2e.test.ts', '**/test/**', 'engine/api/test-client.ts'],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
