// The layering of src/ (docs/architecture.md), checked by `make test` (scripts/test.sh → scripts/check-deps.sh).
// Type-only imports count: a layer that names another layer's types depends on it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'runtime-imports-no-project-code',
      comment: 'src/runtime is the generic controller runtime: it may import node builtins and npm packages, nothing else of the project.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^(src|packages|test|bench|scripts|examples|bin|tools)/', pathNot: '^src/runtime/' },
    },
    {
      name: 'quota-policy-are-pure',
      comment: 'src/quota and src/policy are pure: no I/O, no Kubernetes client, no layer above them.',
      severity: 'error',
      from: { path: '^src/(quota|policy)/' },
      to: {
        path: [
          '^src/(runtime|controllers|admission|webhook|cache|client|operator|cli|envtest)/',
          '^(node:)?(http|https|http2|net|tls|fs|fs/promises|child_process|dgram)$',
          '@kubernetes/client-node',
        ],
      },
    },
    {
      name: 'webhook-knows-no-quota',
      comment: 'src/webhook is the generic admission transport: it may import src/runtime and the generic object metadata of src/api (api/meta.ts), nothing of quota.',
      severity: 'error',
      from: { path: '^src/webhook/' },
      to: { path: '^(src|packages|test|bench|scripts|examples|bin|tools)/', pathNot: ['^src/(webhook|runtime)/', '^src/api/meta\\.ts$'] },
    },
    {
      name: 'admission-not-controllers',
      comment: 'src/admission reads quota state through src/cache, never through the reconcilers in src/controllers.',
      severity: 'error',
      from: { path: '^src/admission/' },
      to: { path: '^src/controllers/' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles between files of src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['milo-quota-source', 'import', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
