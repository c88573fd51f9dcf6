// SHA-256 hex of a string's UTF-8 bytes, for bucket names. node:crypto's hash is synchronous and does no I/O, so
// the pure engine may use it; the plain-TypeScript implementation it replaces cost ~130 µs a name, which every
// new consumer paid (1,000 consumers: a tenth of a second of start-up).
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
