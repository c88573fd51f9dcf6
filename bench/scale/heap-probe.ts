// Run as `node --expose-gc bench/scale/heap-probe.ts` with KUBECONFIG set: starts the operator in this
// process, waits until its caches are synced and its controllers quiet, and prints as JSON the heap after a
// full GC with the operator running and again after it has stopped and been dropped. The difference over
// the number of cached objects is the operator's memory per cached object (caches, indexes, ledger, metrics).
// Then, alone, the claims' informer as the operator builds it (the claim view, its two indexes, the interner's
// tables from empty): the heap it adds over the claims it holds is the memory per cached claim.
import { KubeConfig } from '@kubernetes/client-node';
import { RESOURCES } from '../../src/cache/index.ts';
import { BY_CONSUMER, BY_RESOURCE_REF, claimConsumer, claimResourceRef } from '../../src/cache/indexes.ts';
import { quotaView } from '../../src/cache/slim.ts';
import { startOperator } from '../../src/operator/operator.ts';
import { parseOperatorOptions } from '../../src/operator/options.ts';
import { cacheInterner, createLogger, Informer } from '../../src/runtime/index.ts';
import { metricValue } from '../lib/operator.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const collect = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};

const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
const options = parseOperatorOptions(
  [
    '--leader-elect=false',
    '--probe-port=0',
    '--metrics-port=0',
    '--enable-webhooks=false',
    '--log-level=error',
  ],
  {},
);
const before = collect();
let operator: ReturnType<typeof startOperator> | undefined = startOperator(kubeConfig, options, {
  logger: createLogger({ level: 'error' }),
  handleSignals: false,
});
const informers = () => operator?.manager.informers.informers() ?? [];
while (!informers().every((i) => i.hasSynced())) await new Promise((resolve) => setTimeout(resolve, 100));
let last = -1;
for (;;) {
  const text = (await operator.manager.registry.metrics()) as string;
  const reconciles = metricValue(text, 'controller_runtime_reconcile_total');
  const active = metricValue(text, 'controller_runtime_active_workers');
  if (reconciles === last && active === 0) break;
  last = reconciles;
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
const objects = informers().reduce((sum, i) => sum + i.list().length, 0);
const running = collect();
await operator.stop();
operator = undefined;
await new Promise((resolve) => setTimeout(resolve, 500));
const stopped = collect();

cacheInterner.clear();
const claimsBefore = collect();
let claims: Informer | undefined = new Informer({
  kubeConfig,
  resource: RESOURCES.claims,
  logger: createLogger({ level: 'error' }),
  transform: quotaView('ResourceClaim').transform,
});
claims.addIndex(BY_CONSUMER, claimConsumer);
claims.addIndex(BY_RESOURCE_REF, claimResourceRef);
claims.start();
await claims.synced;
const claimCount = claims.list().length;
const claimsHeap = collect() - claimsBefore;
await claims.stop();
claims = undefined;
console.log(
  JSON.stringify({
    objects,
    heapBefore: before,
    heapRunning: running,
    heapStopped: stopped,
    claims: claimCount,
    claimsHeap,
  }),
);
process.exit(0);
