// Reads the Argo CD health-check fixtures: `<Kind>/health.lua`, `<Kind>/health_test.yaml` (Argo CD's own
// format) and the `testdata/*.yaml` objects it points at.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

export const ARGOCD_DIR = fileURLToPath(new URL('../../config/argocd', import.meta.url));
export const GROUP_DIR = join(ARGOCD_DIR, 'resource_customizations', 'quota.miloapis.com');

/** The six kinds of quota.miloapis.com/v1alpha1 (SPEC §3); each needs a health check. */
export const KINDS = [
  'ResourceRegistration',
  'ResourceGrant',
  'AllowanceBucket',
  'ResourceClaim',
  'GrantCreationPolicy',
  'ClaimCreationPolicy',
] as const;

export const HEALTH_STATUSES = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
] as const;

export interface HealthCase {
  readonly status: string;
  readonly message: string;
  readonly inputPath: string;
  /** The decoded testdata object, as Argo CD would pass it to the script. */
  readonly obj: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function kindDirs(): string[] {
  return readdirSync(GROUP_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export function healthScript(kind: string): string {
  return readFileSync(join(GROUP_DIR, kind, 'health.lua'), 'utf8');
}

export function testdataFiles(kind: string): string[] {
  return readdirSync(join(GROUP_DIR, kind, 'testdata')).map((f) => `testdata/${f}`);
}

/** Parses `<kind>/health_test.yaml`; every malformed entry is an error naming the file and field. */
export function healthCases(kind: string): HealthCase[] {
  const file = join(GROUP_DIR, kind, 'health_test.yaml');
  const doc = load(readFileSync(file, 'utf8'));
  if (!isRecord(doc) || !Array.isArray(doc.tests))
    throw new Error(`${file}: expected a top-level "tests" list`);
  return doc.tests.map((entry: unknown, i: number) => {
    const where = `${file}: tests[${i}]`;
    if (!isRecord(entry) || !isRecord(entry.healthStatus))
      throw new Error(`${where}: healthStatus is required`);
    const { status, message } = entry.healthStatus;
    const { inputPath } = entry;
    if (typeof status !== 'string') throw new Error(`${where}.healthStatus.status must be a string`);
    if (typeof message !== 'string') throw new Error(`${where}.healthStatus.message must be a string`);
    if (typeof inputPath !== 'string')
      throw new Error(`${where}.inputPath must be a path like testdata/x.yaml`);
    const input = join(GROUP_DIR, kind, inputPath);
    if (!existsSync(input)) throw new Error(`${where}.inputPath: ${input} does not exist`);
    const obj = load(readFileSync(input, 'utf8'));
    if (!isRecord(obj)) throw new Error(`${input}: expected one Kubernetes object`);
    return { status, message, inputPath, obj };
  });
}
