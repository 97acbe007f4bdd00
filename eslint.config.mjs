import nx from '@nx/eslint-plugin';

/**
 * One lint configuration for the whole workspace.
 *
 * Module boundaries are the architecture made executable: every project carries a
 * `scope:*` tag (who owns it) and a `type:*` tag (what it is). A backend service may use
 * its own code and the shared libs; the gateway may use the shared libs (contracts
 * included) only; no project imports an app (Nx forbids that on its own).
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.local', '**/generated', 'libs/contracts/src/gen/**', 'tmp'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    languageOptions: {
      // Nest reads constructor parameter types at run time (emitDecoratorMetadata): an import
      // used only as such a type must stay a value import, and the type-imports rule knows that.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:user', onlyDependOnLibsWithTags: ['scope:shared', 'scope:user'] },
            { sourceTag: 'scope:order', onlyDependOnLibsWithTags: ['scope:shared', 'scope:order'] },
            { sourceTag: 'scope:payment', onlyDependOnLibsWithTags: ['scope:shared', 'scope:payment'] },
            { sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:shared', 'scope:inventory'] },
            { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Build configuration is tooling, not architecture: it may load the shared webpack preset.
    files: ['**/webpack.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
