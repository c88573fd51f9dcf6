// The pure validators in src/api and, for the policy kinds, src/policy (used by the admission webhook and
// the controllers) reject every case of the apiserver's bad-input catalogue too, at the same field. No
// cluster needed: this keeps the TypeScript checks and the CRD's schema and CEL rules from drifting apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type FieldError,
  validateAllowanceBucket,
  validateAllowanceBucketUpdate,
  validateResourceClaim,
  validateResourceClaimUpdate,
  validateResourceGrant,
  validateResourceGrantUpdate,
  validateResourceRegistration,
  validateResourceRegistrationUpdate,
} from '../../../src/api/index.ts';
import { validateClaimCreationPolicy, validateGrantCreationPolicy } from '../../../src/policy/index.ts';
import { BAD_INPUTS } from './bad-inputs.cases.ts';
import { applyEdit, type QuotaManifest } from './cases/base.ts';

const ADMISSION = { mode: 'admission' } as const;
type Check = (obj: never) => FieldError[];
type UpdateCheck = (old: never, next: never) => FieldError[];

const VALIDATORS: Record<string, [Check, UpdateCheck]> = {
  ResourceRegistration: [validateResourceRegistration, validateResourceRegistrationUpdate],
  ResourceGrant: [validateResourceGrant, validateResourceGrantUpdate],
  AllowanceBucket: [validateAllowanceBucket, validateAllowanceBucketUpdate],
  ResourceClaim: [validateResourceClaim, validateResourceClaimUpdate],
  // The policy kinds' full validators (src/api's static checks plus CEL) check an update like a create.
  GrantCreationPolicy: [
    (p: never) => validateGrantCreationPolicy(p, ADMISSION),
    (_old: never, p: never) => validateGrantCreationPolicy(p, ADMISSION),
  ],
  ClaimCreationPolicy: [
    (p: never) => validateClaimCreationPolicy(p, ADMISSION),
    (_old: never, p: never) => validateClaimCreationPolicy(p, ADMISSION),
  ],
};

function errorsFor(base: QuotaManifest, broken: QuotaManifest, update: boolean): FieldError[] {
  const [create, onUpdate] = VALIDATORS[base.kind] ?? [];
  assert.ok(create && onUpdate, `no validator for ${base.kind}`);
  return update ? onUpdate(base as never, broken as never) : create(broken as never);
}

describe('the pure validators agree with the apiserver catalogue', () => {
  for (const c of BAD_INPUTS) {
    it(c.name, () => {
      const base = c.base();
      const update = c.on === 'update';
      assert.deepEqual(errorsFor(base, base, update), [], 'the base object is valid');
      // a status patch is checked as the object with that status (validators see whole objects)
      const broken = c.on === 'status' ? { ...base, status: c.status } : applyEdit(base, c);
      const errors = errorsFor(base, broken, update);
      assert.ok(
        errors.some((e) => e.path.startsWith(c.field)),
        `no error at ${c.field}: ${JSON.stringify(errors)}`,
      );
    });
  }
});
