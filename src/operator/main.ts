// The operator's process entry point (the container's command): parse options, run until SIGTERM.
import { KubeConfig } from '@kubernetes/client-node';
import { startOperator } from './operator.ts';
import { OptionsError, parseOperatorOptions } from './options.ts';

try {
  const options = parseOperatorOptions(process.argv.slice(2), process.env);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  await startOperator(kubeConfig, options).stopped;
} catch (error) {
  console.error(error instanceof OptionsError ? error.message : error);
  process.exit(1);
}
