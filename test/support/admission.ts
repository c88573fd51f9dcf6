// Sends an AdmissionReview to the operator's webhook server over HTTPS, the way the apiserver does (with its
// webhook client certificate), for tests that must control the request (same object uid twice, a chosen
// dry-run flag), and the same POST with any client certificate or none, for the authentication tests.
import { request } from 'node:https';
import type { RunningOperator } from '../../src/operator/operator.ts';
import type { PemPair } from '../../src/runtime/index.ts';
import type { AdmissionRequest, AdmissionResponse } from '../../src/webhook/index.ts';

export interface ReviewReply {
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs `admission` in a v1 AdmissionReview to the operator's webhook server on 127.0.0.1, trusting its
 * serving CA and presenting `client` (none if undefined). Rejects when the connection fails (e.g. the TLS
 * handshake is refused).
 */
export function postReview(
  operator: RunningOperator,
  path: string,
  admission: AdmissionRequest,
  client: PemPair | undefined,
): Promise<ReviewReply> {
  const server = operator.webhooks?.server;
  const ca = server?.certificate?.caBundle;
  if (server?.port === undefined || ca === undefined) throw new Error('the webhook server is not serving');
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: admission,
  });
  const identity = client === undefined ? {} : { cert: client.cert, key: client.key };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'POST',
        ca,
        ...identity,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function review(
  operator: RunningOperator,
  path: string,
  admission: AdmissionRequest,
  /** The client certificate to present: the control plane's `pki.webhookClient` passes client auth. */
  client: PemPair,
): Promise<AdmissionResponse> {
  const reply = await postReview(operator, path, admission, client);
  return (JSON.parse(reply.body) as { response: AdmissionResponse }).response;
}
