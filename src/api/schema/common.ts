// Schema fragments shared by several kinds: metav1.Condition, consumer and object references, claiming
// resources, CEL condition expressions and the metadata template used by both policy kinds.
import { MAX_AMOUNT } from '../amount.ts';
import { CONDITION_REASONS, type ConditionedKind } from '../reasons.ts';
import {
  array,
  dateTime,
  enumOf,
  type IntegerOptions,
  int64,
  object,
  optional,
  type Schema,
  string,
  stringMap,
} from './builder.ts';
import {
  API_GROUP_PATTERN,
  CONDITION_REASON_PATTERN,
  CONDITION_TYPE_PATTERN,
  MAX_KIND_LENGTH,
  MAX_NAME_LENGTH,
  MAX_NAMESPACE_LENGTH,
  MAX_RESOURCE_TYPE_LENGTH,
  OPTIONAL_API_GROUP_PATTERN,
} from './patterns.ts';

/** An amount in base units, capped at 2^53-1 so JavaScript numbers stay exact. */
export function amountSchema(minimum: 0 | 1, description: string): Schema<number> {
  const o: IntegerOptions = { description, minimum, maximum: MAX_AMOUNT };
  return int64(o);
}

export function resourceTypeSchema(description: string): Schema<string> {
  return string({ description, minLength: 1, maxLength: MAX_RESOURCE_TYPE_LENGTH });
}

/** metav1.Condition, exactly as controller-gen emits it. */
export const conditionSchema = object(
  {
    type: string({
      description: 'Type of condition in CamelCase, e.g. Active, Granted or Ready.',
      maxLength: 316,
      pattern: CONDITION_TYPE_PATTERN,
    }),
    status: enumOf(['True', 'False', 'Unknown'] as const, { description: 'Status of the condition.' }),
    observedGeneration: optional(
      int64({
        description: 'metadata.generation the condition was computed from.',
        minimum: 0,
      }),
    ),
    lastTransitionTime: dateTime({ description: 'Last time the condition changed status.' }),
    reason: string({
      description: 'Machine-readable CamelCase reason for the last transition.',
      minLength: 1,
      maxLength: 1024,
      pattern: CONDITION_REASON_PATTERN,
    }),
    message: string({ description: 'Human-readable details about the last transition.', maxLength: 32768 }),
  },
  { description: 'Condition is the standard Kubernetes metav1.Condition.' },
);

/**
 * status.conditions: a list-map keyed by type, with one CEL rule per condition type restricting its reasons
 * to the documented set (Milo's rules, plus the policy kinds Milo left unchecked).
 */
export function conditionsSchema(
  description: string,
  reasonsByType: Readonly<Record<string, readonly string[]>>,
) {
  const rules = Object.entries(reasonsByType).map(([type, reasons]) => ({
    rule: `self.all(c, c.type == '${type}' ? c.reason in [${reasons.map((r) => `'${r}'`).join(', ')}] : true)`,
    message: `${type} condition reason must be valid: one of ${reasons.join(', ')}`,
  }));
  return array(conditionSchema, { description, maxItems: 16, listType: 'map', listMapKeys: ['type'], rules });
}

export const observedGenerationSchema = int64({
  description: 'The metadata.generation this status was computed from.',
  minimum: 0,
});

/**
 * ConsumerRef: who receives a grant or pays for a claim (Milo: kind and name required). In policy templates
 * the fields may hold {{ CEL }} segments, so the length bounds there are those of the template text.
 */
export function consumerRef(forTemplate = false) {
  const t = forTemplate ? ' May contain {{ }} templates.' : '';
  const max = (n: number) => (forTemplate ? 1024 : n);
  return object(
    {
      apiGroup: optional(
        string({
          description: `API group of the consumer kind; empty for the core group.${t}`,
          maxLength: max(253),
        }),
      ),
      kind: string({
        description: `Kind of the consumer, e.g. Organization or Project.${t}`,
        minLength: 1,
        maxLength: max(MAX_KIND_LENGTH),
      }),
      name: string({
        description: `Name of the consumer object.${t}`,
        minLength: 1,
        maxLength: max(MAX_NAME_LENGTH),
      }),
      namespace: optional(
        string({
          description: `Namespace of the consumer, for namespaced consumer kinds only.${t}`,
          maxLength: max(MAX_NAMESPACE_LENGTH),
        }),
      ),
    },
    {
      description:
        'Identifies the consumer (quota holder): apiGroup, kind, name and, if namespaced, namespace.',
    },
  );
}

export const consumerRefSchema = consumerRef();

/** UnversionedObjectReference: the object a claim pays for. */
export const objectRefSchema = object(
  {
    apiGroup: optional(
      string({ description: 'API group of the object; empty for the core group.', maxLength: 253 }),
    ),
    kind: string({ description: 'Kind of the object.', minLength: 1, maxLength: MAX_KIND_LENGTH }),
    name: string({ description: 'Name of the object.', minLength: 1, maxLength: MAX_NAME_LENGTH }),
    namespace: optional(
      string({ description: 'Namespace of the object, if namespaced.', maxLength: MAX_NAMESPACE_LENGTH }),
    ),
  },
  { description: 'Refers to an object by API group, kind, name and namespace (no version).' },
);

/** ConsumerType: the kind that receives grants for a resource type (Milo: apiGroup must be non-empty). */
export const consumerTypeSchema = object(
  {
    apiGroup: string({
      description: 'API group of the consumer kind, e.g. resourcemanager.miloapis.com.',
      maxLength: 253,
      pattern: API_GROUP_PATTERN,
    }),
    kind: string({
      description: 'Kind of the consumer, e.g. Organization.',
      minLength: 1,
      maxLength: MAX_KIND_LENGTH,
    }),
  },
  { description: 'The kind of object that receives grants and is charged for claims of this resource type.' },
);

/** ClaimingResource: a kind whose creation may claim a resource type. */
export const claimingResourceSchema = object(
  {
    apiGroup: optional(
      string({
        description: 'API group of the claiming kind; empty for the core group.',
        maxLength: 253,
        pattern: OPTIONAL_API_GROUP_PATTERN,
      }),
    ),
    kind: string({
      description: 'Kind allowed to claim this resource type.',
      minLength: 1,
      maxLength: MAX_KIND_LENGTH,
    }),
  },
  { description: 'An API group and kind whose objects may claim this resource type.' },
);

/** A CEL boolean constraint in a policy trigger. */
export const conditionExpressionSchema = object(
  {
    expression: string({
      description: 'CEL expression (no {{ }}) over `trigger` that must evaluate to true.',
      minLength: 1,
      maxLength: 1024,
    }),
    message: optional(
      string({ description: 'Explains the constraint when it does not hold.', maxLength: 256 }),
    ),
  },
  { description: 'A CEL constraint that must hold for the policy to apply to a trigger object.' },
);

/** ObjectMetaTemplate: metadata of generated objects; values may contain {{ CEL }} segments. */
export const objectMetaTemplateSchema = object(
  {
    name: optional(string({ description: 'Name of the generated object; may contain {{ }} templates.' })),
    generateName: optional(
      string({ description: 'Name prefix when no name is given; may contain templates.' }),
    ),
    namespace: optional(string({ description: 'Namespace of the generated object; may contain templates.' })),
    labels: optional(stringMap({ description: 'Labels of the generated object.' })),
    annotations: optional(stringMap({ description: 'Annotations of the generated object.' })),
  },
  { description: 'Metadata for generated objects. String values may contain {{ CEL }} templates.' },
);

/**
 * The status every kind starts with: observedGeneration 0, below any generation, so kstatus, Flux and
 * Argo CD read a new object as InProgress until the operator has observed it (an absent status reads as
 * Current). Buckets have none: the operator creates them and writes their status at once.
 */
export const UNOBSERVED = { observedGeneration: 0 } as const;

/**
 * The status of a kind whose whole state is its conditions (registrations, grants, both policy kinds):
 * observedGeneration and conditions, UNOBSERVED until the operator has observed the object.
 */
export function conditionsStatusSchema(kind: ConditionedKind, noun: string, conditionsHelp: string) {
  return object(
    {
      observedGeneration: optional(observedGenerationSchema),
      conditions: optional(conditionsSchema(conditionsHelp, CONDITION_REASONS[kind])),
    },
    { description: `Observed state of the ${noun}, written by the operator.`, default: UNOBSERVED },
  );
}
