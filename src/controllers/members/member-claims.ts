// Claims for objects in member clusters (docs/multicluster.md, "Lifecycle across clusters"). Garbage
// collection cannot follow an ownerReference into another cluster, so this controller watches each member for
// the claimed objects (one metadata-only informer per member and resource, on the member's own connection) and
// releases a claim when its object is gone there, is replaced, or never appeared within the grace period.
// Nothing is released while the member cannot be seen (claim-fate.ts): a partition frees no quota, and when the
// member answers again its informer relists and deletions made meanwhile are released then.
import { LABEL_MEMBER_CLUSTER, LABEL_RESOURCE_UID, type ResourceClaim } from '../../api/index.ts';
import {
  type Member,
  type MemberRegistry,
  memberResource,
  type QuotaCache,
  RESOURCES,
  readMemberObject,
} from '../../cache/index.ts';
import {
  type EventRecorder,
  IDENTITY_VIEW,
  type Informer,
  InformerFactory,
  isNotFound,
  type KubeObject,
  type Manager,
  type Reconciler,
  type Request,
  type ResourceRef,
  requestFor,
  resourceId,
} from '../../runtime/index.ts';
import { type MemberObject, memberClaimFate } from './claim-fate.ts';

export interface MemberClaimsOptions {
  /** How long an object may take to appear in the member after its admission. Default 30 s. */
  readonly orphanGracePeriodMs?: number;
  /** How soon a claim is looked at again while its member cannot tell. Default 5 s. */
  readonly unknownRecheckMs?: number;
}

const BY_MEMBER = 'memberCluster';
const BY_MEMBER_OBJECT = 'memberObject';

const objectKeyOf = (member: string, group: string, namespace: string, name: string) =>
  `${member}|${group}|${namespace}|${name}`;

function memberObjectKey(claim: ResourceClaim): string[] {
  const member = claim.metadata.labels?.[LABEL_MEMBER_CLUSTER];
  const ref = claim.spec.resourceRef;
  if (member === undefined || ref === undefined) return [];
  return [objectKeyOf(member, ref.apiGroup ?? '', ref.namespace ?? '', ref.name)];
}

/** One member's informers, rebuilt when its connection changes. */
interface MemberWatches {
  readonly member: Member;
  readonly factory: InformerFactory;
  readonly watched: Set<string>;
}

export function setupMemberClaimsController(
  mgr: Manager,
  caches: QuotaCache,
  registry: MemberRegistry,
  options: MemberClaimsOptions = {},
): void {
  const grace = options.orphanGracePeriodMs ?? 30_000;
  const unknownRecheck = options.unknownRecheckMs ?? 5_000;
  const claims = caches.claims.informer;
  const byMember = (claim: KubeObject) => {
    const member = claim.metadata?.labels?.[LABEL_MEMBER_CLUSTER];
    return member === undefined ? [] : [member];
  };
  if (!claims.hasIndex(BY_MEMBER)) claims.addIndex(BY_MEMBER, byMember);
  if (!claims.hasIndex(BY_MEMBER_OBJECT))
    claims.addIndex(BY_MEMBER_OBJECT, (obj) => memberObjectKey(obj as unknown as ResourceClaim));
  const events: EventRecorder = mgr.eventRecorder({ component: 'milo-quota-operator' });
  const watches = new Map<string, MemberWatches>();

  const claimsOf = (member: string): Request[] => claims.byIndex(BY_MEMBER, member).map(requestFor);
  const dropWatches = (name: string) => {
    const current = watches.get(name);
    if (current === undefined) return;
    watches.delete(name);
    void current.factory.stop();
  };

  /** The member's informer for `resource`, started on first use; its events reach the claims naming objects. */
  const informerFor = (member: Member, resource: ResourceRef): Informer => {
    let entry = watches.get(member.cluster.name);
    if (entry !== undefined && entry.member.client !== member.client) {
      dropWatches(member.cluster.name);
      entry = undefined;
    }
    if (entry === undefined) {
      const factory = new InformerFactory(
        member.client.kubeConfig,
        mgr.logger.child({ member: member.cluster.name }),
      );
      factory.start();
      entry = { member, factory, watched: new Set() };
      watches.set(member.cluster.name, entry);
    }
    const informer = entry.factory.informerFor(resource, {}, IDENTITY_VIEW);
    const id = resourceId(resource);
    if (!entry.watched.has(id)) {
      entry.watched.add(id);
      const name = member.cluster.name;
      const seen = (obj: KubeObject) => {
        const { namespace = '', name: objectName = '' } = obj.metadata ?? {};
        const key = objectKeyOf(name, resource.group, namespace, objectName);
        for (const claim of claims.byIndex(BY_MEMBER_OBJECT, key)) controller.enqueue(requestFor(claim));
      };
      informer.addEventHandler({ onAdd: seen, onUpdate: (_old, obj) => seen(obj), onDelete: seen });
    }
    return informer;
  };

  const observe = async (
    member: Member,
    resource: ResourceRef,
    claim: ResourceClaim,
    signal: AbortSignal,
  ): Promise<MemberObject> => {
    if (!member.reachable) return { kind: 'unknown', why: 'the member does not answer' };
    const informer = informerFor(member, resource);
    if (!informer.hasSynced()) return { kind: 'unknown', why: "the member's objects are not listed yet" };
    const ref = claim.spec.resourceRef;
    const cached = informer.get(ref?.namespace ?? '', ref?.name ?? '');
    if (cached?.metadata?.uid !== undefined) return { kind: 'present', uid: cached.metadata.uid };
    // Absent from the cache: make sure with a live read before anything is freed (the watch may be behind).
    try {
      const live = (await readMemberObject(member, claim, signal)).object;
      if (live === undefined) return { kind: 'absent' };
      const uid = live.metadata?.uid;
      return uid === undefined ? { kind: 'unknown', why: 'no uid' } : { kind: 'present', uid };
    } catch (error) {
      return { kind: 'unknown', why: error instanceof Error ? error.message : String(error) };
    }
  };

  const reconcile: Reconciler = async (ctx, req) => {
    const claim = caches.claims.get(req.namespace, req.name);
    if (claim === undefined || claim.metadata.deletionTimestamp !== undefined) return {};
    const name = claim.metadata.labels?.[LABEL_MEMBER_CLUSTER];
    if (name === undefined) return {};
    // A member whose Secret is gone keeps its claims: unregistering a cluster frees nothing by itself.
    const member = registry.get(name);
    const resource = memberResource(claim);
    if (member === undefined || resource === undefined) return {};
    const object = await observe(member, resource, claim, ctx.signal);
    const fate = memberClaimFate({
      uid: claim.metadata.labels?.[LABEL_RESOURCE_UID],
      createdAtMs: Date.parse(claim.metadata.creationTimestamp ?? '') || Date.now(),
      object,
      nowMs: Date.now(),
      graceMs: grace,
      unknownRecheckMs: unknownRecheck,
    });
    if (fate.kind === 'recheck') return { requeueAfterMs: fate.afterMs };
    if (fate.kind === 'keep') return {};
    mgr.assertLeading();
    try {
      await mgr.client.delete(RESOURCES.claims, req.namespace, req.name, { uid: claim.metadata.uid ?? '' });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    events.event(
      claim as unknown as KubeObject,
      'Normal',
      'ClaimReleased',
      `released: ${fate.why} (member ${name})`,
    );
    return {};
  };

  const controller = mgr.newController({ name: 'member-claims', reconciler: reconcile });
  // the members' informers live as long as the manager
  mgr.add({
    name: 'member-watches',
    start: async (signal) => {
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      await Promise.all([...watches.keys()].map(async (name) => watches.get(name)?.factory.stop()));
      watches.clear();
    },
  });
  controller.watch({ informer: claims, predicates: [(event) => byMember(event.object).length > 0] });
  registry.onChange((name) => {
    if (registry.get(name) === undefined) dropWatches(name);
    for (const req of claimsOf(name)) controller.enqueue(req);
  });
}
