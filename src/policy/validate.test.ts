import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimCreationPolicy, ConsumerRef, FieldError, GrantCreationPolicy } from '../api/index.ts';
import { projectParentContext } from '../api/testing.ts';
import { activeProjects, claimPolicy, grantPolicy, inactive, registrations } from './fixtures.ts';
import {
  type ValidationOptions,
  validateClaimCreationPolicy,
  validateGrantCreationPolicy,
} from './validate.ts';

const GRANT = 'spec.target.resourceGrantTemplate';
const CLAIM = 'spec.target.resourceClaimTemplate';
const admission: ValidationOptions = { mode: 'admission' };
const controller = (
  table = { 'resourcemanager.miloapis.com/projects': activeProjects },
): ValidationOptions => ({
  mode: 'controller',
  registrations: registrations(table),
});

/** The fixture policy granting to the given consumer type. */
const grantingTo = (apiGroup: string, kind: string) =>
  grantPolicy((p) => {
    p.spec.target.resourceGrantTemplate.spec.consumerRef = { apiGroup, kind, name: 'x' };
  });

/** The fixture policy with a parentContext of Projects named by the expression. */
const withParentContext = (nameExpression: string, apiGroup?: string) =>
  grantPolicy((p) => {
    p.spec.target.parentContext = projectParentContext(nameExpression, apiGroup);
  });

/** Expected errors as [path, message fragment] pairs, compared in order. */
type Expected = [string, string][];

function expectErrors(actual: FieldError[], expected: Expected): void {
  assert.equal(actual.length, expected.length, `got ${JSON.stringify(actual, null, 1)}`);
  expected.forEach(([path, fragment], i) => {
    assert.equal(actual[i]?.path, path, JSON.stringify(actual[i]));
    assert.ok(actual[i]?.message.includes(fragment), `${actual[i]?.message} should include ${fragment}`);
  });
}

describe('validateGrantCreationPolicy (static, admission mode)', () => {
  const cases: Record<string, [GrantCreationPolicy, Expected]> = {
    'a valid policy': [grantPolicy(), []],
    'milo-system is a valid literal namespace (no word blacklist)': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = {
          name: 'grant-{{trigger.metadata.name}}',
          namespace: 'milo-system',
        };
      }),
      [],
    ],
    'missing name': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = { namespace: 'milo-system' };
      }),
      [[`${GRANT}.metadata.name`, 'Required value: grants need a deterministic name']],
    ],
    'invalid literal name, generateName and namespace': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = {
          name: 'Bad_Name',
          generateName: 'gen',
          namespace: 'a.b',
        };
      }),
      [
        [`${GRANT}.metadata.name`, '"Bad_Name" is not a valid DNS-1123 subdomain'],
        [`${GRANT}.metadata.generateName`, "generateName must end with '-'"],
      ],
    ],
    'a dotted literal namespace is admitted, as in Milo (the controller reports it)': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = { name: 'g', namespace: 'a.b' };
      }),
      [],
    ],
    'label keys must be literal qualified names, values valid': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = {
          name: 'g',
          labels: { '{{trigger.metadata.name}}': 'x', 'bad key': 'x', ok: 'not valid!' },
        };
      }),
      [
        [`${GRANT}.metadata.labels[{{trigger.metadata.name}}]`, 'keys are not templated'],
        [`${GRANT}.metadata.labels[bad key]`, 'not a valid qualified name'],
        [`${GRANT}.metadata.labels[ok]`, 'label value "not valid!" is invalid'],
      ],
    ],
    'GitOps tracking keys are refused on labels and annotations': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = {
          name: 'g',
          labels: { 'app.kubernetes.io/instance': 'quota' },
          annotations: { 'argocd.argoproj.io/sync-wave': '1', 'argocd.argoproj.io/tracking-id': 'x' },
        };
      }),
      [
        [`${GRANT}.metadata.labels[app.kubernetes.io/instance]`, 'is a GitOps tracking key'],
        [`${GRANT}.metadata.annotations[argocd.argoproj.io/sync-wave]`, 'is a GitOps tracking key'],
        [`${GRANT}.metadata.annotations[argocd.argoproj.io/tracking-id]`, 'is a GitOps tracking key'],
      ],
    ],
    'template syntax and CEL errors name the field': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = {
          name: 'g-{{trigger.metadata.name',
          annotations: { a: '{{ user.name }}', b: '{{ trigger.metadata.name +}}' },
        };
      }),
      [
        [
          `${GRANT}.metadata.annotations[a]`,
          "undeclared reference to 'user' (variables in GrantCreationPolicy: trigger)",
        ],
        [`${GRANT}.metadata.annotations[b]`, 'CEL syntax error'],
        [`${GRANT}.metadata.name`, "unmatched '{{' delimiter in template at offset 2"],
      ],
    ],
    'consumerRef literals and required fields': [
      grantPolicy((p) => {
        // no name: an object the schema rejects, built on purpose
        p.spec.target.resourceGrantTemplate.spec.consumerRef = {
          apiGroup: 'Not_A_Group',
          kind: 'organization',
        } as ConsumerRef;
      }),
      [
        [`${GRANT}.spec.consumerRef.apiGroup`, 'not a valid DNS-1123 subdomain'],
        [`${GRANT}.spec.consumerRef.kind`, 'must start with an upper case letter'],
        [`${GRANT}.spec.consumerRef.name`, 'Required value'],
      ],
    ],
    'constraints are compiled and must be bool': [
      grantPolicy((p) => {
        p.spec.trigger.constraints = [
          { expression: 'trigger.spec.type == "Standard"' },
          { expression: 'trigger.spec.enabled' },
          { expression: 'trigger.spec.type ==' },
        ];
      }),
      [
        ['spec.trigger.constraints[1].expression', 'a constraint must return bool'],
        ['spec.trigger.constraints[2].expression', 'CEL syntax error'],
      ],
    ],
    'resource types are literal': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.spec.allowances = [
          { resourceType: '{{trigger.spec.type}}', buckets: [{ amount: 1 }] },
          { resourceType: '', buckets: [{ amount: 1 }] },
        ];
      }),
      [
        [`${GRANT}.spec.allowances[0].resourceType`, 'resource types are not templated'],
        [`${GRANT}.spec.allowances[1].resourceType`, 'resource type is required'],
      ],
    ],
    'parentContext nameExpression must yield a string': [
      withParentContext('size(trigger)'),
      [['spec.target.parentContext.nameExpression', 'must return a string, got int']],
    ],
  };
  for (const [name, [policy, expected]] of Object.entries(cases)) {
    it(name, () => expectErrors(validateGrantCreationPolicy(policy, admission), expected));
  }
});

describe('validateGrantCreationPolicy (controller mode: static + API state)', () => {
  const cases: Record<string, [GrantCreationPolicy, ValidationOptions, Expected]> = {
    'registered, Active, matching consumer': [grantPolicy(), controller(), []],
    'a dotted literal namespace: not Ready, no grant could be created there': [
      grantPolicy((p) => {
        p.spec.target.resourceGrantTemplate.metadata = { name: 'g', namespace: 'a.b' };
      }),
      controller(),
      [[`${GRANT}.metadata.namespace`, 'namespaces are DNS labels, so no object could be created there']],
    ],
    'unregistered resource type (admitted, but not Ready)': [
      grantPolicy(),
      controller({} as never),
      [
        [
          `${GRANT}.spec.allowances[0].resourceType`,
          "resource type 'resourcemanager.miloapis.com/projects' is not registered",
        ],
      ],
    ],
    'registration not Active': [
      grantPolicy(),
      controller({ 'resourcemanager.miloapis.com/projects': inactive(activeProjects) }),
      [[`${GRANT}.spec.allowances[0].resourceType`, 'is not Active']],
    ],
    'consumer type mismatch': [
      grantingTo('resourcemanager.miloapis.com', 'Project'),
      controller(),
      [
        [
          `${GRANT}.spec.consumerRef`,
          'consumer type mismatch for resource type resourcemanager.miloapis.com/projects: expected resourcemanager.miloapis.com/Organization, got resourcemanager.miloapis.com/Project',
        ],
      ],
    ],
    'a templated consumer kind is checked at render time only': [
      grantingTo('x.io', '{{trigger.kind}}'),
      controller(),
      [],
    ],
    'parentContext is not supported on a single cluster': [
      withParentContext('trigger.metadata.name'),
      controller(),
      [['spec.target.parentContext', 'not supported on a single cluster']],
    ],
  };
  for (const [name, [policy, options, expected]] of Object.entries(cases)) {
    it(name, () => expectErrors(validateGrantCreationPolicy(policy, options), expected));
  }

  it('admission mode skips API state: an unregistered type and parentContext are admitted', () => {
    const policy = withParentContext('trigger.metadata.name', 'g.io');
    policy.spec.target.resourceGrantTemplate.spec.allowances = [
      { resourceType: 'never/registered', buckets: [{ amount: 1 }] },
    ];
    expectErrors(validateGrantCreationPolicy(policy, admission), []);
  });
});

describe('validateClaimCreationPolicy', () => {
  const cases: Record<string, [ClaimCreationPolicy, ValidationOptions, Expected]> = {
    'a valid policy (admission)': [claimPolicy(), admission, []],
    'a valid policy (controller)': [claimPolicy(), controller(), []],
    'Milo sample shape: generateName and requestInfo namespace': [
      claimPolicy((p) => {
        p.spec.target.resourceClaimTemplate.metadata = {
          generateName: 'secret-claim-',
          namespace: '{{requestInfo.namespace}}',
        };
      }),
      admission,
      [],
    ],
    'name and generateName are mutually exclusive': [
      claimPolicy((p) => {
        p.spec.target.resourceClaimTemplate.metadata = { name: 'a', generateName: 'a-' };
      }),
      admission,
      [[`${CLAIM}.metadata`, 'metadata.name and metadata.generateName are mutually exclusive']],
    ],
    'resourceRef cannot be set': [
      claimPolicy((p) => {
        p.spec.target.resourceClaimTemplate.spec.resourceRef = { kind: 'Project', name: 'x' };
      }),
      admission,
      [
        [
          `${CLAIM}.spec.resourceRef`,
          'resourceRef field is automatically populated and cannot be set in template',
        ],
      ],
    ],
    'requests: duplicate types and zero amounts': [
      claimPolicy((p) => {
        p.spec.target.resourceClaimTemplate.spec.requests = [
          { resourceType: 'a/b', amount: 1 },
          { resourceType: 'a/b', amount: 0 },
        ];
      }),
      admission,
      [
        [`${CLAIM}.spec.requests[1].resourceType`, "resource type 'a/b' is already specified in request 0"],
        [`${CLAIM}.spec.requests[1].amount`, 'amount must be greater than 0'],
      ],
    ],
    'constraint using an unknown requestInfo field': [
      claimPolicy((p) => {
        p.spec.trigger.constraints = [{ expression: 'requestInfo.user == "x"' }];
      }),
      admission,
      [['spec.trigger.constraints[0].expression', "requestInfo has no field 'user'"]],
    ],
    'no consumerRef: valid, the consumer comes from the request context (Milo 696c4c7e)': [
      claimPolicy((p) => {
        delete p.spec.target.resourceClaimTemplate.spec.consumerRef;
      }),
      controller(),
      [],
    ],
    'trigger kind outside the claiming resources: Ready, as in Milo (each claim is checked at admission)': [
      claimPolicy((p) => {
        p.spec.trigger.resource = { apiVersion: 'v1', kind: 'Secret' };
      }),
      controller(),
      [],
    ],
    'claiming kinds compare case-insensitively (Milo)': [
      claimPolicy((p) => {
        // the CRD schema wants an UpperCamelCase-like kind, so vary the case within it
        p.spec.trigger.resource = { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'PROJECT' };
      }),
      controller(),
      [],
    ],
    'unknown resource type (Milo edge-case test: admitted, then ValidationFailed)': [
      claimPolicy((p) => {
        p.spec.target.resourceClaimTemplate.spec.requests = [{ resourceType: 'unknown/type', amount: 1 }];
      }),
      controller(),
      [[`${CLAIM}.spec.requests[0].resourceType`, "resource type 'unknown/type' is not registered"]],
    ],
  };
  for (const [name, [policy, options, expected]] of Object.entries(cases)) {
    it(name, () => expectErrors(validateClaimCreationPolicy(policy, options), expected));
  }

  it('the edge-case policy passes admission', () => {
    const policy = claimPolicy((p) => {
      p.spec.target.resourceClaimTemplate.spec.requests = [{ resourceType: 'unknown/type', amount: 1 }];
      delete p.spec.target.resourceClaimTemplate.spec.consumerRef;
    });
    expectErrors(validateClaimCreationPolicy(policy, admission), []);
  });
});
