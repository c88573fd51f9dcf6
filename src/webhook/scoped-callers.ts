// Callers the webhook server trusts on some paths only, such as member clusters' apiservers
// (docs/multicluster.md): their CAs join the handshake's trust store, so the server can no longer decide at the
// handshake who may call what. Each request is then authorized against its path before its body is read: a
// scoped path asks its route; every other path keeps the server's own rule (a chain to the client CA, and an
// allowed CN), checked again per request because a scoped caller's certificate now completes the handshake.
import type { PeerChain } from './certs/chain.ts';
import type { AdmissionHandler } from './review.ts';

export interface ScopedRoute {
  readonly handler: AdmissionHandler;
  /** The metrics label: the route's pattern (e.g. `/members/{name}/enforce`), never the raw path. */
  readonly webhook: string;
  /** Undefined when the peer presenting `chain` may call this path, else why not. */
  authorize(chain: PeerChain): string | undefined;
}

export interface ScopedCallers {
  readonly description: string;
  /** PEM CA bundles the handshake accepts besides the server's client CA, as they are now. */
  cas(): readonly string[];
  /** Calls `listener` whenever cas() may have changed; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  /** The route serving `path`, when it is one of these callers' paths. */
  route(path: string): ScopedRoute | undefined;
}
