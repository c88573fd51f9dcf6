// AllowanceBucket validation: the schema, and an immutable spec (the consumer and resource type are the
// bucket's identity and are hashed into its name).
import { type AllowanceBucket, allowanceBucketDefinition } from '../allowance-bucket.ts';
import { checkKindSchema, hasSpec, immutable } from './common.ts';
import type { FieldError } from './field-error.ts';

export function validateAllowanceBucket(bucket: AllowanceBucket): FieldError[] {
  return checkKindSchema(allowanceBucketDefinition, bucket);
}

export function validateAllowanceBucketUpdate(old: AllowanceBucket, next: AllowanceBucket): FieldError[] {
  const errors = validateAllowanceBucket(next);
  if (!hasSpec(old) || !hasSpec(next)) return errors;
  return [
    ...errors,
    ...immutable(
      old.spec,
      next.spec,
      'spec',
      'spec is immutable: a bucket is identified by its consumer and resource type',
    ),
  ];
}
