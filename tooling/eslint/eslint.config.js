// Shared flat config. Each package runs `eslint --config ../../tooling/eslint/eslint.config.js .` from its
// own directory, which makes that directory ESLint's base path. The package-scoped blocks therefore carry
// an absolute `basePath`, so their globs mean the same thing whichever directory ESLint runs from.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const pathInRepo = (dir) => fileURLToPath(new URL(`../../${dir}`, import.meta.url));

/** Forbids each package and its subpaths (`typeorm`, `typeorm/*`) with one message. */
function forbid(message, ...names) {
  return {
    paths: names.map((name) => ({ name, message })),
    patterns: names.map((name) => ({ group: [`${name}/*`], message })),
  };
}

/** One `no-restricted-imports` entry from several lists; a later block replaces it, never merges. */
function restrictImports(...lists) {
  return ['error', { paths: lists.flatMap((l) => l.paths), patterns: lists.flatMap((l) => l.patterns) }];
}

// STYLE §1, "what may import what".
const domainForbids = [
  forbid('The domain is framework-free: HTTP and OIDC belong to apps/gateway.', 'express', 'openid-client'),
  forbid('The domain knows nothing of the SPA.', 'vue'),
];
const browserMessage = 'contracts/ and permissions/ also run in the browser (STYLE §1).';
const browserSafeForbids = [
  forbid(`${browserMessage} No typeorm.`, 'typeorm'),
  {
    paths: builtinModules
      .filter((name) => !name.startsWith('_'))
      .map((name) => ({ name, message: `${browserMessage} No Node built-ins.` })),
    patterns: [{ group: ['node:*'], message: `${browserMessage} No Node built-ins.` }],
  },
];
const adminForbids = [
  {
    paths: [
      { name: '@gatehouse/domain', message: 'The SPA may import only the domain contracts and permissions.' },
    ],
    patterns: [
      {
        group: ['@gatehouse/domain/*', '!@gatehouse/domain/contracts', '!@gatehouse/domain/permissions'],
        message: 'The SPA may import only @gatehouse/domain/contracts and @gatehouse/domain/permissions.',
      },
    ],
  },
  forbid('The SPA reaches data through the API, never the database.', 'typeorm'),
  forbid('Express belongs to apps/gateway.', 'express'),
];

export default defineConfig(
  globalIgnores(['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/*.d.ts', '**/test-results.json']),
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  // Prettier owns formatting; the Vue plugin's layout rules would fight it.
  { name: 'vue/no-layout-rules', ...pluginVue.configs['no-layout-rules'] },
  {
    name: 'gatehouse/vue-typescript',
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // vue-tsc resolves identifiers (types and template globals included); no-undef only misreports them.
    rules: { 'no-undef': 'off' },
  },
  {
    name: 'gatehouse/rules',
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  {
    name: 'gatehouse/node-globals',
    basePath: pathInRepo(''),
    files: ['packages/**', 'apps/gateway/**', 'tooling/**', 'apps/admin/*.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'gatehouse/admin',
    basePath: pathInRepo('apps/admin'),
    files: ['src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'gatehouse/admin/imports',
    basePath: pathInRepo('apps/admin'),
    rules: { 'no-restricted-imports': restrictImports(...adminForbids) },
  },
  {
    name: 'gatehouse/domain/imports',
    basePath: pathInRepo('packages/domain'),
    rules: { 'no-restricted-imports': restrictImports(...domainForbids) },
  },
  {
    name: 'gatehouse/domain/browser-safe-imports',
    basePath: pathInRepo('packages/domain'),
    files: ['src/contracts/**', 'src/permissions/**'],
    rules: { 'no-restricted-imports': restrictImports(...domainForbids, ...browserSafeForbids) },
  },
  {
    name: 'gatehouse/gateway/imports',
    basePath: pathInRepo('apps/gateway'),
    rules: {
      'no-restricted-imports': restrictImports(
        forbid('The gateway gets its database from createDatabase() in @gatehouse/domain.', 'typeorm'),
      ),
    },
  },
);
