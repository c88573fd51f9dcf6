import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCorrelator, type EventFacts, eventKey, spamKey } from './event-correlator.ts';

const facts = (over: Partial<EventFacts> = {}): EventFacts => ({
  source: { component: 'quota-operator', host: 'pod-1' },
  involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'cm', uid: 'u1' },
  type: 'Warning',
  reason: 'QuotaExceeded',
  message: 'no room',
  ...over,
});
const stored = { namespace: 'ns', name: 'cm.1', count: 1, firstTimestamp: 't0' };

describe('eventKey', () => {
  it('is equal for the same object, type, reason, message and source', () => {
    assert.equal(eventKey(facts()), eventKey(facts()));
  });

  it('differs when any aggregation field differs', () => {
    const base = eventKey(facts());
    const variants: Partial<EventFacts>[] = [
      { message: 'other' },
      { reason: 'Other' },
      { type: 'Normal' },
      { source: { component: 'other', host: 'pod-1' } },
      { source: { component: 'quota-operator', host: 'pod-2' } },
      { involvedObject: { ...facts().involvedObject, uid: 'u2' } },
      { involvedObject: { ...facts().involvedObject, namespace: 'ns2' } },
      { involvedObject: { ...facts().involvedObject, kind: 'Secret' } },
    ];
    for (const v of variants) assert.notEqual(eventKey(facts(v)), base, JSON.stringify(v));
  });

  it('cannot be forged by a separator inside a field', () => {
    const a = facts({ reason: 'A', message: 'B C' });
    const b = facts({ reason: 'A B', message: 'C' });
    assert.notEqual(eventKey(a), eventKey(b));
  });

  it('spam key ignores reason and message (one budget per object)', () => {
    assert.equal(spamKey(facts({ message: 'x' })), spamKey(facts({ reason: 'Y', message: 'z' })));
  });
});

describe('EventCorrelator', () => {
  it('creates the first event, then patches count within the window, then creates anew after it', () => {
    const c = new EventCorrelator({ windowMs: 1000 });
    assert.deepEqual(c.decide(facts(), 0), { action: 'create' });
    c.record(facts(), stored, 0);
    assert.deepEqual(c.decide(facts(), 500), {
      action: 'patch',
      namespace: 'ns',
      name: 'cm.1',
      count: 2,
      firstTimestamp: 't0',
    });
    c.record(facts(), { ...stored, count: 2 }, 500);
    assert.equal(c.decide(facts(), 1400).action, 'patch', 'the window runs from the last occurrence');
    assert.deepEqual(c.decide(facts(), 2600), { action: 'create' });
  });

  it('does not aggregate different messages', () => {
    const c = new EventCorrelator();
    c.record(facts(), stored, 0);
    assert.deepEqual(c.decide(facts({ message: 'different' }), 1), { action: 'create' });
  });

  it('forget makes the next one a create (the Event expired server-side)', () => {
    const c = new EventCorrelator();
    c.record(facts(), stored, 0);
    c.forget(facts());
    assert.deepEqual(c.decide(facts(), 1), { action: 'create' });
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const c = new EventCorrelator({ maxEntries: 2 });
    c.record(facts({ message: 'a' }), stored, 0);
    c.record(facts({ message: 'b' }), stored, 0);
    c.record(facts({ message: 'a' }), stored, 1); // touch a
    c.record(facts({ message: 'c' }), stored, 2); // evicts b
    assert.equal(c.decide(facts({ message: 'a' }), 3).action, 'patch');
    assert.equal(c.decide(facts({ message: 'b' }), 3).action, 'create');
  });

  it('drops a flood about one object beyond the burst, refilling slowly', () => {
    const c = new EventCorrelator({ spamBurst: 3, spamRefillMs: 1000 });
    const actions = Array.from({ length: 5 }, (_, i) => c.decide(facts({ message: `m${i}` }), 0).action);
    assert.deepEqual(actions, ['create', 'create', 'create', 'drop', 'drop']);
    assert.equal(
      c.decide(facts({ involvedObject: { name: 'other' } }), 0).action,
      'create',
      'other objects unaffected',
    );
    assert.equal(c.decide(facts(), 1000).action, 'create', 'one token back after the refill period');
    assert.equal(c.decide(facts(), 1000).action, 'drop');
  });
});
