// Test data shared by the grant engine's unit tests (not part of the public surface): the Organization
// trigger kind, the ownerReference its grants carry, and a policy compiled as the engine sees it.
import assert from 'node:assert/strict';
import { type GrantCreationPolicy, type OwnerReference, registrationLookup } from '../../api/index.ts';
import { makeRegistration } from '../../api/testing.ts';
import type { ResourceRef } from '../../runtime/index.ts';
import { type ParentContextMode, policyReadiness } from './policy-readiness.ts';

export const ORGS: ResourceRef = {
  group: 'resourcemanager.miloapis.com',
  version: 'v1alpha1',
  plural: 'organizations',
  namespaced: false,
  kind: 'Organization',
};

/** The controller ownerReference from Organization `name` (uid `uid`) to the grants made for it. */
export const organizationOwner = (uid: string, name = 'acme'): OwnerReference => ({
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Organization',
  name,
  uid,
  controller: true,
  blockOwnerDeletion: true,
});

/** `policy` compiled against the example registration; fails the test when the policy is not Ready. */
export function compiledPolicy(policy: GrantCreationPolicy, parentContext?: ParentContextMode) {
  const readiness = policyReadiness(policy, registrationLookup([makeRegistration()]), parentContext);
  assert.ok(readiness.ok, readiness.ok ? '' : readiness.message);
  return readiness.compiled;
}
