// The reflector against a local server answering like the apiserver, one scripted answer per list and watch
// request: resuming from events and bookmarks, 410 Gone, the watchdog, a relist request, backoff.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { eventually, testKubeConfig, WIDGETS } from './fake/index.ts';
import type { LogFields, Logger } from './logger.ts';
import {
  nextPageLimit,
  PAGE_LIMITS,
  PARTIAL_OBJECT_METADATA,
  PARTIAL_OBJECT_METADATA_LIST,
  Reflector,
  type ReflectorOptions,
  type ReflectorTarget,
} from './reflector.ts';
import type { KubeObject } from './types.ts';

describe('adaptive LIST pages', () => {
  it("starts at client-go's 500 and grows towards the byte target for small objects", () => {
    assert.equal(nextPageLimit(0, 0), 500);
    // 500 claims of ~1 KB: 16 MiB holds ~16,000, capped at 10,000
    assert.equal(nextPageLimit(500, 500 * 1000), PAGE_LIMITS.max);
    // ~4 KB objects: 16 MiB / 4 KiB = 4,096
    assert.equal(nextPageLimit(1000, 1000 * 4096), 4096);
  });

  it('never goes below 500, however large the objects (250 KB annotations)', () => {
    assert.equal(nextPageLimit(500, 500 * 250_000), PAGE_LIMITS.min);
  });
});

type Answer = (res: http.ServerResponse) => void;
/** The answers to a namespace's lists and watches, in order; a request past the last one stays open, silent. */
interface Script {
  readonly lists: Answer[];
  readonly watches: Answer[];
}
interface Seen {
  readonly watch: boolean;
  readonly query: Record<string, string>;
  readonly accept: string | undefined;
  readonly at: number;
}

const widget = (name: string, rv: string) => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });
const listOf =
  (rv: string, ...names: string[]): Answer =>
  (res) =>
    res.end(
      JSON.stringify({
        apiVersion: 'example.com/v1',
        kind: 'WidgetList',
        metadata: { resourceVersion: rv },
        items: names.map((name) => widget(name, rv)),
      }),
    );
const event = (type: string, object: object) => `${JSON.stringify({ type, object })}\n`;
/** A watch that sends `lines` and ends. */
const ends =
  (...lines: string[]): Answer =>
  (res) =>
    res.end(lines.join(''));
/** A watch that sends `lines` and stays open, silent. */
const staysOpen =
  (...lines: string[]): Answer =>
  (res) => {
    res.writeHead(200);
    res.write(lines.join(''));
  };
const refused =
  (code: number, reason: string): Answer =>
  (res) => {
    res.statusCode = code;
    res.end(JSON.stringify({ kind: 'Status', code, reason, message: 'refused' }));
  };
const silent: Answer = (res) => {
  res.writeHead(200);
  res.flushHeaders();
};

class RecordingTarget implements ReflectorTarget {
  readonly calls: string[] = [];
  replace(items: KubeObject[], refresh?: boolean): void {
    const names = items.map((item) => item.metadata?.name).join(',');
    this.calls.push(`replace${refresh ? '(refresh)' : ''}:${names}`);
  }
  upsert(obj: KubeObject): void {
    this.calls.push(`upsert:${obj.metadata?.name}@${obj.metadata?.resourceVersion}`);
  }
  remove(obj: KubeObject): void {
    this.calls.push(`remove:${obj.metadata?.name}@${obj.metadata?.resourceVersion}`);
  }
}

class RecordingLogger implements Logger {
  readonly warnings: { message: string; fields: LogFields; at: number }[] = [];
  warn(message: string, fields: LogFields = {}): void {
    this.warnings.push({ message, fields, at: performance.now() });
  }
  error(): void {}
  info(): void {}
  debug(): void {}
  child(): Logger {
    return this;
  }
}

describe('Reflector list and watch', () => {
  let server: http.Server;
  let kc: KubeConfig;
  const scripts = new Map<string, Script>();
  const seen = new Map<string, Seen[]>();

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const namespace = url.pathname.split('/')[5] ?? '';
      const watch = url.searchParams.get('watch') === '1';
      const requests = seen.get(namespace) ?? [];
      seen.set(namespace, requests);
      requests.push({
        watch,
        query: Object.fromEntries(url.searchParams),
        accept: req.headers.accept,
        at: performance.now(),
      });
      const answers = watch ? scripts.get(namespace)?.watches : scripts.get(namespace)?.lists;
      const nth = requests.filter((r) => r.watch === watch).length - 1;
      (answers?.[nth] ?? silent)(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kc = testKubeConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { token: 't' });
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  /** Runs a reflector on `namespace` until the test ends. Backoff 5 s unless the test sets it. */
  function run(t: TestContext, namespace: string, script: Script, options: Partial<ReflectorOptions> = {}) {
    scripts.set(namespace, script);
    const target = new RecordingTarget();
    const logger = new RecordingLogger();
    const transformed: string[] = [];
    const reflector = new Reflector(
      {
        kubeConfig: kc,
        resource: WIDGETS,
        namespace,
        logger,
        backoff: { initialMs: 5_000, jitter: 0 },
        transform: (obj) => {
          transformed.push(`${obj.metadata?.name}@${obj.metadata?.resourceVersion}`);
          return obj;
        },
        ...options,
      },
      target,
    );
    const stop = new AbortController();
    const running = reflector.run(stop.signal);
    t.after(async () => {
      stop.abort();
      await running;
    });
    const requests = (watch: boolean) => (seen.get(namespace) ?? []).filter((r) => r.watch === watch);
    return {
      reflector,
      target,
      logger,
      transformed,
      lists: () => requests(false),
      watches: () => requests(true),
    };
  }

  it('lists, watches from the list, and resumes from the last event or bookmark at once', async (t) => {
    const { reflector, target, transformed, lists, watches } = run(
      t,
      'resume',
      {
        lists: [listOf('10', 'a')],
        watches: [
          ends(
            event('ADDED', widget('b', '11')),
            event('MODIFIED', widget('a', '12')),
            event('DELETED', widget('b', '13')),
            event('BOOKMARK', { metadata: { resourceVersion: '20' } }),
          ),
        ],
      },
      { labelSelector: 'app=x' },
    );
    // the watch ended after events: healthy, so the next one starts without the 5 s backoff
    await eventually(() => assert.equal(watches().length, 2));
    assert.deepEqual(target.calls, ['replace:a', 'upsert:b@11', 'upsert:a@12', 'remove:b@13']);
    assert.deepEqual(transformed, ['a@10', 'b@11', 'a@12', 'b@13'], 'a bookmark skips the transform');
    assert.deepEqual(
      watches().map((w) => w.query.resourceVersion),
      ['10', '20'],
    );
    const [list, watch] = [lists()[0]?.query, watches()[0]?.query];
    assert.equal(list?.labelSelector, 'app=x');
    assert.equal(watch?.labelSelector, 'app=x');
    assert.equal(watch?.allowWatchBookmarks, 'true');
    assert.equal(watches()[0]?.accept, 'application/json');
    assert.equal(reflector.stats.lastResourceVersion, '20');
    assert.deepEqual([reflector.stats.lists, reflector.stats.gone, reflector.stats.errors], [1, 0, 0]);
  });

  it('relists on 410 Gone, as an ERROR event or as the HTTP status', async (t) => {
    const expired = event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
    const { reflector, target, watches } = run(
      t,
      'gone',
      {
        lists: [listOf('10', 'a'), listOf('30', 'a', 'b'), listOf('40', 'b')],
        watches: [ends(expired), refused(410, 'Gone')],
      },
      { backoff: { initialMs: 20, jitter: 0 } },
    );
    await eventually(() => assert.equal(watches().length, 3));
    assert.deepEqual(
      watches().map((w) => w.query.resourceVersion),
      ['10', '30', '40'],
    );
    assert.deepEqual(target.calls, ['replace:a', 'replace:a,b', 'replace:b']);
    assert.deepEqual([reflector.stats.gone, reflector.stats.errors], [2, 0]);
  });

  it('cuts a watch silent past its timeout + slack, says so, and resumes after a backoff', async (t) => {
    const { reflector, logger, watches } = run(
      t,
      'silent',
      { lists: [listOf('10')], watches: [staysOpen(event('ADDED', widget('a', '11')))] },
      {
        watchTimeoutSeconds: { min: 0, max: 0 },
        watchdogSlackMs: 100,
        backoff: { initialMs: 300, jitter: 0 },
      },
    );
    await eventually(() => assert.equal(watches().length, 2));
    assert.equal(reflector.stats.watchdogAborts, 1);
    const warning = logger.warnings.find((w) => w.message === 'watch silent too long; reconnecting');
    assert.deepEqual(warning?.fields, { silentMs: 100, resourceVersion: '11' });
    assert.equal(watches()[1]?.query.resourceVersion, '11', 'resumed, not relisted');
    // a watch cut for silence is unhealthy: the next waits for the backoff
    assert.ok((watches()[1]?.at ?? 0) - (warning?.at ?? 0) >= 290);
    assert.deepEqual([reflector.stats.lists, reflector.stats.errors], [1, 0]);
  });

  it('backs off after a watch that ends at once with nothing in it', async (t) => {
    const { watches } = run(t, 'empty', { lists: [listOf('10')], watches: [ends()] });
    await eventually(() => assert.equal(watches().length, 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(watches().length, 1, 'no second watch before the 5 s backoff');
  });

  it('a relist request ends the watch and lists again at once, storing every object again', async (t) => {
    const { reflector, target, lists } = run(t, 'relist', {
      lists: [listOf('10', 'a'), listOf('15', 'a')],
      watches: [],
    });
    await eventually(() => assert.equal(reflector.stats.watches, 1));
    const until = reflector.requestRelist();
    await eventually(() => assert.equal(reflector.listsDone, until));
    assert.deepEqual(target.calls, ['replace:a', 'replace(refresh):a']);
    assert.equal(lists().length, 2);
    await eventually(() => assert.equal(reflector.stats.watches, 2));
    assert.equal(reflector.stats.errors, 0);
  });

  it('an ERROR event other than 410 is a failure: counted, logged, and the watch resumes', async (t) => {
    const failed = event('ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd' });
    const { reflector, logger, watches } = run(
      t,
      'failed',
      { lists: [listOf('10')], watches: [ends(event('ADDED', widget('a', '11')), failed)] },
      { backoff: { initialMs: 20, jitter: 0 } },
    );
    await eventually(() => assert.equal(watches().length, 2));
    assert.equal(reflector.stats.errors, 1);
    const warning = logger.warnings.find((w) => w.message === 'list/watch failed; retrying');
    assert.equal(warning?.fields.status, 500);
    assert.equal(warning?.fields.reason, 'InternalError');
    assert.equal(watches()[1]?.query.resourceVersion, '11');
    assert.deepEqual([reflector.stats.lists, reflector.stats.gone], [1, 0]);
  });

  it('metadata-only lists and watches ask for PartialObjectMetadata', async (t) => {
    const { lists, watches } = run(
      t,
      'metadata',
      { lists: [listOf('10')], watches: [] },
      { metadataOnly: true },
    );
    await eventually(() => assert.equal(watches().length, 1));
    assert.equal(lists()[0]?.accept, PARTIAL_OBJECT_METADATA_LIST);
    assert.equal(watches()[0]?.accept, PARTIAL_OBJECT_METADATA);
  });
});
