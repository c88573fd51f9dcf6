import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ContextConsumerRule,
  contextConsumer,
  DEFAULT_CONTEXT_CONSUMER_LABELS,
  type NamespaceLabels,
  parseContextConsumerRules,
} from './context-consumer.ts';

const rules = parseContextConsumerRules(DEFAULT_CONTEXT_CONSUMER_LABELS) as ContextConsumerRule[];
const namespaces: Record<string, Record<string, string>> = {
  'org-only': { 'resourcemanager.miloapis.com/organization-name': 'acme' },
  both: {
    'resourcemanager.miloapis.com/organization-name': 'acme',
    'resourcemanager.miloapis.com/project-name': 'web',
  },
  plain: { team: 'x' },
  bad: { 'resourcemanager.miloapis.com/organization-name': 'Not_A_Name' },
};
const labelsOf: NamespaceLabels = async (name) => namespaces[name];
const resolve = (ns: string, r: readonly ContextConsumerRule[] = rules) =>
  contextConsumer(r, labelsOf, ns, new AbortController().signal);

describe('contextConsumer', () => {
  it("charges the namespace's Organization", async () => {
    assert.deepEqual(await resolve('org-only'), {
      ok: true,
      consumer: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
    });
  });

  it('prefers the Project when both are present, as Milo does', async () => {
    assert.deepEqual(await resolve('both'), {
      ok: true,
      consumer: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'web' },
    });
  });

  it('says what to set on an unmapped namespace', async () => {
    const found = await resolve('plain');
    assert.equal(found.ok, false);
    assert.match(
      found.ok ? '' : found.problem,
      /namespace plain is not mapped to a consumer: it has none of the labels resourcemanager\.miloapis\.com\/project-name, resourcemanager\.miloapis\.com\/organization-name\. A cluster administrator maps it, e\.g\. `kubectl label namespace plain resourcemanager\.miloapis\.com\/project-name=<Project name>`/,
    );
  });

  it('refuses a label value that is no consumer name, a missing namespace, and turned-off resolution', async () => {
    const bad = await resolve('bad');
    assert.match(
      bad.ok ? '' : bad.problem,
      /label resourcemanager\.miloapis\.com\/organization-name="Not_A_Name" is not a valid Organization name/,
    );
    const missing = await resolve('gone');
    assert.match(missing.ok ? '' : missing.problem, /namespace gone does not exist/);
    const off = await resolve('org-only', []);
    assert.match(off.ok ? '' : off.problem, /--context-consumer-labels is empty/);
  });
});
