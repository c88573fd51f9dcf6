import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';
import { UsageError } from './errors.ts';
import { parseExplain } from './explain.ts';
import { parseConsumer, parseUsage } from './usage.ts';
import { parseWait } from './wait.ts';

/** Asserts a UsageError naming `flag` (when given) with a message matching `text`. */
function usageError(run: () => unknown, text: RegExp, flag?: string) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.message, text);
    if (flag !== undefined) assert.equal(error.flag, flag);
    return true;
  });
}

describe('parseUsage', () => {
  it('defaults to all namespaces and a table', () => {
    assert.deepEqual(parseUsage([]), {
      global: {},
      namespace: undefined,
      consumer: undefined,
      output: 'table',
    });
  });

  it('reads every flag, in kubectl spellings', () => {
    assert.deepEqual(
      parseUsage([
        '--consumer=organization.resourcemanager.miloapis.com/acme',
        '-n',
        'quota-system',
        '-ojson',
        '--context',
        'dev',
      ]),
      {
        global: { context: 'dev', namespace: 'quota-system' },
        namespace: 'quota-system',
        consumer: { kind: 'organization', group: 'resourcemanager.miloapis.com', name: 'acme' },
        output: 'json',
      },
    );
    assert.equal(parseUsage(['-A']).namespace, undefined);
    assert.equal(parseUsage(['-n=ns']).namespace, 'ns');
  });

  it('names the bad flag and the fix', () => {
    usageError(
      () => parseUsage(['--consumer', 'acme']),
      /--consumer: "acme" is not kind\/name: write it as kind\/name/,
      '--consumer',
    );
    usageError(
      () => parseUsage(['-o', 'wide']),
      /unknown format "wide": use -o table, -o json or -o yaml/,
      '--output',
    );
    usageError(() => parseUsage(['-A', '-n', 'x']), /-n and -A contradict each other/, '--all-namespaces');
    usageError(
      () => parseUsage(['--bogus']),
      /unknown flag --bogus: see 'kubectl quota usage --help'/,
      '--bogus',
    );
    usageError(() => parseUsage(['-n']), /flag --namespace needs a value/, '--namespace');
    usageError(
      () => parseUsage(['-n', 'Not_A_Namespace']),
      /--namespace: "Not_A_Namespace" is not a valid .*: pass an existing namespace/,
      '--namespace',
    );
    usageError(() => parseUsage(['extra']), /unexpected argument "extra"/);
    usageError(() => parseUsage(['--kubeconfig=']), /--kubeconfig is empty/, '--kubeconfig');
  });
});

describe('parseConsumer', () => {
  it('reads kind/name and kind.group/name', () => {
    assert.deepEqual(parseConsumer('Organization/acme'), { kind: 'Organization', name: 'acme' });
    assert.deepEqual(parseConsumer('project.resourcemanager.miloapis.com/p-1'), {
      kind: 'project',
      group: 'resourcemanager.miloapis.com',
      name: 'p-1',
    });
  });
});

describe('parseExplain and parseWait', () => {
  it('take the claim as `claim <name>` or `claim/<name>`', () => {
    assert.equal(parseExplain(['claim', 'web']).name, 'web');
    assert.equal(parseExplain(['resourceclaim/web', '-n', 'ns']).name, 'web');
    assert.deepEqual(parseWait(['claim', 'web', '--timeout', '1m30s']), {
      global: {},
      name: 'web',
      timeoutMs: 90_000,
      output: 'text',
    });
    assert.equal(parseWait(['qclaim/web']).timeoutMs, 30_000, 'default timeout');
  });

  it('say what is missing or wrong', () => {
    usageError(() => parseExplain([]), /explain needs a claim: write 'kubectl quota explain claim <name>/);
    usageError(() => parseExplain(['claim']), /explain needs the claim's name/);
    usageError(() => parseExplain(['bucket', 'x']), /explain works on claims, not "bucket"/);
    usageError(() => parseWait(['claim', 'a', 'b']), /unexpected argument "b"/);
    usageError(
      () => parseWait(['claim', 'a', '--timeout', '30']),
      /--timeout: "30" has no unit: give a duration with a unit/,
      '--timeout',
    );
    usageError(
      () => parseWait(['claim', 'a', '--timeout', 'soon']),
      /--timeout: "soon" is not a duration/,
      '--timeout',
    );
    usageError(() => parseWait(['claim', 'a', '-o', 'yaml']), /use -o text or -o json/, '--output');
  });
});

describe('durations', () => {
  it('parses Go durations and formats them back', () => {
    assert.equal(parseDuration('0', '--timeout'), 0);
    assert.equal(parseDuration('500ms', '--timeout'), 500);
    assert.equal(parseDuration('1h2m3s', '--timeout'), 3_723_000);
    assert.equal(parseDuration('1.5s', '--timeout'), 1500);
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(3_723_000), '1h2m3s');
    assert.equal(formatDuration(30_000), '30s');
  });
});
