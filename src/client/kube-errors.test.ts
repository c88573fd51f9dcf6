// The client's API calls against a local HTTP server answering like the apiserver: every failure arrives as
// the runtime's one KubeApiError and is read by one set of rules (src/client/kube-errors.ts).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ResourceClaim } from '../api/index.ts';
import { testKubeConfig } from '../runtime/fake/index.ts';
import { isConflict, KubeApiError } from '../runtime/index.ts';
import { ClusterUnreachableError, QuotaApiNotInstalledError } from './errors.ts';
import { quotaApi } from './kube.ts';

const CLAIMS = '/apis/quota.miloapis.com/v1alpha1/namespaces/ns/resourceclaims';
const invalidCause = {
  reason: 'FieldValueInvalid',
  field: 'spec.requests[0].amount',
  message: 'must be ≥ 1',
};

/** path and method → the answer: status and body (a Status object, or text as a bare server sends it). */
const ANSWERS: Record<string, [number, unknown]> = {
  [`GET ${CLAIMS}/absent`]: [
    404,
    { kind: 'Status', reason: 'NotFound', message: 'resourceclaims "absent" not found' },
  ],
  [`GET ${CLAIMS}/no-crd`]: [404, '404 page not found'],
  [`POST ${CLAIMS}`]: [409, { kind: 'Status', reason: 'AlreadyExists', message: 'already exists' }],
  [`PATCH ${CLAIMS}/stale`]: [
    409,
    { kind: 'Status', reason: 'Conflict', message: 'the object has been modified' },
  ],
  [`PATCH ${CLAIMS}/bad`]: [
    422,
    {
      kind: 'Status',
      reason: 'Invalid',
      message: 'ResourceClaim "bad" is invalid',
      details: { causes: [invalidCause] },
    },
  ],
  [`DELETE ${CLAIMS}/gone`]: [404, { kind: 'Status', reason: 'NotFound', message: 'not found' }],
  'GET /apis/quota.miloapis.com/v1alpha1/resourceregistrations': [503, 'upstream connect error'],
};

const kubeConfig = (server: string) => testKubeConfig(server, { token: 't' });

const claim = (name: string): ResourceClaim => ({
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'ResourceClaim',
  metadata: { name, namespace: 'ns' },
  spec: { requests: [{ resourceType: 'example.com/vcpus', amount: 1 }] },
});

describe('the client reads every API failure as one KubeApiError', () => {
  let server: http.Server;
  let url = '';

  before(async () => {
    server = http.createServer((req, res) => {
      const [status, body] = ANSWERS[`${req.method} ${req.url?.split('?')[0]}`] ?? [500, 'unexpected'];
      res.statusCode = status;
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  it('404 NotFound: an absent object reads as undefined, a delete as false', async () => {
    const api = quotaApi(kubeConfig(url));
    assert.equal(await api.getClaim({ namespace: 'ns', name: 'absent' }), undefined);
    assert.equal(await api.deleteClaim({ namespace: 'ns', name: 'gone' }), false);
  });

  it('404 without a Status: the quota API is not installed', async () => {
    const api = quotaApi(kubeConfig(url));
    await assert.rejects(api.getClaim({ namespace: 'ns', name: 'no-crd' }), QuotaApiNotInstalledError);
  });

  it('409 AlreadyExists on create reads as undefined; 409 Conflict is a KubeApiError isConflict knows', async () => {
    const api = quotaApi(kubeConfig(url));
    assert.equal(await api.createClaim(claim('taken')), undefined);
    await assert.rejects(api.patchClaimMetadata({ namespace: 'ns', name: 'stale' }, {}), (error) => {
      assert.ok(isConflict(error));
      assert.match(String(error), /patch resourceclaims ns\/stale failed: 409 Conflict: .*: retry/);
      return true;
    });
  });

  it('422 Invalid: status, reason, the Status body with its causes, and the call and fix in the message', async () => {
    const api = quotaApi(kubeConfig(url));
    await assert.rejects(api.patchClaimMetadata({ namespace: 'ns', name: 'bad' }, {}), (error) => {
      assert.ok(error instanceof KubeApiError);
      assert.equal(error.status, 422);
      assert.equal(error.reason, 'Invalid');
      assert.deepEqual(error.body?.details?.causes, [invalidCause]);
      assert.equal(
        error.message,
        'patch resourceclaims ns/bad failed: 422 Invalid: ResourceClaim "bad" is invalid: the apiserver rejected the object: correct the fields named in the message',
      );
      assert.ok(error.cause instanceof KubeApiError, 'the runtime error as it was raised');
      return true;
    });
  });

  it('a 5xx without a Status keeps its status; no connection is ClusterUnreachableError', async () => {
    await assert.rejects(quotaApi(kubeConfig(url)).listRegistrations(), (error) => {
      assert.ok(error instanceof KubeApiError);
      assert.equal(error.status, 503);
      assert.equal(error.body, undefined);
      return true;
    });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      quotaApi(kubeConfig(`http://127.0.0.1:${port}`)).listClaims('ns'),
      (error) => error instanceof ClusterUnreachableError && /\(connection refused\)/.test(error.message),
    );
  });
});
