// The operator's settings: flags first, then environment, then defaults. Every bad value is refused with
// the flag's name and how to fix it, before anything starts.
import { parseArgs } from 'node:util';

export interface OperatorOptions {
  /** The operator's own namespace: leases, default bucket namespace. */
  readonly namespace: string;
  readonly leaderElect: boolean;
  readonly leaseName: string;
  readonly metricsPort: number;
  readonly probePort: number;
  readonly bucketNamespaceExpression: string | undefined;
  readonly logLevel: string;
}

export class OptionsError extends Error {
  constructor(flag: string, problem: string) {
    super(`--${flag}: ${problem}`);
    this.name = 'OptionsError';
  }
}

const FLAGS = {
  namespace: { type: 'string' },
  'leader-elect': { type: 'string' },
  'lease-name': { type: 'string' },
  'metrics-port': { type: 'string' },
  'probe-port': { type: 'string' },
  'bucket-namespace-expression': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new OptionsError(
      flag,
      `"${value}" is not a port; give an integer from 0 to 65535 (0 picks a free one)`,
    );
  }
  return n;
}

function bool(flag: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === '') return true;
  if (value === 'false') return false;
  throw new OptionsError(flag, `"${value}" is not a boolean; use true or false`);
}

export function parseOperatorOptions(argv: readonly string[], env: NodeJS.ProcessEnv): OperatorOptions {
  let values: Partial<Record<keyof typeof FLAGS, string>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OptionsError(
      'help',
      `${message}; known flags: ${Object.keys(FLAGS)
        .map((f) => `--${f}`)
        .join(', ')}`,
    );
  }
  const namespace = values.namespace ?? env.POD_NAMESPACE ?? 'quota-system';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
    throw new OptionsError('namespace', `"${namespace}" is not a namespace name (DNS-1123 label)`);
  }
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';
  if (!['error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw new OptionsError('log-level', `"${logLevel}" is not a level; use error, warn, info or debug`);
  }
  return {
    namespace,
    leaderElect: bool('leader-elect', values['leader-elect'], true),
    leaseName: values['lease-name'] ?? 'milo-quota-operator',
    metricsPort: port('metrics-port', values['metrics-port'], 8080),
    probePort: port('probe-port', values['probe-port'], 8081),
    bucketNamespaceExpression: values['bucket-namespace-expression'],
    logLevel,
  };
}
