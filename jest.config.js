// @ts-check
/** @typedef {import('jest').Config} Config */

/** @type {Config['transform']} */
const swc = {
  '^.+\\.[tj]s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const moduleNameMapper = { '^@amato/([a-z-]+)$': '<rootDir>/libs/$1/src' };

// ESM-only packages that CommonJS code requires; Node 20 loads them natively, jest's runtime
// does not, so swc turns them into CommonJS.
const esmPackages = [
  'content-disposition',
  'hyparquet',
  'hyparquet-writer',
  // ml-kmeans and the ESM packages it imports
  'ml-kmeans',
  'ml-distance-euclidean',
  'ml-nearest-vector',
  'ml-spectra-processing',
  'is-any-array',
  'ml-array-max',
  'ml-array-min',
  'ml-array-rescale',
];

/** @type {Config} */
const base = {
  transform: swc,
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
  // Node's, with its typed arrays shared into the sandbox so onnxruntime-node's outputs pass
  // onnxruntime's instanceof checks (libs/testing/src/onnx-test-environment.ts).
  testEnvironment: '<rootDir>/libs/testing/src/onnx-test-environment.ts',
  rootDir: '.',
};

/**
 * Three tiers: unit tests of pure logic (no I/O), integration tests of each adapter against its
 * real service, end-to-end tests in test/ across services. The last two need the stack up; the
 * global setup says so clearly when it is not.
 */
/** @type {Config} */
const config = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,stack}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.integration\\.spec\\.ts$'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,stack}/**/*.integration.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/require-stack.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/require-stack.ts',
    },
  ],
};

module.exports = config;
