import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiGroupProblem,
  dnsLabelProblem,
  dnsSubdomainProblem,
  generateNameProblem,
  gitOpsTrackingKeyProblem,
  isTemplated,
  kindProblem,
  labelValueProblem,
  type NameRule,
  qualifiedNameProblem,
} from './names.ts';

describe('name rules', () => {
  /** Per rule: a value it accepts, and values it refuses with what its message must say. */
  const rules: [NameRule, string, [string, RegExp][]][] = [
    [
      dnsSubdomainProblem,
      'a.b-c',
      [
        ['Bad_Name', /"Bad_Name" is not a valid DNS-1123 subdomain/],
        ['a'.repeat(254), /longer than 253 characters/],
      ],
    ],
    [dnsLabelProblem, 'milo-system', [['a.b', /not a valid DNS-1123 label/]]],
    [
      generateNameProblem,
      'claim-',
      [
        ['gen', /generateName must end with '-'/],
        ['-', /needs a prefix/],
      ],
    ],
    [
      qualifiedNameProblem,
      'app.kubernetes.io/name',
      [
        ['a/b/c', /more than one '\/'/],
        ['Bad_Prefix/x', /the prefix of "Bad_Prefix\/x" is invalid/],
        ['bad key', /not a valid qualified name/],
      ],
    ],
    [labelValueProblem, '', [['not valid!', /label value "not valid!" is invalid/]]],
    [apiGroupProblem, '', [['Not_A_Group', /not a valid DNS-1123 subdomain/]]],
    [kindProblem, 'Organization', [['organization', /must start with an upper case letter/]]],
    [
      gitOpsTrackingKeyProblem,
      'app.kubernetes.io/name',
      [['argocd.argoproj.io/sync-wave', /is a GitOps tracking key/]],
    ],
  ];
  for (const [rule, valid, invalid] of rules) {
    it(`${rule.name} accepts ${JSON.stringify(valid)} and says what is wrong with the rest`, () => {
      assert.equal(rule(valid), undefined);
      for (const [value, message] of invalid) assert.match(rule(value) ?? '', message, value);
    });
  }

  // Moved from src/policy/split.test.ts with the policy layer's own isTemplated.
  it('isTemplated tells literals from templates, as the splitter reads braces', () => {
    assert.equal(isTemplated('milo-system'), false);
    assert.equal(isTemplated('{{{x}}}'), false);
    assert.equal(isTemplated('a-{{x}}'), true);
    assert.equal(isTemplated('name-{{trigger.metadata.name'), true, 'unmatched: left to the splitter');
    assert.equal(isTemplated('{a}-{{{{b'), false);
  });
});
