// Traces of an enforced create on a real apiserver (docs/observability.md, Tracing): with an in-memory
// exporter, one kubectl create gives one trace holding the webhook, claim-create, decision, status-write and
// wait spans with the right parents and attributes, the claim carrying its create span's traceparent. With
// tracing off the operator records nothing (not even into a global provider someone else registered) and
// writes no annotation.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ANNOTATION_TRACEPARENT, type ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import type { RunningOperator } from '../../../src/operator/operator.ts';
import { SPAN_ATTRIBUTES } from '../../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { enforcementCovers, kubectlOk } from '../../support/kube.ts';
import { project } from '../../support/manifests.ts';
import { startTestOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const NS = 'quota-system';
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
let operator: RunningOperator | undefined;
plane.beforeStop(async () => {
  await operator?.stop();
});

const POLICY = `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata:
  name: projects
spec:
  trigger:
    resource:
      apiVersion: resourcemanager.miloapis.com/v1alpha1
      kind: Project
  target:
    resourceClaimTemplate:
      metadata:
        name: "projects-{{trigger.metadata.name}}"
        namespace: ${NS}
      spec:
        consumerRef:
          apiGroup: resourcemanager.miloapis.com
          kind: Organization
          name: "{{trigger.spec.ownerRef.name}}"
        requests:
          - resourceType: example.com/projects
            amount: 1
`;

const CONSUMER = 'resourcemanager.miloapis.com/Organization//acme';
const SPANS = [
  'quota.webhook.enforce',
  'quota.claim.create',
  'quota.decide',
  'quota.claim.status-write',
  'quota.claim.wait',
] as const;

const claim = async (name: string) =>
  operator?.manager.client.get<ResourceClaim>(RESOURCES.claims, NS, name) ?? assert.fail('no operator');

/** The five spans of the enforced create of Project `name`, once all have ended. */
async function spansOf(name: string): Promise<Record<(typeof SPANS)[number], ReadableSpan>> {
  return eventually(`the five spans of Project ${name}`, () => {
    const found: Partial<Record<(typeof SPANS)[number], ReadableSpan>> = {};
    for (const span of exporter.getFinishedSpans()) {
      const a = span.attributes;
      const ours =
        a[SPAN_ATTRIBUTES.claimName] === `projects-${name}` || a[SPAN_ATTRIBUTES.resourceName] === `/${name}`;
      const key = SPANS.find((n) => n === span.name);
      if (ours && key !== undefined) {
        assert.equal(found[key], undefined, `one ${key} span for Project ${name}`);
        found[key] = span;
      }
    }
    return SPANS.every((n) => found[n] !== undefined)
      ? (found as Record<(typeof SPANS)[number], ReadableSpan>)
      : undefined;
  });
}

describe('tracing an enforced create', () => {
  after(() => provider.shutdown());

  it('starts the operator with an in-memory exporter and one policy on Projects', async () => {
    operator = await startTestOperator(plane.current, {}, { tracerProvider: provider });
    const { client } = operator.manager;
    await client.create(RESOURCES.registrations, makeRegistration('projects', 'example.com/projects'));
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-projects', NS, org('acme')).allow('example.com/projects', 1).build(),
    );
    const applied = await plane.current.kubectl(['apply', '-f', '-'], { input: POLICY });
    assert.equal(applied.code, 0, applied.stderr);
    await kubectl(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicy.quota.miloapis.com/projects',
    );
    await kubectl(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      '-n',
      NS,
      'resourcegrant.quota.miloapis.com/acme-projects',
    );
    await enforcementCovers(plane.current, ['projects']);
  });

  it('one trace: webhook → claim create → decision → status write, and the wait, with their attributes', async () => {
    exporter.reset();
    const created = await plane.current.kubectl(['apply', '-f', '-'], { input: project('web') });
    assert.equal(created.code, 0, created.stderr);
    const s = await spansOf('web');
    const traceId = s['quota.webhook.enforce'].spanContext().traceId;
    for (const name of SPANS) assert.equal(s[name].spanContext().traceId, traceId, `${name} in the trace`);
    const parent = (name: (typeof SPANS)[number]) => s[name].parentSpanContext?.spanId;
    const id = (name: (typeof SPANS)[number]) => s[name].spanContext().spanId;
    // the apiserver sends no trace context to webhooks here: the webhook span is the root
    assert.equal(parent('quota.webhook.enforce'), undefined);
    assert.equal(parent('quota.claim.create'), id('quota.webhook.enforce'));
    assert.equal(parent('quota.claim.wait'), id('quota.webhook.enforce'));
    assert.equal(parent('quota.decide'), id('quota.claim.create'));
    assert.equal(s['quota.decide'].parentSpanContext?.isRemote, true, 'carried by the annotation');
    assert.equal(parent('quota.claim.status-write'), id('quota.decide'));
    for (const name of SPANS.slice(1)) {
      assert.equal(s[name].attributes[SPAN_ATTRIBUTES.claimName], 'projects-web', name);
      assert.equal(s[name].attributes[SPAN_ATTRIBUTES.claimNamespace], NS, name);
      assert.equal(s[name].attributes[SPAN_ATTRIBUTES.consumer], CONSUMER, name);
    }
    assert.equal(s['quota.webhook.enforce'].attributes[SPAN_ATTRIBUTES.resourceKind], 'Project');
    assert.equal(s['quota.webhook.enforce'].attributes[SPAN_ATTRIBUTES.outcome], 'allowed');
    assert.equal(s['quota.decide'].attributes[SPAN_ATTRIBUTES.outcome], 'granted');
    assert.equal(s['quota.claim.wait'].attributes[SPAN_ATTRIBUTES.outcome], 'granted');
    // the order a reader sees: the decision after the create began, the write after it, the wait ending last
    // Each span's clock is anchored to Date.now() when it starts (the OpenTelemetry SDK), so two spans' times
    // can disagree by up to a millisecond; the write starts and the webhook answers microseconds after the
    // step before them (a CI run saw the wait "end" after the webhook by less than that).
    const ms = ([sec, ns]: [number, number]) => sec * 1e3 + ns / 1e6;
    const SLACK_MS = 1;
    assert.ok(ms(s['quota.decide'].startTime) >= ms(s['quota.claim.create'].startTime) - SLACK_MS);
    assert.ok(ms(s['quota.claim.status-write'].startTime) >= ms(s['quota.decide'].endTime) - SLACK_MS);
    assert.ok(ms(s['quota.claim.wait'].endTime) <= ms(s['quota.webhook.enforce'].endTime) + SLACK_MS);
    const stored = await claim('projects-web');
    const create = s['quota.claim.create'].spanContext();
    assert.equal(stored.metadata.annotations?.[ANNOTATION_TRACEPARENT], `00-${traceId}-${create.spanId}-01`);
  });

  it('a denied create: the decision and the webhook say so', async () => {
    exporter.reset();
    const refused = await plane.current.kubectl(['apply', '-f', '-'], { input: project('api') });
    assert.notEqual(refused.code, 0);
    const s = await spansOf('api');
    assert.equal(s['quota.decide'].attributes[SPAN_ATTRIBUTES.outcome], 'denied');
    assert.equal(s['quota.decide'].attributes['quota.reason'], 'QuotaExceeded');
    assert.equal(s['quota.claim.wait'].attributes[SPAN_ATTRIBUTES.outcome], 'denied');
    assert.equal(s['quota.webhook.enforce'].attributes[SPAN_ATTRIBUTES.outcome], 'denied');
  });

  it('tracing off: no span anywhere, not even in a global provider, and no annotation', async () => {
    await operator?.stop();
    operator = undefined;
    const global = new InMemorySpanExporter();
    const globalProvider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: global })],
    });
    assert.ok(trace.setGlobalTracerProvider(globalProvider));
    try {
      exporter.reset();
      operator = await startTestOperator(plane.current, {});
      // room for one more Project (web holds the first grant)
      await operator.manager.client.create(
        RESOURCES.grants,
        makeGrant('acme-more', NS, org('acme')).allow('example.com/projects', 1).build(),
      );
      await kubectl(
        'wait',
        '--for=condition=Active',
        '--timeout=60s',
        '-n',
        NS,
        'resourcegrant.quota.miloapis.com/acme-more',
      );
      await enforcementCovers(plane.current, ['projects']);
      const created = await plane.current.kubectl(['apply', '-f', '-'], { input: project('quiet') });
      assert.equal(created.code, 0, created.stderr);
      const stored = await claim('projects-quiet');
      assert.equal(stored.metadata.annotations?.[ANNOTATION_TRACEPARENT], undefined);
      assert.equal(stored.status?.allocations?.[0]?.status, 'Granted');
      assert.deepEqual(exporter.getFinishedSpans(), []);
      assert.deepEqual(global.getFinishedSpans(), []);
    } finally {
      trace.disable();
      await globalProvider.shutdown();
    }
  });
});
