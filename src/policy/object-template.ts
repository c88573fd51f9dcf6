import {
  anyTextProblem,
  apiGroupProblem,
  dnsLabelProblem,
  dnsSubdomainProblem,
  type FieldError,
  generateNameProblem,
  kindProblem,
  labelValueProblem,
  type NameRule,
} from '../api/index.ts';
import type { PolicyEnvironment, PolicyKind } from './environment.ts';
import { PolicyError } from './errors.ts';
import type { ObjectTemplate, TemplateSpec } from './inputs.ts';
import { type CompiledTemplate, compileTemplate } from './template.ts';

/** One templated string field with the naming rule (src/api's) its rendered value must satisfy. */
export interface CompiledField<K extends PolicyKind = PolicyKind> {
  readonly template: CompiledTemplate<K>;
  readonly rule: NameRule;
  readonly required: boolean;
}

/** A grant or claim template compiled field by field (SPEC §5 "Rendered fields"); the rest of spec is kept. */
export interface CompiledObjectTemplate<
  K extends PolicyKind = PolicyKind,
  S extends TemplateSpec = TemplateSpec,
> {
  readonly path: string;
  readonly name?: CompiledField<K>;
  readonly generateName?: CompiledField<K>;
  readonly namespace?: CompiledField<K>;
  readonly labels: readonly (readonly [string, CompiledField<K>])[];
  readonly annotations: readonly (readonly [string, CompiledField<K>])[];
  readonly consumerRef?: {
    readonly apiGroup?: CompiledField<K>;
    readonly kind: CompiledField<K>;
    readonly name: CompiledField<K>;
    readonly namespace?: CompiledField<K>;
  };
  readonly spec: S;
}

export type CompileResult<T> =
  | { readonly ok: true; readonly value: T; readonly errors?: never }
  | { readonly ok: false; readonly errors: readonly FieldError[]; readonly value?: never };

/**
 * Compiles every rendered field of a template at `path` (e.g. `spec.target.resourceGrantTemplate`):
 * templated values are parsed and type-checked, and every field keeps the naming rule its rendered text must
 * satisfy. All problems are collected. What needs no CEL (literal names and keys, tracking keys, required
 * fields) is src/api's, run by the validators; rendering applies the rules to literal text as well.
 */
export function compileObjectTemplate<K extends PolicyKind, S extends TemplateSpec>(
  env: PolicyEnvironment<K>,
  template: ObjectTemplate<S>,
  path: string,
): CompileResult<CompiledObjectTemplate<K, S>> {
  const errors: FieldError[] = [];
  const field = (value: string | undefined, at: string, rule: NameRule, required = false) =>
    compileField(env, value, at, rule, required, errors);
  const meta = template.metadata ?? {};
  const labels = keyed(meta.labels, `${path}.metadata.labels`, labelValueProblem, field);
  const annotations = keyed(meta.annotations, `${path}.metadata.annotations`, anyTextProblem, field);
  const name = field(meta.name, `${path}.metadata.name`, dnsSubdomainProblem);
  const generate = field(meta.generateName, `${path}.metadata.generateName`, generateNameProblem);
  const namespace = field(meta.namespace, `${path}.metadata.namespace`, dnsLabelProblem);
  const ref = template.spec.consumerRef;
  const refPath = `${path}.spec.consumerRef`;
  const refApiGroup = ref && field(ref.apiGroup, `${refPath}.apiGroup`, apiGroupProblem);
  const refKind = ref && field(ref.kind, `${refPath}.kind`, kindProblem, true);
  const refName = ref && field(ref.name, `${refPath}.name`, dnsSubdomainProblem, true);
  const refNamespace = ref && field(ref.namespace, `${refPath}.namespace`, dnsLabelProblem);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      path,
      labels,
      annotations,
      spec: template.spec,
      ...(name && { name }),
      ...(generate && { generateName: generate }),
      ...(namespace && { namespace }),
      ...(refKind &&
        refName && {
          consumerRef: {
            kind: refKind,
            name: refName,
            ...(refApiGroup && { apiGroup: refApiGroup }),
            ...(refNamespace && { namespace: refNamespace }),
          },
        }),
    },
  };
}

function compileField<K extends PolicyKind>(
  env: PolicyEnvironment<K>,
  value: string | undefined,
  path: string,
  rule: NameRule,
  required: boolean,
  errors: FieldError[],
): CompiledField<K> | undefined {
  // A missing required value (consumerRef kind or name) is a schema error the validators report.
  if (value === undefined || value === '') return undefined;
  try {
    return { template: compileTemplate(env, value, path), rule, required };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    errors.push(error.toFieldError());
    return undefined;
  }
}

type FieldCompiler<K extends PolicyKind> = (
  value: string | undefined,
  path: string,
  rule: NameRule,
) => CompiledField<K> | undefined;

/** Labels or annotations: keys as written (src/api checks them), values compiled. */
function keyed<K extends PolicyKind>(
  entries: Readonly<Record<string, string>> | undefined,
  path: string,
  rule: NameRule,
  field: FieldCompiler<K>,
): (readonly [string, CompiledField<K>])[] {
  const out: (readonly [string, CompiledField<K>])[] = [];
  for (const [key, value] of Object.entries(entries ?? {})) {
    const at = `${path}[${key}]`;
    // An empty value is a valid literal (e.g. a marker label); compile it as such.
    const compiled = value === '' ? literalField<K>(at, rule) : field(value, at, rule);
    if (compiled !== undefined) out.push([key, compiled]);
  }
  return out;
}

function literalField<K extends PolicyKind>(path: string, rule: NameRule): CompiledField<K> {
  return { template: { path, text: '', parts: [] }, rule, required: false };
}
