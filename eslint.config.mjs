import nx from '@nx/eslint-plugin';

/**
 * One lint configuration for the whole workspace.
 *
 * Module boundaries are the architecture made executable: every project carries a
 * `scope:*` tag (who owns it) and a `type:*` tag (what it is). A backend service may use
 * its own code and the shared libs; the gateway may use the shared libs (contracts
 * included) only; no project imports an app (Nx forbids that on its own).
 *
 * Test support (`libs/testing`, tagged `type:testing`) is for tests only: production code of
 * an app or a lib may not import it; their spec files may.
 */

const SCOPES = [
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:user', onlyDependOnLibsWithTags: ['scope:shared', 'scope:user'] },
  { sourceTag: 'scope:order', onlyDependOnLibsWithTags: ['scope:shared', 'scope:order'] },
  { sourceTag: 'scope:payment', onlyDependOnLibsWithTags: ['scope:shared', 'scope:payment'] },
  { sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:shared', 'scope:inventory'] },
  { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
  // The console (a browser app) speaks to the platform through the public REST API only.
  { sourceTag: 'scope:console', onlyDependOnLibsWithTags: [] },
];

/** Whatever only tests run: the test support itself and the e2e project. */
const TEST_PROJECTS = [
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
];

/** Nx applies tags per project, not per file: the spec files get the second set (below). */
const PRODUCTION_TYPES = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  ...TEST_PROJECTS,
];
const TEST_TYPES = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  ...TEST_PROJECTS,
];

const moduleBoundaries = (types) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: [],
    // The test support uses the libs it tests (messaging, kafka, grpc...), and their spec files
    // use it back: a cycle through test files only, since production files may not import it.
    // tools/lint/module-boundaries.integration-spec.ts checks that production files alone form
    // no cycle, which this exception would otherwise hide.
    ignoredCircularDependencies: [['testing', '*']],
    depConstraints: [...SCOPES, ...types],
  },
];

/** Tests, beside the code they test, and the Jest setup files. */
const TEST_FILES = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', 'tools/jest/**'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.local', '**/generated', 'libs/contracts/src/gen/**', 'tmp'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    languageOptions: {
      // Nest reads constructor parameter types at run time (emitDecoratorMetadata): an import
      // used only as such a type must stay a value import, and the type-imports rule knows that.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(PRODUCTION_TYPES),
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(TEST_TYPES) },
  },
  {
    // Build configuration is tooling, not architecture: it may load the shared webpack preset.
    files: ['**/webpack.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  ...persistenceBoundaries(),
  ...orderServiceBoundaries(),
];

/**
 * Inside a backend, persistence has one home: `*.repository.ts` holds every Prisma call and
 * every SQL statement, and nothing else touches the client or the transaction (`tx`) beyond
 * passing it on. Mappers (rows to messages) may name Prisma's generated types; use cases and
 * the pure domain (state machines, deciders) may not, so the domain can be read, tested and
 * reused without the database. `database.ts`, `main.ts` and `app.module.ts` wire the client.
 */
function persistenceBoundaries() {
  const service = 'apps/*-service/src';
  const wiring = [`${service}/database.ts`, `${service}/main.ts`, `${service}/app.module.ts`];
  const tests = ['**/*.spec.ts', '**/*.integration-spec.ts'];
  const client = {
    group: ['**/database', './database'],
    importNames: ['PrismaService'],
    message: 'Only *.repository.ts files use the Prisma client.',
  };
  const syntax = [
    'error',
    {
      selector: "MemberExpression[object.type='Identifier'][object.name='tx']",
      message: 'Only *.repository.ts files use the transaction client: pass `tx` on to a repository.',
    },
    {
      selector: 'MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)$/]',
      message: 'Only *.repository.ts files run SQL or open transactions (a repository can offer `transaction(fn)`).',
    },
  ];
  return [
    {
      files: [`${service}/**/*.ts`],
      ignores: [...wiring, `${service}/**/*.repository.ts`, `${service}/**/*.mapper.ts`, ...tests],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              client,
              {
                group: ['**/generated/**'],
                message:
                  "Prisma's generated types stay in repositories and mappers: the domain and the use cases have their own types.",
              },
            ],
          },
        ],
        'no-restricted-syntax': syntax,
      },
    },
    {
      files: [`${service}/**/*.mapper.ts`],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              client,
              {
                group: ['**/generated/**'],
                allowTypeImports: true,
                message: 'a mapper reads rows: it may name their types, not use the client',
              },
            ],
          },
        ],
        'no-restricted-syntax': syntax,
      },
    },
  ];
}

/**
 * In order-service, `orders/` (placing, cancelling, reading orders) and `saga/` (moving them on)
 * never import each other: what both need lives in a third place (`domain/` for the state
 * machine and the saga decider, `order-store/` for the order's tables and what orders/ asks of
 * the saga), so either can be read and changed without the other. ESLint's own
 * `no-restricted-imports`, not the typescript-eslint one: a later block's options for a rule
 * replace an earlier block's for the same files, so reusing that rule here would switch off the
 * persistence patterns above in these two folders. The core rule catches `import type` too.
 */
function orderServiceBoundaries() {
  const src = 'apps/order-service/src';
  const apart = (from, other) => ({
    files: [`${src}/${from}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [`**/${other}/**`],
              message: `${from}/ and ${other}/ never import each other: move what both need to domain/ or order-store/.`,
            },
          ],
        },
      ],
    },
  });
  return [apart('orders', 'saga'), apart('saga', 'orders')];
}
