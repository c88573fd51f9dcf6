// Event → request mapping (controller-runtime's pkg/handler): which keys an informer event should enqueue.
// One function per strategy; a controller's source combines one of them with predicates.
import { groupOf } from './client.ts';
import { type KubeObject, type Request, requestFor } from './types.ts';

export type ObjectEvent =
  | { type: 'create'; object: KubeObject }
  | { type: 'update'; oldObject: KubeObject; object: KubeObject }
  | { type: 'delete'; object: KubeObject };

/** Maps an event to the requests to enqueue (duplicates are fine: the queue de-duplicates). */
export type EventMapper = (event: ObjectEvent) => Request[];

/** The objects an event is about: both sides of an update, since either may map somewhere different. */
export function eventObjects(event: ObjectEvent): KubeObject[] {
  return event.type === 'update' ? [event.oldObject, event.object] : [event.object];
}

/** Enqueues the object itself (controller-runtime's EnqueueRequestForObject, used by `For`). */
export function enqueueObject(): EventMapper {
  return (event) => [requestFor(event.object)];
}

export interface OwnerOptions {
  /** API group of the owner kind ('' for core). */
  group: string;
  kind: string;
  /** Only the owner reference with `controller: true`. Default true (controller-runtime's `Owns`). */
  onlyController?: boolean;
  /** Owner is cluster-scoped: enqueue it without a namespace. Default false (same namespace as the object). */
  clusterScoped?: boolean;
}

/** Enqueues the owner named in the object's ownerReferences (EnqueueRequestForOwner). */
export function enqueueOwner(options: OwnerOptions): EventMapper {
  const onlyController = options.onlyController ?? true;
  return (event) => {
    const requests: Request[] = [];
    for (const obj of eventObjects(event)) {
      for (const ref of obj.metadata?.ownerReferences ?? []) {
        if (ref.kind !== options.kind || groupOf(ref.apiVersion) !== options.group) continue;
        if (onlyController && ref.controller !== true) continue;
        const namespace = options.clusterScoped ? '' : (obj.metadata?.namespace ?? '');
        requests.push({ namespace, name: ref.name });
      }
    }
    return requests;
  };
}

/** Enqueues whatever `map` returns for the object (EnqueueRequestsFromMapFunc); updates map old and new. */
export function enqueueMapped(map: (obj: KubeObject) => Request[]): EventMapper {
  return (event) => eventObjects(event).flatMap((obj) => map(obj));
}
