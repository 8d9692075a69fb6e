// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * Dependency direction (docs/architecture: dependencies point inward, nothing points up).
 * Each entry: the folder, and the src/ folders it must never import.
 */
/** Every outer folder: what the two innermost folders may never import. */
const outerFolders = [
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
];

const forbidden = {
  errors: outerFolders,
  metrics: outerFolders,
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

const layerZones = Object.entries(forbidden).map(([folder, targets]) => ({
  target: `src/${folder}`,
  from: targets.map((target) => `src/${target}`),
  message: `src/${folder} must not depend on an outer layer (see docs/architecture.md).`,
}));

const boundaryZones = [
  // The simulator is an independent oracle: it may share SAT's code catalogues, never the client's
  // request builder, translators or package readers.
  {
    target: 'src/sat-simulator',
    from: 'src/sat',
    except: ['./shared'],
    message: 'The simulator may import only src/sat/shared (code catalogues), never the client.',
  },
  // Only the entry points wire the application together; everything else is wired by it.
  {
    target: ['src/!(app|cli)/**', 'src/!(main).ts'],
    from: 'src/app',
    message: 'Only src/main.ts and src/cli may import the composition root (src/app).',
  },
  {
    target: ['src', 'test', 'bench', 'scripts'],
    from: 'src/main.ts',
    message: 'src/main.ts is the process entry point: import src/app instead.',
  },
];

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
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json', '.node'] }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: [...layerZones, ...boundaryZones] },
      ],
      'import-x/no-duplicates': ['error', { 'prefer-inline': true }],
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts', 'src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
