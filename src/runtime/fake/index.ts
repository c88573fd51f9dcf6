// In-memory fakes of the runtime for unit tests: a client, hand-driven informer sources, and a controller
// host tying them together. Test code only; production code never imports this folder.
export {
  FakeClient,
  type FakeClientOptions,
  type FakeRequest,
  type FakeVerb,
  failRequests,
  type Middleware,
  mergePatch,
  type WatchEventType,
  type WatchListener,
} from './client.ts';
export { testKubeConfig, WIDGETS } from './fixtures.ts';
export {
  eventually,
  FakeInformers,
  FakeManager,
  type FakeManagerOptions,
  type RecordedEvent,
} from './manager.ts';
export { FakeSource, type FakeSourceOptions } from './source.ts';
