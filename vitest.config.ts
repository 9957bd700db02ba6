import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** One vitest project per package with tests, plus the cross-package tests and the examples' tests. */
const root = import.meta.dirname;
const packages = readdirSync(join(root, 'packages')).filter((dir) => existsSync(join(root, 'packages', dir, 'test')));

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      ...packages.map((dir) => ({ extends: true as const, test: { name: dir, include: [`packages/${dir}/test/**/*.test.ts`] } })),
      { extends: true as const, test: { name: 'cross-package', include: ['test/**/*.test.ts'] } },
      { extends: true as const, test: { name: 'examples', include: ['examples/*/test/**/*.test.ts'] } },
    ],
  },
});
