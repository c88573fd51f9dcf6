// Stopping a control plane leaves no process and no directory behind, also when
// the process that started it is killed outright.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startControlPlane } from '../../../src/envtest/index.ts';
import { eventually } from '../../support/cluster.ts';

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('control plane teardown', () => {
  it('stop() ends every component and removes the directory', async () => {
    const plane = await startControlPlane();
    const pids = [plane.etcd.pid, plane.apiserver.pid, plane.controllerManager?.pid];
    assert.ok(pids.every(alive));
    await plane.stop();
    assert.deepEqual(pids.map(alive), [false, false, false]);
    assert.equal(existsSync(plane.dir), false);
  });

  it('components stop by themselves when their parent is SIGKILLed', async () => {
    const script = `
      import { startControlPlane } from ${JSON.stringify(new URL('../../../src/envtest/index.ts', import.meta.url).pathname)};
      const plane = await startControlPlane({ controllerManager: false });
      console.log(JSON.stringify([plane.etcd.pid, plane.apiserver.pid, plane.dir]));
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [etcd, apiserver, dir] = await eventually(
      'the child to start a control plane',
      () => {
        const line = output.split('\n').find((l) => l.startsWith('['));
        return line ? (JSON.parse(line) as [number, number, string]) : undefined;
      },
      120_000,
    );
    assert.ok(alive(etcd) && alive(apiserver));
    child.kill('SIGKILL');
    await eventually('orphaned components to exit', () => !alive(etcd) && !alive(apiserver), 30_000, 100);
    // A SIGKILLed parent cannot remove its directory; that is the one thing left to its caller.
    rmSync(dir, { recursive: true, force: true });
  });
});
