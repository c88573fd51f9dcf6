// The Dockerfile, checked without building it: structure (dockerfile-lint.ts, each rule shown to fire on a
// bad file), and what the image needs to start: every module src/operator/main.ts loads is copied in and
// is a production dependency.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from '../../support/kube.ts';
import { type LintOptions, lintDockerfile } from './dockerfile-lint.ts';

const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const OPTIONS: LintOptions = {
  nodeMajor: Number(/\d+/.exec(pkg.engines.node)?.[0]),
  entrypoint: ['node', 'src/operator/main.ts'],
};
const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');

const GOOD = `ARG NODE_IMAGE=node:24.21.0-bookworm-slim
FROM \${NODE_IMAGE} AS deps
WORKDIR /app
RUN npm ci --omit=dev
FROM \${NODE_IMAGE}
COPY --from=deps /app/node_modules ./node_modules
USER 65532:65532
ENTRYPOINT ["node", "src/operator/main.ts"]
`;

describe('Dockerfile lint', () => {
  it('finds no problem in the Dockerfile', () => {
    assert.deepEqual(lintDockerfile(dockerfile, OPTIONS), []);
  });

  it('accepts a minimal good file (the baseline of the cases below)', () => {
    assert.deepEqual(lintDockerfile(GOOD, OPTIONS), []);
  });

  const cases: [string, (text: string) => string, RegExp][] = [
    ['one stage', (t) => t.replace(/^FROM \$\{NODE_IMAGE\} AS deps\n[\s\S]*?(?=FROM)/m, ''), /multi-stage/],
    ['a floating tag', (t) => t.replace('node:24.21.0-bookworm-slim', 'node:24-bookworm-slim'), /not pinned/],
    ['latest', (t) => t.replace('node:24.21.0-bookworm-slim', 'node:latest'), /not pinned/],
    ['another Node major', (t) => t.replace('node:24.21.0', 'node:22.11.0'), /not Node 24/],
    ['no USER', (t) => t.replace('USER 65532:65532\n', ''), /runs as root/],
    ['a user name', (t) => t.replace('USER 65532:65532', 'USER node'), /not numeric/],
    ['root', (t) => t.replace('USER 65532:65532', 'USER 0:0'), /is root/],
    [
      'ADD of a URL',
      (t) => t.replace('WORKDIR /app', 'WORKDIR /app\nADD https://example.invalid/x.tgz /x'),
      /use COPY/,
    ],
    ['shell form', (t) => t.replace(/ENTRYPOINT .*/, 'ENTRYPOINT node src/operator/main.ts'), /exec form/],
    ['another command', (t) => t.replace('src/operator/main.ts', 'src/cli/dev.ts'), /expected/],
    ['npm install', (t) => t.replace('npm ci --omit=dev', 'npm install'), /npm ci/],
    ['devDependencies', (t) => t.replace('npm ci --omit=dev', 'npm ci'), /--omit=dev/],
    ['cd in RUN', (t) => t.replace('npm ci --omit=dev', 'cd /app && npm ci --omit=dev'), /WORKDIR/],
    ['an unknown stage', (t) => t.replace('--from=deps', '--from=build'), /not an earlier stage/],
    ['a secret in ENV', (t) => t.replace('WORKDIR /app', 'WORKDIR /app\nENV NPM_TOKEN=abc'), /secrets/],
  ];
  for (const [name, mutate, expected] of cases) {
    it(`rejects ${name}`, () => {
      const bad = mutate(GOOD);
      assert.notEqual(bad, GOOD, 'the mutation must change the file');
      const problems = lintDockerfile(bad, OPTIONS);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected}, got ${JSON.stringify(problems)}`,
      );
    });
  }
});

/** Relative and bare specifiers of the static imports of one TypeScript file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
  const bare = [...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? '');
  return [...found, ...bare];
}

/** Every file and package the operator's entry point loads, following relative imports. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec),
        );
      }
    }
  }
  return { files, packages };
}

describe('what the image must contain', () => {
  const { files, packages } = closure(repoPath('src/operator/main.ts'));

  it('copies every module the operator loads (all under src/, none a test file)', () => {
    assert.match(dockerfile, /^COPY src \.\/src$/m);
    const ignore = readFileSync(repoPath('.dockerignore'), 'utf8');
    assert.match(ignore, /^!src\/$/m);
    for (const file of files) {
      const rel = relative(repoPath(), file);
      assert.ok(existsSync(file), `${rel} is imported but missing`);
      assert.ok(rel.startsWith(`src${'/'}`), `${rel} is outside src/, which is all the image copies`);
      assert.ok(!rel.endsWith('.test.ts'), `${rel} is a test file, which .dockerignore leaves out`);
    }
    assert.ok(files.size > 20, `only ${files.size} files found: the import scan is broken`);
  });

  it('needs only production dependencies (npm ci --omit=dev installs nothing else)', () => {
    for (const name of packages) {
      assert.ok(
        name in pkg.dependencies,
        `the operator imports ${name}, which is not in package.json dependencies`,
      );
    }
    assert.ok(packages.has('@kubernetes/client-node'));
  });

  it('copies the files npm ci needs', () => {
    for (const file of ['package.json', 'package-lock.json']) assert.ok(existsSync(join(repoPath(), file)));
  });
});
