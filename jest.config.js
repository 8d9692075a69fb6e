/** @type {import('jest').Config} */
// agenda, its Postgres backend and @nodecfdi ship ES modules only; Node >= 20.19 loads them through
// require(esm) at run time, but Jest's module system does not, so they are compiled to CommonJS here.
const esmOnly = ['agenda', '@agendajs', '@nodecfdi'];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  testSequencer: '<rootDir>/test/floods-first-sequencer.js',
};
