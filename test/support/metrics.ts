// Scraping the operator's secure /metrics (--metrics-secure) as Prometheus would: HTTPS without verifying
// the self-signed certificate, with a bearer token.
import https from 'node:https';

export interface ScrapeAnswer {
  readonly status: number;
  readonly body: string;
  /** The WWW-Authenticate header, on a 401. */
  readonly challenge: string | undefined;
}

export function scrapeSecureMetrics(port: number, token?: string): Promise<ScrapeAnswer> {
  const headers = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/metrics', headers, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const challenge = res.headers['www-authenticate'];
          resolve({ status: res.statusCode ?? 0, body, challenge });
        });
      },
    );
    req.on('error', reject);
  });
}
