// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Dependency direction (docs/architecture: dependencies point inward, nothing points up).
 * Each entry: the folder, and the src/ folders it must never import.
 */
const forbidden = {
  errors: [
    'config',
    'logging',
    'db',
    'storage',
    'sat',
    'sat-simulator',
    'services',
    'jobs',
    'soap',
    'web',
    'cli',
  ],
  metrics: [
    'config',
    'logging',
    'db',
    'storage',
    'sat',
    'sat-simulator',
    'services',
    'jobs',
    'soap',
    'web',
    'cli',
  ],
  logging: ['config', 'db', 'storage', 'sat', 'sat-simulator', 'services', 'jobs', 'soap', 'web', 'cli'],
  config: ['logging', 'db', 'storage', 'sat', 'sat-simulator', 'services', 'jobs', 'soap', 'web', 'cli'],
  db: ['storage', 'sat', 'sat-simulator', 'services', 'jobs', 'soap', 'web', 'cli'],
  storage: ['db', 'sat', 'sat-simulator', 'services', 'jobs', 'soap', 'web', 'cli'],
  sat: ['db', 'storage', 'sat-simulator', 'services', 'jobs', 'soap', 'web', 'cli'],
  'sat-simulator': ['db', 'storage', 'services', 'jobs', 'soap', 'web', 'cli'],
  services: ['sat-simulator', 'jobs', 'soap', 'web', 'cli'],
  jobs: ['sat-simulator', 'soap', 'web', 'cli'],
  soap: ['web', 'cli', 'jobs', 'db', 'sat-simulator'],
  web: ['soap', 'cli', 'jobs', 'db', 'sat-simulator'],
  cli: ['soap', 'web'],
};

/** Relative-import patterns that reach `target` from any depth inside src/<folder>/. */
function patternsFor(targets) {
  return targets.flatMap((target) => [
    `../${target}`,
    `../${target}/*`,
    `../../${target}`,
    `../../${target}/*`,
    `../../../${target}`,
    `../../../${target}/*`,
    `../../../../${target}/*`,
  ]);
}

const layerRules = Object.entries(forbidden).map(([folder, targets]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: patternsFor(targets),
            message: `src/${folder} must not depend on an outer layer (see docs/architecture.md).`,
          },
        ],
      },
    ],
  },
}));

// The simulator is an independent oracle: it may share SAT's code catalogues, never the client's
// request builder, translators or package readers.
const simulatorIndependence = {
  files: ['src/sat-simulator/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              ...patternsFor(['db', 'storage', 'services', 'jobs', 'soap', 'web', 'cli']),
              '**/sat/request-builder*',
              '**/sat/services*',
              '**/sat/web-client*',
              '**/sat/packages*',
              '**/sat/sat-client*',
              '**/sat/index',
            ],
            message: 'The simulator may import only src/sat/shared (code catalogues), never the client.',
          },
          {
            // The package itself (its index re-exports the client); `../sat/shared/...` stays allowed.
            regex: '^(\\.\\./)+sat$',
            message: 'The simulator may import only src/sat/shared (code catalogues), never the client.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'docs/examples/**',
      'bin/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  ...layerRules.filter((rule) => rule.files[0] !== 'src/sat-simulator/**/*.ts'),
  simulatorIndependence,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts', 'src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
