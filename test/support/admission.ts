// Sends an AdmissionReview to the operator's webhook server over HTTPS, the way the apiserver does, for
// tests that must control the request (same object uid twice, a chosen dry-run flag).
import { request } from 'node:https';
import type { AdmissionRequest, AdmissionResponse } from '../../src/admission/index.ts';
import type { RunningOperator } from '../../src/operator/operator.ts';

export async function review(
  operator: RunningOperator,
  path: string,
  admission: AdmissionRequest,
): Promise<AdmissionResponse> {
  const server = operator.webhooks?.server;
  const ca = server?.certificate?.caBundle;
  if (server?.port === undefined || ca === undefined) throw new Error('the webhook server is not serving');
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: admission,
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve((JSON.parse(text) as { response: AdmissionResponse }).response);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
