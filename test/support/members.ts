// Member clusters for the multi-cluster tests (docs/multicluster.md): the Argo CD cluster Secret that
// registers a control plane as a member, with its admin client certificate, or (memberWithLeastPrivilege) with
// the token of config/member's ServiceAccount.
import {
  applyMemberConfig,
  memberSecret as clusterSecret,
  type MemberClusterSecret,
} from '../../src/cli/member.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';

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
