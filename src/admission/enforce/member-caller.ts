// Who may call a member's webhook path (docs/multicluster.md, "Path and identity"): only that member's
// apiserver, proven by a client certificate that chains to the member's own webhook-client CA and carries the
// member's CommonName. The TLS handshake accepts any trusted CA (the quota cluster's and every member's); this
// check, per path, is what stops p2's apiserver (or a tenant holding some other client certificate) from
// calling p1's path and charging p1. Pure: the server passes the peer's certificate chain in DER.
import { KEY_WEBHOOK_CLIENT_CA, type MemberCluster } from '../../api/index.ts';
import { type PeerChain, verifyChain } from '../../webhook/index.ts';

/**
 * Undefined when `chain` proves the caller is `member`'s apiserver, else why not (for the log and the 403;
 * never echoed from the certificate beyond its CN).
 */
export function memberCallerProblem(
  member: MemberCluster,
  chain: PeerChain,
  now = new Date(),
): string | undefined {
  if (member.webhookClientCa === undefined)
    return `member ${member.name} has no ${KEY_WEBHOOK_CLIENT_CA} in its Secret: its webhook path is closed`;
  const check = verifyChain(member.webhookClientCa, chain, now);
  if (!check.ok)
    return check.problem === 'no client certificate' || check.problem.includes('does not parse')
      ? check.problem
      : `the client certificate does not chain to member ${member.name}'s webhook client CA`;
  if (check.commonName !== member.webhookClientName)
    return `the client certificate's CN ${JSON.stringify(check.commonName ?? '')} is not member ${member.name}'s ${JSON.stringify(member.webhookClientName)}`;
  return undefined;
}
