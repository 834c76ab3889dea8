import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'engine/**/*.test.ts',
      'models/**/*.test.ts',
      'data/**/*.test.ts',
      'viewer/**/*.test.ts',
      'scenarios/**/*.test.ts',
    ],
    globalSetup: ['engine/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
