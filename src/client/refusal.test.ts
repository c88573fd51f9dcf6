import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quotaFigureCauses } from '../api/index.ts';
import { KubeApiError } from '../runtime/index.ts';
import { translateError } from './kube-errors.ts';
import { refusalFigures } from './refusal.ts';

const figures = {
  resourceType: 'compute.miloapis.com/vcpus',
  requested: 4000,
  limit: 10000,
  allocated: 8000,
  available: 2000,
};
const status = {
  kind: 'Status',
  code: 403,
  reason: 'Forbidden',
  // The message shows display units; the figures are read from the causes only.
  message:
    'admission webhook denied the request: … requested 4000 … (4 vCPUs requested, 2 vCPUs available) …',
  details: {
    causes: [
      { reason: 'FieldValueNotFound', field: 'metadata.name', message: '7' },
      ...quotaFigureCauses([[figures]]),
    ],
  },
};
const apiException = Object.assign(new Error('HTTP-Code: 403'), { code: 403, body: JSON.stringify(status) });

describe('refusalFigures', () => {
  it('reads base-unit figures from the causes of a KubeApiError, a client-node error, or the Status', () => {
    const expected = [{ claim: 0, ...figures }];
    const refused = new KubeApiError(403, 'Forbidden', 'POST /apis/...: 403 Forbidden: …', { body: status });
    assert.deepEqual(refusalFigures(refused), expected);
    const translated = translateError(refused, 'create instances web', 'https://k');
    assert.ok(translated instanceof KubeApiError && translated !== refused);
    assert.deepEqual(refusalFigures(translated), expected);
    assert.deepEqual(refusalFigures(apiException), expected);
    assert.deepEqual(refusalFigures(status), expected);
  });

  it('finds nothing in a refusal without quota causes, or a request missing a figure', () => {
    assert.deepEqual(refusalFigures(new Error('boom')), []);
    assert.deepEqual(refusalFigures({ details: { causes: [] } }), []);
    assert.deepEqual(refusalFigures(undefined), []);
    const partial = quotaFigureCauses([[figures]]).filter((c) => !c.field.endsWith('.limit'));
    assert.deepEqual(refusalFigures({ details: { causes: partial } }), []);
    const notWhole = quotaFigureCauses([[figures]]).map((c) => ({ ...c, message: `${c.message}.5` }));
    assert.deepEqual(refusalFigures({ details: { causes: notWhole } }), []);
  });
});
