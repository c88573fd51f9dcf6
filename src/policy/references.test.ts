import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '@bufbuild/cel';
import { type KeyRefs, type MetadataRefs, metadataRefs, refsCovered } from './references.ts';

const refs = (source: string) => metadataRefs(parse(source).expr);
const show = (k: KeyRefs) => (k.all ? '*' : [...k.keys].sort().join(','));
const both = (r: MetadataRefs) => `labels=${show(r.labels)} annotations=${show(r.annotations)}`;

describe('metadataRefs', () => {
  const cases: Record<string, [string, string][]> = {
    'finds constant keys however they are written': [
      ['trigger.metadata.name', 'labels= annotations='],
      ['trigger.spec.tier + trigger.status.x', 'labels= annotations='],
      ['trigger.metadata.labels.tier', 'labels=tier annotations='],
      ['trigger.metadata.labels["example.com/tier"]', 'labels=example.com/tier annotations='],
      [
        'has(trigger.metadata.annotations.owner) ? trigger.metadata.annotations.owner : ""',
        'labels= annotations=owner',
      ],
      ['trigger["metadata"]["labels"]["a"] + trigger.metadata.labels.b', 'labels=a,b annotations='],
    ],
    'means every key when the map, the metadata or the object is used otherwise': [
      ['"a" in trigger.metadata.labels', 'labels=* annotations='],
      ['trigger.metadata.annotations.exists(k, k == "a")', 'labels= annotations=*'],
      ['size(trigger.metadata.labels) > 0', 'labels=* annotations='],
      ['trigger.metadata.labels[trigger.spec.key]', 'labels=* annotations='],
      ['string(trigger.metadata)', 'labels=* annotations=*'],
      ['trigger.metadata[trigger.spec.k]', 'labels=* annotations=*'],
      ['[trigger].map(t, t.metadata.name)', 'labels=* annotations=*'],
      ['trigger', 'labels=* annotations=*'],
      ['has(trigger.metadata.labels)', 'labels=* annotations='],
    ],
  };
  for (const [name, rows] of Object.entries(cases)) {
    it(name, () => {
      for (const [source, expected] of rows) assert.equal(both(refs(source)), expected, source);
    });
  }

  it('tells whether kept keys cover what is read', () => {
    const kept = refs('trigger.metadata.labels.a + trigger.metadata.annotations.b');
    assert.equal(refsCovered(refs('trigger.metadata.labels.a'), kept), true);
    assert.equal(refsCovered(refs('trigger.metadata.labels.c'), kept), false);
    assert.equal(refsCovered(refs('trigger.metadata.name'), kept), true);
    assert.equal(refsCovered(refs('size(trigger.metadata.annotations) > 0'), kept), false);
    assert.equal(refsCovered(kept, refs('trigger')), true);
  });
});
