// The registrations the plugin reads to show figures in display units and features as on/off. Reading them
// is a courtesy: without permission to list ResourceRegistrations the verbs still work, in base units, and
// say so once on stderr.
import type { ResourceRegistration } from '../../api/index.ts';
import { isTransient, KubeApiError, type QuotaApi } from '../../client/index.ts';
import { type DisplayUnits, formatDisplay } from '../../quota/display-units.ts';
import { sleep } from '../../runtime/index.ts';
import type { Output } from './context.ts';
import { figure } from './table.ts';

/** resourceType → its registration. */
export type Registrations = ReadonlyMap<string, ResourceRegistration>;

const ATTEMPTS = 5;
const RETRY_MS = 200;

/**
 * The registrations by resourceType. Never fails the verb: a transient error (429 while the apiserver
 * initializes a new CRD's storage, 5xx) is retried a few times; then, as for 403, the verb goes on in base
 * units with a one-line note on stderr.
 */
export async function readRegistrations(api: QuotaApi, stderr: Output): Promise<Registrations> {
  for (let attempt = 1; ; attempt++) {
    try {
      return new Map((await api.listRegistrations()).map((r) => [r.spec.resourceType, r]));
    } catch (error) {
      if (isTransient(error) && attempt < ATTEMPTS) {
        await sleep(RETRY_MS);
        continue;
      }
      const why =
        error instanceof KubeApiError && error.status === 403
          ? 'you may not list resourceregistrations'
          : `resourceregistrations could not be read (${error instanceof Error ? error.message : String(error)})`;
      stderr.write(`Note: ${why}, so figures are in base units and features are shown as quantities.\n`);
      return new Map();
    }
  }
}

/** A registration's display units, when they differ from showing the base figure bare. */
export function unitsOf(registration: ResourceRegistration | undefined): DisplayUnits | undefined {
  if (registration === undefined) return undefined;
  const { displayUnit, unitConversionFactor } = registration.spec;
  return { displayUnit, unitConversionFactor };
}

/** A figure for people: in display units when the registration is known, else the base figure; `-` if unknown. */
export function shown(value: number | undefined, units: DisplayUnits | undefined): string {
  return units === undefined ? figure(value) : formatDisplay(value, units);
}
