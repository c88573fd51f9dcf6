// Describes one quota kind (names, schema, columns) and turns it into an apiextensions.k8s.io/v1
// CustomResourceDefinition object. scripts/gen-crds.ts serialises these; nothing here does I/O.

import { CATEGORY, GROUP, type QuotaObject, VERSION } from './meta.ts';
import type { JsonSchema, Schema } from './schema/builder.ts';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** One quota kind: its names, schemas and columns. Its object type is `KindObject<typeof definition>`. */
export interface KindDefinition<K extends string = string, Spec = unknown, Status = unknown> {
  readonly kind: K;
  readonly plural: string;
  readonly singular: string;
  readonly listKind: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Cluster' | 'Namespaced';
  readonly description: string;
  readonly spec: Schema<Spec>;
  readonly status: Schema<Status>;
  readonly printerColumns: readonly PrinterColumn[];
  /** Field paths usable with `kubectl get --field-selector` (Kubernetes selectableFields). */
  readonly selectableFields: readonly string[];
}

/** A kind's definition, with its kind name, spec and status types kept for `KindObject`. */
export function defineKind<K extends string, Spec, Status>(
  def: KindDefinition<K, Spec, Status>,
): KindDefinition<K, Spec, Status> {
  return def;
}

/** The object type of a kind, from its definition: the kind name, spec and status in one place. */
export type KindObject<D> =
  D extends KindDefinition<infer K, infer Spec, infer Status> ? QuotaObject<K, Spec, Status> : never;

interface ColumnOptions {
  /** Default 'string'. */
  readonly type?: PrinterColumn['type'];
  /** 1: shown only with `kubectl get -o wide`. Default unset (always shown). */
  readonly priority?: number | undefined;
}

/** A printer column: one way to build each, so every column has the same keys in the same order. */
export function column(name: string, jsonPath: string, options: ColumnOptions = {}): PrinterColumn {
  const col: PrinterColumn = { name, type: options.type ?? 'string', jsonPath };
  return options.priority === undefined ? col : { ...col, priority: options.priority };
}

export const AGE_COLUMN = column('Age', '.metadata.creationTimestamp', { type: 'date' });

/** A printer column showing the status of condition `type`. */
export function conditionColumn(name: string, type: string, priority?: number): PrinterColumn {
  return column(name, `.status.conditions[?(@.type=='${type}')].status`, { priority });
}

export function reasonColumn(type: string, priority?: number): PrinterColumn {
  return column('Reason', `.status.conditions[?(@.type=='${type}')].reason`, { priority });
}

export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly group: string;
    /** The definition's names, and the category every quota kind is listed under. */
    readonly names: Pick<KindDefinition, 'kind' | 'listKind' | 'plural' | 'singular' | 'shortNames'> & {
      readonly categories: readonly string[];
    };
    readonly scope: 'Cluster' | 'Namespaced';
    readonly versions: readonly {
      readonly name: string;
      readonly served: boolean;
      readonly storage: boolean;
      readonly schema: { readonly openAPIV3Schema: JsonSchema };
      readonly subresources: { readonly status: Record<string, never> };
      readonly additionalPrinterColumns: readonly PrinterColumn[];
      readonly selectableFields: readonly { readonly jsonPath: string }[];
    }[];
  };
}

/** The name of a CRD: `<plural>.<group>`. */
export function crdName(def: KindDefinition): string {
  return `${def.plural}.${GROUP}`;
}

export function openApiSchema(def: KindDefinition): JsonSchema {
  return {
    type: 'object',
    description: def.description,
    required: ['spec'],
    properties: {
      apiVersion: {
        type: 'string',
        description: `APIVersion of this object: ${GROUP}/${VERSION}.`,
      },
      kind: { type: 'string', description: `Kind of this object: ${def.kind}.` },
      metadata: { type: 'object' },
      spec: def.spec.json,
      status: def.status.json,
    },
  };
}

export function buildCrd(def: KindDefinition): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdName(def),
      labels: { 'app.kubernetes.io/name': 'milo-quota-operator', 'app.kubernetes.io/part-of': 'milo-quota' },
      // CRDs first in an Argo CD sync (docs/argocd.md: wave -2), before anything that uses them
      annotations: { 'argocd.argoproj.io/sync-wave': '-2' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: def.listKind,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: def.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openApiSchema(def) },
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns,
          selectableFields: def.selectableFields.map((jsonPath) => ({ jsonPath })),
        },
      ],
    },
  };
}
