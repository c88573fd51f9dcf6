// The consumer reconciler's unit of work is a consumer, not an object. Its key `apiGroup/kind/namespace/name`
// may start with '/' (core group), which the runtime's `namespace/name` key split would lose, so requests
// carry a fixed prefix that keeps the round trip exact.
import { type Request, requestFromKey, requestKey } from '../../runtime/index.ts';

const PREFIX = 'consumer:';

export function consumerRequest(consumerKey: string): Request {
  return requestFromKey(`${PREFIX}${consumerKey}`);
}

export function consumerKeyFromRequest(req: Request): string | undefined {
  const key = requestKey(req);
  return key.startsWith(PREFIX) ? key.slice(PREFIX.length) : undefined;
}
