#!/usr/bin/env node
// The `kubectl quota` plugin. kubectl finds it on PATH as `kubectl-quota` (npm links this file under that
// name). The sources are TypeScript, which Node runs directly from 24.11 on (type stripping), so check the
// version first: an older Node would fail on the import with an unhelpful syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 11) || process.features.typescript === false) {
  process.stderr.write(
    `error: kubectl-quota needs Node.js 24.11 or later (found ${process.version}): install a newer Node.js and put it first on PATH\n`,
  );
  process.exit(3);
}
await import('../src/cli/quota/main.ts');
