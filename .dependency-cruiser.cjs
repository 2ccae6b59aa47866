// Import rules `npm test` enforces (issue 14): packages meet only through their entry points,
// services never import each other, and no file imports itself back through a cycle.
// CommonJS because dependency-cruiser reads its config with require().
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle between files: split the shared part into a module both can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-dist-internals',
      severity: 'error',
      comment:
        'Import another package by its name (its package.json exports), never a file of its dist/: internals change without notice.',
      from: { path: '^(libs|services|tools|e2e)/' },
      to: {
        path: '^(libs|services|tools)/[^/]+/dist/',
        pathNot: '^(libs|services|tools)/[^/]+/dist/index\\.(js|d\\.ts)$',
      },
    },
    {
      name: 'no-cross-package-source',
      severity: 'error',
      comment: 'Reach another package through its name, not by a relative path into its src/.',
      from: { path: '^(libs|services|tools|e2e)/([^/]+)/' },
      to: { path: '^(libs|services|tools)/[^/]+/src/', pathNot: '^$1/$2/' },
    },
    {
      name: 'services-never-import-services',
      severity: 'error',
      comment:
        'Services and tools meet a service only over gRPC through libs/contracts (shared/DESIGN.md); shared code moves to libs/.',
      from: { path: '^(services|tools|libs)/([^/]+)/' },
      to: { path: '^services/[^/]+/', pathNot: '^$1/$2/' },
    },
    {
      name: 'testing-only-in-tests',
      severity: 'error',
      comment:
        '@failmine/testing is test support: only test/ and bench/ files import it, never src/ (libs/testing/README.md).',
      from: { path: '^(libs|services|tools)/[^/]+/src/', pathNot: '^libs/testing/' },
      to: { path: '^libs/testing/' },
    },
  ],
  options: {
    // Built files are followed to see where an import lands, never cruised themselves.
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: 'libs/contracts/src/gen/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
