// What `kubectl quota explain` reports about one claim: built by explain.ts, printed by explain-printer.ts, read
// by why.ts. Its own module, so the three do not import each other in a circle.
import type { ConsumerRef, ObjectRef, OwnerReference } from '../../api/index.ts';
import type { ClaimDecision } from '../../client/index.ts';
import type { DisplayUnits } from '../../quota/display-units.ts';

export interface BucketFigures {
  readonly namespace: string;
  readonly name: string;
  readonly limit: number;
  readonly allocated: number;
  readonly available: number;
}

export interface RequestExplanation {
  readonly resourceType: string;
  readonly requested: number;
  /** The allocation entry's status, or Pending when there is none yet. */
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly allocatedAmount?: number;
  /** The consumer's bucket for this resource type, with its current figures. */
  readonly bucket?: BucketFigures;
  /** Display units from the resource type's registration (figures stay in base units here). */
  readonly units?: DisplayUnits;
}

export interface ExplainReport {
  readonly namespace: string;
  readonly name: string;
  readonly created?: string;
  readonly consumer?: ConsumerRef;
  readonly object?: ObjectRef;
  readonly owners: readonly OwnerReference[];
  /** The ClaimCreationPolicy that made the claim at admission; absent for service-made claims. */
  readonly policy?: string;
  readonly autoCreated: boolean;
  readonly decision: ClaimDecision;
  /** When the Granted condition last changed, unless it is the CRD default. */
  readonly decidedAt?: string;
  readonly requests: readonly RequestExplanation[];
  readonly why: readonly string[];
}
