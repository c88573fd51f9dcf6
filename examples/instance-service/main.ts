// The example service's entry point: `KUBECONFIG=... node examples/instance-service/main.ts [flags]`.
// Runs until SIGTERM/SIGINT. Flags: --metrics-port (8090), --probe-port (8091), --provision-ms (200),
// --log-level (info).
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '@milo-quota/client/runtime';
import { simulatedProvisioner } from './provisioner.ts';
import { startInstanceService } from './service.ts';

function integer(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new Error(
      `--${flag}: "${value}" is not an integer from 0 to ${max}; give e.g. --${flag}=${fallback}`,
    );
  }
  return n;
}

const FLAGS = {
  'metrics-port': { type: 'string' },
  'probe-port': { type: 'string' },
  'provision-ms': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

function flags(args: string[]) {
  try {
    return parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false });
  } catch (error) {
    const known = Object.keys(FLAGS).map((f) => `--${f}`);
    throw new Error(`${error instanceof Error ? error.message : error}; known flags: ${known.join(', ')}`);
  }
}

try {
  const { values } = flags(process.argv.slice(2));
  const options = {
    metricsPort: integer('metrics-port', values['metrics-port'], 8090, 65535),
    probePort: integer('probe-port', values['probe-port'], 8091, 65535),
    provisioner: simulatedProvisioner({
      durationMs: integer('provision-ms', values['provision-ms'], 200, 3_600_000),
    }),
  };
  const logger = createLogger({
    ...(values['log-level'] === undefined ? {} : { level: values['log-level'] }),
    fields: { component: 'instance-service' },
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  logger.info('starting', { cluster: kubeConfig.getCurrentCluster()?.server });
  const service = startInstanceService(kubeConfig, { logger, ...options });
  await service.stopped;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
