import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bindVariables, createEnvironment, type GrantVariables } from './environment.ts';
import { PolicyError } from './errors.ts';
import { claimPolicy, claimVariables, grantPolicy, organization } from './fixtures.ts';
import type { ClaimTemplateSpec, GrantTemplateSpec, ObjectTemplate } from './inputs.ts';
import { type CompiledObjectTemplate, compileObjectTemplate } from './object-template.ts';
import { renderObject } from './render.ts';

const grantEnv = createEnvironment('GrantCreationPolicy');
const claimEnv = createEnvironment('ClaimCreationPolicy');
const GRANT = 'spec.target.resourceGrantTemplate';

function compiledGrant(
  template: ObjectTemplate<GrantTemplateSpec>,
): CompiledObjectTemplate<'GrantCreationPolicy', GrantTemplateSpec> {
  const result = compileObjectTemplate(grantEnv, template, GRANT);
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return result.value;
}

const grantTemplate = grantPolicy().spec.target.resourceGrantTemplate;
const orgVars = bindVariables('GrantCreationPolicy', { trigger: organization });

describe('renderObject', () => {
  it('renders a grant: metadata, labels, annotations and consumerRef; copies allowances', () => {
    const rendered = renderObject(compiledGrant(grantTemplate), orgVars);
    assert.deepEqual(rendered, {
      metadata: {
        name: 'auto-grant-acme',
        namespace: 'organization-acme',
        labels: { 'quota.miloapis.com/policy': 'standard-orgs', tier: 'gold' },
        annotations: { 'example.com/owner': 'owned by team-a' },
      },
      spec: {
        consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
        allowances: [{ resourceType: 'resourcemanager.miloapis.com/projects', buckets: [{ amount: 10 }] }],
      },
    });
    assert.notEqual(rendered.spec.allowances, grantTemplate.spec.allowances, 'spec is copied, not shared');
  });

  it('renders a claim with user and requestInfo', () => {
    const template = claimPolicy().spec.target.resourceClaimTemplate;
    const result = compileObjectTemplate(claimEnv, template, 'spec.target.resourceClaimTemplate');
    assert.ok(result.ok);
    const rendered = renderObject(result.value, bindVariables('ClaimCreationPolicy', claimVariables));
    assert.deepEqual(rendered.metadata, {
      name: 'project-web',
      namespace: 'organization-acme',
      labels: {},
      annotations: { 'example.com/requested-by': 'alice' },
    });
    const spec: ClaimTemplateSpec = rendered.spec;
    assert.deepEqual(spec.consumerRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'acme',
    });
    assert.deepEqual(spec.requests, [{ resourceType: 'resourcemanager.miloapis.com/projects', amount: 1 }]);
  });

  it('leaves out optional fields that render empty', () => {
    const template = compiledGrant({
      ...grantTemplate,
      metadata: {
        name: 'g-{{trigger.metadata.name}}',
        namespace: '{{ trigger.has("metadata.namespace") ? trigger.metadata.namespace : "" }}',
      },
    });
    assert.deepEqual(renderObject(template, orgVars).metadata, {
      name: 'g-acme',
      labels: {},
      annotations: {},
    });
  });

  const invalid: Record<string, [ObjectTemplate<GrantTemplateSpec>, string, string]> = {
    'a name that is not a DNS subdomain': [
      { ...grantTemplate, metadata: { name: 'grant-{{trigger.metadata.name.upperAscii()}}' } },
      `${GRANT}.metadata.name`,
      'not a valid DNS-1123 subdomain',
    ],
    'a namespace with a dot': [
      { ...grantTemplate, metadata: { name: 'g', namespace: 'a.{{trigger.metadata.name}}' } },
      `${GRANT}.metadata.namespace`,
      'not a valid DNS-1123 label',
    ],
    'a label value with spaces': [
      { ...grantTemplate, metadata: { name: 'g', labels: { owner: 'owned by {{trigger.metadata.name}}' } } },
      `${GRANT}.metadata.labels[owner]`,
      'label value',
    ],
    'a required consumer name that renders empty': [
      {
        ...grantTemplate,
        spec: { ...grantTemplate.spec, consumerRef: { kind: 'Organization', name: '{{""}}' } },
      },
      `${GRANT}.spec.consumerRef.name`,
      'rendered an empty string; a value is required',
    ],
    'a consumer kind in lower case': [
      {
        ...grantTemplate,
        spec: { ...grantTemplate.spec, consumerRef: { kind: '{{"organization"}}', name: 'a' } },
      },
      `${GRANT}.spec.consumerRef.kind`,
      'must start with an upper case letter',
    ],
  };
  for (const [name, [template, path, fragment]] of Object.entries(invalid)) {
    it(`refuses ${name}, naming the template field`, () => {
      assert.throws(
        () => renderObject(compiledGrant(template), orgVars),
        (e: unknown) =>
          e instanceof PolicyError &&
          e.code === 'evaluation' &&
          e.path === path &&
          e.message.includes(fragment),
      );
    });
  }

  it('rendering against arbitrary triggers yields valid names or a PolicyError, nothing else', () => {
    const compiled = compiledGrant(grantTemplate);
    fc.assert(
      fc.property(fc.oneof(fc.object(), fc.jsonValue()), (trigger) => {
        try {
          const out = renderObject(
            compiled,
            bindVariables('GrantCreationPolicy', { trigger } as GrantVariables),
          );
          assert.match(out.metadata.name ?? '', /^auto-grant-[a-z0-9]/);
        } catch (error) {
          assert.ok(error instanceof PolicyError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });
});
