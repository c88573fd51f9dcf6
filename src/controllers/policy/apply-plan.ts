// Carries out a trigger's plan against the API: creates, updates (PUT with the cached resourceVersion, so a
// stale copy fails with 409 and is retried) and deletes (uid precondition, so a grant re-created meanwhile is
// not the one deleted), with one Event on the trigger per change. Every action is tried; failures are
// returned for the caller to retry.
import type { ResourceGrant } from '../../api/index.ts';
import { RESOURCES } from '../../cache/index.ts';
import {
  type EventRecorder,
  errorFields,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '../../runtime/index.ts';
import { FIELD_MANAGER } from '../status-writer.ts';
import type { GrantAction } from './plan.ts';

export interface ApplyDeps {
  readonly client: KubeClient;
  readonly events: EventRecorder;
  readonly log: Logger;
}

export interface ApplyResult {
  readonly failures: readonly unknown[];
  /** Some grant could not be written because of another object: try again later. */
  readonly blocked: boolean;
  /** A write lost a race with the cache: try again shortly. */
  readonly stale: boolean;
}

const name = (g: ResourceGrant) => `${g.metadata.namespace}/${g.metadata.name}`;

/** `eventTarget`: the trigger, or its last known state when it is gone (no Events if unknown). */
export async function applyPlan(
  deps: ApplyDeps,
  eventTarget: KubeObject | undefined,
  actions: readonly GrantAction[],
  signal: AbortSignal,
): Promise<ApplyResult> {
  const failures: unknown[] = [];
  let blocked = false;
  let stale = false;
  const event = (type: 'Normal' | 'Warning', reason: string, message: string) => {
    if (eventTarget !== undefined) deps.events.event(eventTarget, type, reason, message);
  };
  const write = { fieldManager: FIELD_MANAGER, signal };
  for (const action of actions) {
    try {
      switch (action.type) {
        case 'create':
          await deps.client.create(RESOURCES.grants, action.grant, write);
          event(
            'Normal',
            'GrantCreated',
            `Created ResourceGrant ${name(action.grant)} (policy ${action.policy})`,
          );
          break;
        case 'update': {
          await deps.client.replace(RESOURCES.grants, action.grant, write);
          const how = action.adopted ? 'Adopted and updated' : 'Updated';
          event(
            'Normal',
            'GrantUpdated',
            `${how} ResourceGrant ${name(action.grant)} (policy ${action.policy})`,
          );
          break;
        }
        case 'delete':
          if (await deleteGrant(deps.client, action.grant, signal)) {
            const message = `Deleted ResourceGrant ${name(action.grant)} (policy ${action.policy}): ${action.why}`;
            event('Normal', 'GrantDeleted', message);
          }
          break;
        case 'blocked':
          blocked = true;
          event('Warning', 'PolicyProcessingFailed', `policy ${action.policy}: ${action.message}`);
          break;
      }
    } catch (error) {
      // A stale cache (409 on update, AlreadyExists on create) is routine: retried quietly.
      if (isConflict(error) || isAlreadyExists(error)) {
        stale = true;
        deps.log.debug('grant write raced the cache; retrying', {
          action: action.type,
          ...errorFields(error),
        });
        continue;
      }
      failures.push(error);
      const message = error instanceof Error ? error.message : String(error);
      event(
        'Warning',
        'PolicyProcessingFailed',
        `policy ${action.policy}: ${action.type} failed: ${message}`,
      );
    }
  }
  return { failures, blocked, stale };
}

/** True if this call deleted it; already gone or replaced by another object (uid mismatch) is not an error. */
async function deleteGrant(client: KubeClient, grant: ResourceGrant, signal: AbortSignal): Promise<boolean> {
  const { namespace = '', name: grantName = '', uid } = grant.metadata;
  try {
    await client.delete(RESOURCES.grants, namespace, grantName, { signal, ...(uid ? { uid } : {}) });
    return true;
  } catch (error) {
    if (isNotFound(error) || isConflict(error)) return false;
    throw error;
  }
}
