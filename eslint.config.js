// Lint rules that protect the design: the core stays pure (no SDKs, no
// process.env, no wall clock), no `any` outside test fixtures, and no promise
// is left floating (an un-awaited promise loses a resident's message silently).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '.ci/**',
      'node_modules/**',
      'data/**',
      'tmp/**',
      'coverage/**',
      'bench/out/**',
      // Three-line worker bootstraps that register tsx; not part of the TypeScript project.
      'bench/lib/*.worker.mjs',
      'src/channels/zalo/thread/worker.mjs',
      'src/channels/web/public/**',
      'src/staff/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'grammy',
                'grammy/*',
                '@grammyjs/*',
                'axios',
                'openai',
                'openai/*',
                'langchain',
                'langchain/*',
                '@langchain/*',
                'better-sqlite3',
                'hono',
                'hono/*',
                '@hono/*',
                'pino',
                'node:*',
                'fs',
                'path',
                'http',
                'https',
                'child_process',
              ],
              message: 'src/core is pure: reach the outside world through a port in src/core/ports.ts.',
            },
            {
              group: ['../../storage/*', '../../rag/*', '../../channels/*', '../../http/*', '../storage/*', '../rag/*'],
              message: 'src/core must not import adapters.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'The core never reads the environment; pass config in.' },
        { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'The core never touches the process.' }],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the injected Clock.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
