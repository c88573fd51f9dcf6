import type { Bindings, PolicyKind } from './environment.ts';
import { PolicyError } from './errors.ts';
import type { ConsumerRefTemplate, TemplateSpec } from './inputs.ts';
import type { CompiledField, CompiledObjectTemplate } from './object-template.ts';
import { renderTemplate } from './template.ts';

/** Metadata of a rendered grant or claim. Fields that rendered empty are left out. */
export interface RenderedMetadata {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rendered grant or claim: metadata plus a copy of the template's spec with `consumerRef` rendered. */
export interface RenderedObject<S extends TemplateSpec = TemplateSpec> {
  readonly metadata: RenderedMetadata;
  readonly spec: S;
}

/**
 * Renders a compiled grant or claim template against one trigger's variables (Milo's renderGrantMetadata and
 * renderClaimMetadata in one). Every rendered value must satisfy the field's naming rule: an invalid name
 * fails here, naming the template field, rather than later as an API server rejection. Defaults that depend
 * on the caller (a claim's `<policy>-claim-` generateName, the trigger's namespace) are the caller's to apply.
 */
export function renderObject<K extends PolicyKind, S extends TemplateSpec>(
  template: CompiledObjectTemplate<K, S>,
  bindings: Bindings<K>,
): RenderedObject<S> {
  const value = (field: CompiledField<K> | undefined) =>
    field === undefined ? undefined : renderField(field, bindings);
  const name = value(template.name);
  const generateName = value(template.generateName);
  const namespace = value(template.namespace);
  const metadata: RenderedMetadata = {
    ...(name !== undefined && { name }),
    ...(generateName !== undefined && { generateName }),
    ...(namespace !== undefined && { namespace }),
    labels: renderEntries(template.labels, bindings),
    annotations: renderEntries(template.annotations, bindings),
  };
  const spec = structuredClone(template.spec);
  const ref = template.consumerRef;
  if (ref === undefined) return { metadata, spec };
  const refApiGroup = value(ref.apiGroup);
  const refNamespace = value(ref.namespace);
  const consumerRef: ConsumerRefTemplate = {
    ...(refApiGroup !== undefined && { apiGroup: refApiGroup }),
    // kind and name are required fields: renderField throws rather than return nothing.
    kind: renderField(ref.kind, bindings) ?? '',
    name: renderField(ref.name, bindings) ?? '',
    ...(refNamespace !== undefined && { namespace: refNamespace }),
  };
  return { metadata, spec: { ...spec, consumerRef } };
}

/** The rendered text, or undefined when it rendered empty and the field is optional. */
function renderField<K extends PolicyKind>(
  field: CompiledField<K>,
  bindings: Bindings<K>,
): string | undefined {
  const { path } = field.template;
  const text = renderTemplate(field.template, bindings);
  if (text === '') {
    if (!field.required) return undefined;
    throw new PolicyError(
      'evaluation',
      path,
      `'${field.template.text}' rendered an empty string; a value is required`,
    );
  }
  const problem = field.rule(text);
  if (problem !== undefined) {
    throw new PolicyError(
      'evaluation',
      path,
      `'${field.template.text}' rendered an invalid value: ${problem}`,
    );
  }
  return text;
}

function renderEntries<K extends PolicyKind>(
  entries: readonly (readonly [string, CompiledField<K>])[],
  bindings: Bindings<K>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, field] of entries) out[key] = renderField(field, bindings) ?? '';
  return out;
}
