// Three tiers (CONVENTIONS 11): unit specs beside the code, integration of libs against real SQLite/Redis
// (also *.spec.ts beside the code), e2e in test/ against the real built processes.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  // jose (JWTs) ships only as ES modules, which Jest's CommonJS loader cannot require: compile it too.
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^@portico/(.*)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  // Sandbox specs start real host processes (a vm2 host boots slower); on a loaded 2-core CI machine
  // Jest's 5 s default fails them for no reason. No test asserts on time.
  testTimeout: 15_000,
};
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/test/helm/**/*.spec.ts',
        '<rootDir>/test/deploy/**/*.spec.ts',
      ],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
