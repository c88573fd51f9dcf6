// Member clusters for the multi-cluster tests (docs/multicluster.md): the Argo CD cluster Secret that
// registers a control plane as a member, with its admin client certificate, or (memberWithLeastPrivilege) with
// the token of config/member's ServiceAccount.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyMemberConfig,
  memberSecret as clusterSecret,
  type MemberClusterSecret,
} from '../../src/cli/member.ts';
import { Component, type ControlPlane, freePort } from '../../src/envtest/index.ts';

export const MEMBER_NAMESPACE = 'milo-quota-system';
export const b64 = (s: string) => Buffer.from(s).toString('base64');
const PROJECT_LABEL = 'resourcemanager.miloapis.com/project-name';

/** Member `name` (charged to Project `name`), reached with the plane's admin certificate. */
export function memberSecret(
  name: string,
  plane: ControlPlane,
  data: Record<string, string> = {},
): MemberClusterSecret {
  const user = plane.kubeConfig.getCurrentUser();
  const secret = clusterSecret(name, plane, {
    namespace: MEMBER_NAMESPACE,
    labels: { [PROJECT_LABEL]: name },
    credentials: { certData: user?.certData ?? '', keyData: user?.keyData ?? '' },
  });
  return { ...secret, data: { ...secret.data, ...data } };
}

/** Member `name` reached only through config/member's ServiceAccount (applied in `plane` here). */
export async function memberWithLeastPrivilege(
  name: string,
  plane: ControlPlane,
  options: { namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> },
): Promise<MemberClusterSecret> {
  const bearerToken = await applyMemberConfig(plane);
  return clusterSecret(name, plane, {
    namespace: options.namespace,
    labels: { [PROJECT_LABEL]: name, ...options.labels },
    annotations: options.annotations ?? {},
    credentials: { bearerToken },
  });
}

/**
 * A second kube-apiserver on `plane`'s etcd, at another port: the plane's objects can be changed while its own
 * apiserver is stopped, through an address nobody registered (a member that is "down" for the operator while
 * its data moves on). Same flags as the plane's apiserver (read from its process), only the port differs.
 */
export async function sideDoorApiserver(
  plane: ControlPlane,
): Promise<{ readonly server: string; stop(): Promise<void> }> {
  const pid = plane.apiserver.pid;
  if (pid === undefined) throw new Error("the plane's apiserver must run to copy its flags");
  const [binary = '', , ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const port = await freePort();
  const component = new Component(
    'kube-apiserver',
    binary,
    args.map((a) => (a.startsWith('--secure-port=') ? `--secure-port=${port}` : a)),
    join(plane.dir, 'side-door-apiserver.log'),
  );
  const server = `https://127.0.0.1:${port}`;
  component.start();
  const deadline = Date.now() + 90_000;
  while ((await plane.kubectl([`--server=${server}`, 'get', '--raw', '/readyz'])).code !== 0) {
    if (!component.running || Date.now() > deadline)
      throw new Error(`the side-door apiserver did not start:\n${component.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { server, stop: () => component.stop() };
}
