// The ResourceGrant controller on the in-memory fakes: Active only when every allowance's resourceType has an
// Active registration whose consumerType the grant's consumer is; ValidationFailed naming the field
// otherwise; a registration change re-validates the grants that use its resourceType.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Condition, ResourceGrant, ResourceRegistration } from '../../api/index.ts';
import { activeCondition, makeGrant, makeRegistration, PROJECTS } from '../../api/testing.ts';
import { QuotaCache, RESOURCES } from '../../cache/index.ts';
import { eventually, FakeManager } from '../../runtime/fake/index.ts';
import { setupGrantController } from './grant-controller.ts';

const NS = 'quota-system';
const SEATS = 'resourcemanager.miloapis.com/seats';

let managers: FakeManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  managers = [];
});

function world(registrations: ResourceRegistration[]) {
  const mgr = new FakeManager();
  managers.push(mgr);
  for (const r of registrations) mgr.client.add(RESOURCES.registrations, r);
  const caches = new QuotaCache(mgr.informers);
  let statusWrites = 0;
  setupGrantController(mgr, caches, () => {
    statusWrites += 1;
  });
  mgr.start();
  return { mgr, statusWrites: () => statusWrites };
}

function grant(name: string, change: (g: ResourceGrant) => void = () => {}): ResourceGrant {
  const g = makeGrant();
  g.metadata.name = name;
  change(g);
  return g;
}

const activeOf = (mgr: FakeManager, name: string): Condition | undefined =>
  mgr.client
    .object<ResourceGrant>(RESOURCES.grants, NS, name)
    ?.status?.conditions?.find((c) => c.type === 'Active');

/** Waits for the grant's Active condition to have `reason`; returns the condition. */
const settlesTo = (mgr: FakeManager, name: string, reason: string) =>
  eventually(() => {
    const active = activeOf(mgr, name);
    assert.equal(active?.reason, reason, `${name}: ${JSON.stringify(active)}`);
    return active ?? assert.fail();
  });

/** The registration, judged not Active for `reason`. */
const inactive = (r: ResourceRegistration, reason: string): ResourceRegistration => ({
  ...r,
  status: { conditions: [{ ...activeCondition(), status: 'False', reason }] },
});

describe('ResourceGrant controller on fakes', () => {
  const cases: {
    name: string;
    registrations: ResourceRegistration[];
    grant: ResourceGrant;
    status: 'True' | 'False';
    reason: string;
    message: RegExp;
  }[] = [
    {
      name: 'every resourceType registered and Active',
      registrations: [makeRegistration(), makeRegistration('seats', SEATS)],
      grant: grant('both', (g) => {
        g.spec.allowances.push({ resourceType: SEATS, buckets: [{ amount: 5 }] });
      }),
      status: 'True',
      reason: 'GrantActive',
      message: /^ResourceGrant is active$/,
    },
    {
      name: 'one resourceType not registered',
      registrations: [makeRegistration()],
      grant: grant('unknown', (g) => {
        g.spec.allowances.push({ resourceType: SEATS, buckets: [{ amount: 5 }] });
      }),
      status: 'False',
      reason: 'ValidationFailed',
      message:
        /^Validation failed: spec\.allowances\[1\]\.resourceType: .*'resourcemanager\.miloapis\.com\/seats' is not registered: create a ResourceRegistration/,
    },
    {
      name: 'the registration is not Active',
      registrations: [inactive(makeRegistration(), 'ValidationFailed')],
      grant: grant('pending'),
      status: 'False',
      reason: 'ValidationFailed',
      message:
        /^Validation failed: spec\.allowances\[0\]\.resourceType: .*the ResourceRegistration 'projects' .* is not Active/,
    },
    {
      name: "the consumer is not the registration's consumerType",
      registrations: [makeRegistration()],
      grant: grant('wrong-consumer', (g) => {
        g.spec.consumerRef = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'web' };
      }),
      status: 'False',
      reason: 'ValidationFailed',
      message:
        /^Validation failed: spec\.consumerRef: .*consumer type mismatch for resource type resourcemanager\.miloapis\.com\/projects: expected .*Organization, got .*Project; grant it to a Organization/,
    },
  ];
  for (const c of cases) {
    it(`${c.reason} when ${c.name}`, async () => {
      const { mgr } = world(c.registrations);
      await mgr.client.create(RESOURCES.grants, c.grant);
      const active = await settlesTo(mgr, c.grant.metadata.name ?? '', c.reason);
      assert.equal(active.status, c.status);
      assert.match(active.message, c.message);
      const stored = mgr.client.object<ResourceGrant>(RESOURCES.grants, NS, c.grant.metadata.name ?? '');
      assert.equal(stored?.status?.observedGeneration, 1);
      assert.equal(active.observedGeneration, 1);
    });
  }

  it('re-validates when a registration turns Active, appears, or stops being Active', async () => {
    const pending = inactive(makeRegistration(), 'RegistrationPending');
    const { mgr, statusWrites } = world([pending]);
    await mgr.client.create(RESOURCES.grants, grant('projects'));
    await mgr.client.create(
      RESOURCES.grants,
      grant('seats', (g) => {
        g.spec.allowances = [{ resourceType: SEATS, buckets: [{ amount: 5 }] }];
      }),
    );
    await settlesTo(mgr, 'projects', 'ValidationFailed');
    await settlesTo(mgr, 'seats', 'ValidationFailed');
    const writes = statusWrites();

    // Only the registration changes: no grant event re-queues the grants.
    await mgr.client.patchStatus(RESOURCES.registrations, '', 'projects', {
      conditions: [activeCondition()],
    });
    await settlesTo(mgr, 'projects', 'GrantActive');
    assert.equal(activeOf(mgr, 'seats')?.reason, 'ValidationFailed');
    await mgr.client.create(RESOURCES.registrations, makeRegistration('seats', SEATS));
    // A create sets no status: the new registration is not Active until its controller says so.
    const seats = mgr.client.object<ResourceRegistration>(RESOURCES.registrations, '', 'seats');
    assert.equal(seats?.status, undefined);
    await mgr.client.patchStatus(RESOURCES.registrations, '', 'seats', { conditions: [activeCondition()] });
    await settlesTo(mgr, 'seats', 'GrantActive');

    await mgr.client.patchStatus(RESOURCES.registrations, '', 'projects', {
      conditions: [{ ...activeCondition(), status: 'False', reason: 'RegistrationPending' }],
    });
    await settlesTo(mgr, 'projects', 'ValidationFailed');
    assert.equal(activeOf(mgr, 'seats')?.reason, 'GrantActive');
    assert.ok(statusWrites() >= writes + 3, 'statusWritten is told of each status write');
  });

  it('leaves a grant unvalidated while its registration is not judged yet, then judges it', async () => {
    // The start-up race: a grant failed for a registration its controller had not reached yet was final for
    // every claim decided before the registration's condition re-queued the grant (a burst denied whole).
    const { mgr, statusWrites } = world([makeRegistration('projects', PROJECTS, false)]);
    await mgr.client.create(RESOURCES.grants, grant('early'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(activeOf(mgr, 'early'), undefined, 'no verdict before the registration has one');
    assert.equal(statusWrites(), 0);
    await mgr.client.patchStatus(RESOURCES.registrations, '', 'projects', {
      conditions: [activeCondition()],
    });
    await settlesTo(mgr, 'early', 'GrantActive');
    const written = mgr.client.requests
      .filter((r) => r.resource === RESOURCES.grants && r.subresource === 'status')
      .map((r) => JSON.stringify(r.body));
    assert.ok(written.length > 0);
    assert.ok(
      written.every((body) => body.includes('GrantActive') && !body.includes('ValidationFailed')),
      `never a ValidationFailed first: ${written.join(', ')}`,
    );
  });

  it('writes nothing when the condition is unchanged', async () => {
    const { mgr, statusWrites } = world([makeRegistration()]);
    await mgr.client.create(RESOURCES.grants, grant('quiet'));
    await settlesTo(mgr, 'quiet', 'GrantActive');
    const writes = statusWrites();
    // A label change is an event for the grant (and a registration event for it too) but changes nothing.
    await mgr.client.patch(RESOURCES.grants, NS, 'quiet', 'merge', { metadata: { labels: { a: 'b' } } });
    await mgr.client.patch(RESOURCES.registrations, '', 'projects', 'merge', {
      metadata: { labels: { a: 'b' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(statusWrites(), writes);
    const statusRequests = mgr.client.requests.filter(
      (r) => r.resource === RESOURCES.grants && r.subresource === 'status',
    );
    assert.equal(statusRequests.length, writes);
  });
});
