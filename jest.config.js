// Tests run TypeScript sources directly through swc; type checking is `pnpm typecheck`.
// Workspace packages resolve to their src/ so a test never depends on a stale build.
const transform = {
  '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};
const moduleNameMapper = { '^@zkseq/([^/]+)$': '<rootDir>/libs/$1/src/index.ts' };
// Some dependencies (@noble v2, pulled in by @ethereumjs v10) ship ESM only: let swc turn them into CommonJS.
const transformIgnorePatterns = ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(@noble|@ethereumjs|ethereum-cryptography|@scure)/)'];
const common = { transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/*/src/**/*.test.ts', '<rootDir>/services/*/src/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  ],
};
