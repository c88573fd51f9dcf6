// What the operator knows of its member clusters (docs/multicluster.md): the registry
// (controllers/members/registry.ts) keeps it current from the member Secrets; the member webhook paths and the
// member-claims controller read it.
import type { MemberCluster } from '../api/index.ts';
import type { KubeClient } from '../runtime/index.ts';

/** A registered, valid member: its connection, whether it answered the last probe. */
export interface Member {
  readonly cluster: MemberCluster;
  readonly client: KubeClient;
  readonly reachable: boolean;
}

/** The members by name, as the registry last saw them. */
export interface MemberRegistry {
  get(name: string): Member | undefined;
  list(): readonly Member[];
  /** Called after a member is added, changed or removed (by name). */
  onChange(listener: (name: string) => void): () => void;
  /** Whether every member Secret listed so far has been read once: before that, "no such member" may be wrong. */
  hasSynced(): boolean;
}
