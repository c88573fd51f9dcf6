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
  qualifiedNameProblem,
} from './names.ts';

describe('name rules', () => {
  it('accepts valid values', () => {
    assert.equal(dnsSubdomainProblem('a.b-c'), undefined);
    assert.equal(dnsLabelProblem('milo-system'), undefined);
    assert.equal(generateNameProblem('claim-'), undefined);
    assert.equal(qualifiedNameProblem('app.kubernetes.io/name'), undefined);
    assert.equal(labelValueProblem(''), undefined);
    assert.equal(apiGroupProblem(''), undefined);
    assert.equal(kindProblem('Organization'), undefined);
    assert.equal(gitOpsTrackingKeyProblem('app.kubernetes.io/name'), undefined);
  });

  it('says what is wrong and what is allowed', () => {
    assert.match(dnsSubdomainProblem('Bad_Name') ?? '', /"Bad_Name" is not a valid DNS-1123 subdomain/);
    assert.match(dnsSubdomainProblem('a'.repeat(254)) ?? '', /longer than 253 characters/);
    assert.match(dnsLabelProblem('a.b') ?? '', /not a valid DNS-1123 label/);
    assert.match(generateNameProblem('gen') ?? '', /generateName must end with '-'/);
    assert.match(generateNameProblem('-') ?? '', /needs a prefix/);
    assert.match(qualifiedNameProblem('a/b/c') ?? '', /more than one '\/'/);
    assert.match(qualifiedNameProblem('Bad_Prefix/x') ?? '', /the prefix of "Bad_Prefix\/x" is invalid/);
    assert.match(qualifiedNameProblem('bad key') ?? '', /not a valid qualified name/);
    assert.match(labelValueProblem('not valid!') ?? '', /label value "not valid!" is invalid/);
    assert.match(apiGroupProblem('Not_A_Group') ?? '', /not a valid DNS-1123 subdomain/);
    assert.match(kindProblem('organization') ?? '', /must start with an upper case letter/);
    assert.match(gitOpsTrackingKeyProblem('argocd.argoproj.io/sync-wave') ?? '', /is a GitOps tracking key/);
  });

  // Moved from src/policy/split.test.ts with the policy layer's own isTemplated.
  it('isTemplated tells literals from templates, as the splitter reads braces', () => {
    assert.equal(isTemplated('milo-system'), false);
    assert.equal(isTemplated('{{{x}}}'), false);
    assert.equal(isTemplated('a-{{x}}'), true);
    assert.equal(isTemplated('name-{{trigger.metadata.name'), true, 'unmatched: left to the splitter');
    assert.equal(isTemplated('{a}-{{{{b'), false);
  });
});
