// The manager's unit of lifecycle (controller-runtime's manager.Runnable): `start` runs until its signal
// aborts, then cleans up and resolves. Controllers need the lease; webhook servers and caches do not.

export interface Runnable {
  /** Runs until `signal` aborts; resolves once stopped. A rejection is logged and stops the manager. */
  start(signal: AbortSignal): Promise<void>;
  /** Start only on the elected leader. Default false. Controllers say true. */
  needLeaderElection?: boolean;
  /** For logs. */
  name?: string;
}

/** The abort reason a leader runnable sees when the lease is lost: stop deciding now, no draining. */
export class LeaderElectionLostError extends Error {
  constructor(message = 'leader election lost') {
    super(message);
    this.name = 'LeaderElectionLostError';
  }
}

/** A write that needs the lease, refused because the lease may already have passed to another replica. */
export class LeaseExpiredError extends Error {
  constructor(message = 'the leader lease may have expired; this replica no longer writes decisions') {
    super(message);
    this.name = 'LeaseExpiredError';
  }
}

/** The abort reason on a graceful stop (SIGTERM): finish in-flight work within the shutdown deadline. */
export class ShutdownError extends Error {
  constructor(message = 'shutting down') {
    super(message);
    this.name = 'ShutdownError';
  }
}
