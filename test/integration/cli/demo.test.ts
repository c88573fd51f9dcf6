// `make run`'s demo end to end (src/cli/dev.ts: its own control plane, the operator, the demo): the sample
// service-managed claim is Granted and explained, figures are in display units, no error-level log line, and
// the demo ends on the intended refusal (alice's third Project), explained. With MQ_DEV_MEMBER=1 it also starts a
// member cluster and shows Secrets created there charged to its Project in the quota cluster, the third refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { repoPath } from '../../support/kube.ts';

async function runDemo(extraEnv: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env, ...extraEnv };
  delete env.KUBECONFIG; // a local control plane, as on a fresh machine
  const child = spawn(process.execPath, [repoPath('src/cli/dev.ts')], { cwd: repoPath(), env });
  let out = '';
  let stopping = false;
  const take = (chunk: Buffer) => {
    out += chunk.toString();
    if (!stopping && out.includes('press Ctrl-C to stop')) {
      stopping = true;
      // dev.ts installs its SIGINT handler right after printing the line: give it a moment, as a person would.
      setTimeout(() => child.kill('SIGINT'), 500);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const timer = setTimeout(() => child.kill('SIGINT'), 360_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { code, out };
}

describe('make run: the demo', () => {
  it('grants the sample claim, shows display units, logs no errors and ends on the explained refusal', async () => {
    const { code, out } = await runDemo();
    assert.equal(code, 0, out);
    assert.ok(out.includes('press Ctrl-C to stop'), `the demo did not finish:\n${out}`);
    const errors = out.split('\n').filter((line) => line.includes('"level":"error"'));
    assert.deepEqual(errors, [], 'error-level log lines during the demo');
    assert.doesNotMatch(out, /gave up waiting/);
    assert.match(out, /^\s+default\s+instance-web-1-vcpus\s+acme\s+True\s+QuotaAvailable/m, out);
    assert.doesNotMatch(out, /QuotaExceeded/, 'no claim is denied by the demo');
    const usage = out.slice(out.indexOf('$ kubectl quota usage'), out.lastIndexOf('$ kubectl create'));
    assert.match(usage, /compute\.miloapis\.com\/vcpus\s+48 vCPUs\s+4 vCPUs\s+44 vCPUs/, usage);
    const explain = out.slice(out.indexOf('$ kubectl quota explain'), out.indexOf('alice-blog'));
    assert.match(
      explain,
      /compute\.miloapis\.com\/vcpus\s+4 vCPUs\s+Granted\s+48 vCPUs\s+4 vCPUs\s+44 vCPUs/,
      explain,
    );
    const demo = out.slice(0, out.indexOf('point kubectl at it'));
    // every vCPU figure the demo's steps print is in display units: no millicore amount (log lines and the
    // start-up lines, with ports and timings, left out)
    const steps = demo.slice(demo.indexOf('\n$ kubectl')).replace(/^.*"level":.*$/gm, '');
    assert.doesNotMatch(steps, /\b(4000|16000|48000|44000)\b/, 'a base-unit vCPU figure');
    const last = demo.slice(demo.lastIndexOf('\n$ kubectl'));
    assert.match(last, /name: alice-wiki/, last);
    assert.match(last, /denied the request: You've reached your quota for this resource type/, last);
    assert.match(last, /That refusal is the demo's point/, last);
  });

  it('with MQ_DEV_MEMBER=1: Secrets created in the member are charged to its Project, the third refused', async () => {
    const { code, out } = await runDemo({ MQ_DEV_MEMBER: '1' });
    assert.equal(code, 0, out);
    assert.ok(out.includes('press Ctrl-C to stop'), `the demo did not finish:\n${out}`);
    const errors = out.split('\n').filter((line) => line.includes('"level":"error"'));
    assert.deepEqual(errors, [], 'error-level log lines during the demo');
    assert.match(out, /https:\/\/127\.0\.0\.1:\d+\/members\/acme-api\/enforce/, 'the member webhook URL');
    const createOf = (name: string) => {
      const start = out.indexOf(`secret generic ${name}`);
      return out.slice(start, out.indexOf('\n$ kubectl', start + 1));
    };
    assert.match(createOf('token-a'), /secret\/token-a created/, createOf('token-a'));
    assert.match(createOf('token-b'), /secret\/token-b created/, createOf('token-b'));
    assert.match(
      createOf('token-c'),
      /denied the request: .*requested 1, limit 2, allocated 2, available 0/,
      createOf('token-c'),
    );
    const listed = out.indexOf('get qclaim -n quota-member-acme-api');
    const claims = out.slice(listed, out.indexOf('\n$ kubectl', listed + 1));
    assert.equal(
      claims.match(/\sTrue\s/g)?.length,
      2,
      `two Granted claims in the member's namespace:\n${claims}`,
    );
  });

  it('refuses an MQ_DEV_MEMBER that is not 1, naming the variable', async () => {
    const { code, out } = await runDemo({ MQ_DEV_MEMBER: 'yes' });
    assert.notEqual(code, 0, out);
    assert.match(out, /MQ_DEV_MEMBER="yes": set it to 1/);
  });
});
