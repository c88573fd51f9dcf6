// A small interpreter for the part of Kyverno Chainsaw that upstream Milo's quota scenarios
// (test/quota/*/chainsaw-test.yaml) use, so those scenarios run, files unchanged, against one cluster with
// kubectl. Operations: create, apply, patch (file or inline resource; `expect` checks on $error), wait
// (condition, jsonPath, deletion; by name or label selector), assert and error (file or inline resource, polled
// until the timeout), delete (ref), sleep. `script`/`command`/`catch`/`finally` are diagnostics in Milo's
// files and are recorded as skipped. `cluster:` (Milo's per-control-plane kubeconfigs) is ignored: every step
// runs on the one cluster; the report says so for scenarios that use it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { type Bindings, evaluate, isExpressionKey, type Json, mismatch } from './expressions.ts';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
export type Kubectl = (args: readonly string[], input?: string) => Promise<KubectlResult>;

/** Chainsaw's per-operation timeouts (test/quota/.chainsaw.yaml), in milliseconds. */
export interface Timeouts {
  readonly apply: number;
  readonly assert: number;
  readonly delete: number;
  readonly error: number;
}

export interface OperationResult {
  readonly operation: string;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
}

export interface StepResult {
  readonly name: string;
  readonly operations: OperationResult[];
  readonly outcome: 'passed' | 'failed' | 'not run';
}

export interface ScenarioResult {
  readonly name: string;
  readonly steps: StepResult[];
  readonly clusters: string[];
  readonly passed: boolean;
}

const PROJECT_LABEL = 'resourcemanager.miloapis.com/project-name';

type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** "30s", "2m", "1m30s", "500ms" → milliseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    consumed += m[0];
  }
  if (consumed !== text.trim() || consumed === '')
    throw new Error(`"${text}" is not a duration like 30s or 2m`);
  return total;
}

export function readTimeouts(configFile: string | undefined): Timeouts {
  const fallback: Timeouts = { apply: 120_000, assert: 90_000, delete: 45_000, error: 90_000 };
  if (!configFile) return fallback;
  const doc = loadAll(readFileSync(configFile, 'utf8'))[0] as Json;
  const t = isObject(doc) && isObject(doc.spec) && isObject(doc.spec.timeouts) ? doc.spec.timeouts : {};
  const get = (k: keyof Timeouts) => (typeof t[k] === 'string' ? parseDuration(t[k]) : fallback[k]);
  return { apply: get('apply'), assert: get('assert'), delete: get('delete'), error: get('error') };
}

/** `kubectl get` argument for an apiVersion and kind: `kind.version.group`, or the kind for the core group. */
export function resourceArg(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return kind.toLowerCase();
  return `${kind.toLowerCase()}.${apiVersion.slice(slash + 1)}.${apiVersion.slice(0, slash)}`;
}

function documents(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const doc of loadAll(text) as Json[]) {
    if (!isObject(doc)) continue;
    if (doc.kind === 'List' && Array.isArray(doc.items)) out.push(...doc.items.filter(isObject));
    else out.push(doc);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChainsawRunner {
  private readonly kubectl: Kubectl;
  private readonly timeouts: Timeouts;
  private readonly log: (line: string) => void;
  /** What the running test created or applied, for clean-up. */
  private readonly created: JsonObject[] = [];

  constructor(kubectl: Kubectl, timeouts: Timeouts, log: (line: string) => void = () => {}) {
    this.kubectl = kubectl;
    this.timeouts = timeouts;
    this.log = log;
  }

  /**
   * Runs one chainsaw Test file; `dir` is the scenario directory its `file:` entries are relative to.
   * `projectOf(cluster)` names the Project a step's `cluster:` stands for: before such a step, namespace
   * `default` (where upstream's project-plane objects go) is labelled with that Project, the one-cluster
   * analogue of a Project's control plane; the label is removed after the test.
   */
  async runTest(
    dir: string,
    testFile = 'chainsaw-test.yaml',
    projectOf: (cluster: string) => string | undefined = () => undefined,
  ): Promise<ScenarioResult> {
    const test = documents(readFileSync(join(dir, testFile), 'utf8'))[0];
    const spec = test && isObject(test.spec) ? test.spec : {};
    const name = isObject(test?.metadata) ? (str(test.metadata.name) ?? dir) : dir;
    const clusters = isObject(spec.clusters) ? Object.keys(spec.clusters) : [];
    const steps: StepResult[] = [];
    let failed = false;
    for (const step of Array.isArray(spec.steps) ? spec.steps.filter(isObject) : []) {
      const stepName = str(step.name) ?? `step ${steps.length + 1}`;
      if (failed) {
        steps.push({ name: stepName, operations: [], outcome: 'not run' });
        continue;
      }
      this.log(`  step ${stepName}`);
      const operations: OperationResult[] = [];
      const project = typeof step.cluster === 'string' ? projectOf(step.cluster) : undefined;
      if (project) {
        const r = await this.kubectl([
          'label',
          'namespace',
          'default',
          `${PROJECT_LABEL}=${project}`,
          '--overwrite',
        ]);
        operations.push({
          operation: `cluster ${step.cluster}: namespace default labelled ${PROJECT_LABEL}=${project}`,
          outcome: r.code === 0 ? 'passed' : 'failed',
          detail: r.stderr.trim(),
        });
      }
      let stepFailed = false;
      for (const op of Array.isArray(step.try) ? step.try.filter(isObject) : []) {
        const result = await this.operation(dir, op);
        operations.push(result);
        this.log(
          `    ${result.outcome.padEnd(7)} ${result.operation}${result.detail ? `: ${result.detail}` : ''}`,
        );
        if (result.outcome === 'failed' && op.continueOnError !== true) {
          stepFailed = true;
          break;
        }
      }
      if (Array.isArray(step.catch) && stepFailed)
        operations.push({ operation: 'catch', outcome: 'skipped', detail: 'diagnostic scripts, not run' });
      steps.push({ name: stepName, operations, outcome: stepFailed ? 'failed' : 'passed' });
      failed ||= stepFailed;
    }
    await this.kubectl(['label', 'namespace', 'default', `${PROJECT_LABEL}-`]);
    steps.push(await this.cleanup());
    return { name, steps, clusters, passed: !failed && steps.length > 0 };
  }

  /**
   * Chainsaw's clean-up: every object the test created or applied is deleted, newest first, and waited for
   * (namespaces are not waited for). Reported as a last step; it does not decide the result.
   */
  private async cleanup(): Promise<StepResult> {
    const operations: OperationResult[] = [];
    const seen = new Set<string>();
    for (const doc of this.created.splice(0).reverse()) {
      const meta = isObject(doc.metadata) ? doc.metadata : {};
      const kind = str(doc.kind) ?? '';
      const target = `${resourceArg(str(doc.apiVersion) ?? '', kind)}/${str(meta.name)}`;
      const args = ['delete', target, '--ignore-not-found'];
      if (str(meta.namespace)) args.push('-n', str(meta.namespace) ?? '');
      if (seen.has(args.join(' '))) continue;
      seen.add(args.join(' '));
      args.push(
        kind === 'Namespace' ? '--wait=false' : '--wait=true',
        `--timeout=${Math.round(this.timeouts.delete / 1000)}s`,
      );
      const r = await this.kubectl(args);
      operations.push({
        operation: `delete ${kind} ${str(meta.name)}`,
        outcome: r.code === 0 ? 'passed' : 'failed',
        detail: r.stderr.trim(),
      });
    }
    const failed = operations.some((o) => o.outcome === 'failed');
    this.log(`  cleanup: ${operations.length} objects${failed ? ', some failed' : ''}`);
    return { name: 'cleanup', operations, outcome: failed ? 'failed' : 'passed' };
  }

  private async operation(dir: string, op: JsonObject): Promise<OperationResult> {
    const label = (verb: string, what: string) =>
      `${verb} ${what}${op.description ? ` (${str(op.description)})` : ''}`;
    try {
      if (isObject(op.create)) return await this.write('create', dir, op.create, label);
      if (isObject(op.apply)) return await this.write('apply', dir, op.apply, label);
      if (isObject(op.patch)) return await this.write('patch', dir, op.patch, label);
      if (isObject(op.wait)) return await this.wait(op.wait, label);
      if (isObject(op.assert)) return await this.assert(dir, op.assert, true, label);
      if (isObject(op.error)) return await this.assert(dir, op.error, false, label);
      if (isObject(op.delete)) return await this.delete(op.delete, label);
      if (isObject(op.sleep)) {
        const ms = parseDuration(str(op.sleep.duration) ?? '0s');
        await sleep(ms);
        return { operation: label('sleep', str(op.sleep.duration) ?? ''), outcome: 'passed', detail: '' };
      }
      const kind = Object.keys(op).find((k) => k !== 'description' && k !== 'continueOnError') ?? 'empty';
      return {
        operation: label(kind, ''),
        outcome: 'skipped',
        detail: `chainsaw "${kind}" is not interpreted`,
      };
    } catch (error) {
      return { operation: label('operation', ''), outcome: 'failed', detail: (error as Error).message };
    }
  }

  private source(dir: string, spec: JsonObject): { file: string; cleanup: () => void; shown: string } {
    const file = str(spec.file);
    if (file) return { file: join(dir, file), cleanup: () => {}, shown: file };
    if (isObject(spec.resource)) {
      const tmp = mkdtempSync(join(tmpdir(), 'milo-conformance-'));
      const path = join(tmp, 'resource.json');
      writeFileSync(path, JSON.stringify(spec.resource));
      const r = spec.resource;
      const shown = `${str(r.kind)} ${isObject(r.metadata) ? (str(r.metadata.name) ?? '(by labels)') : ''}`;
      return { file: path, cleanup: () => rmSync(tmp, { recursive: true, force: true }), shown };
    }
    throw new Error('operation has neither file nor resource');
  }

  /** create / apply / patch, then the `expect` checks against $error (kubectl's stderr, or null). */
  private async write(
    verb: 'create' | 'apply' | 'patch',
    dir: string,
    spec: JsonObject,
    label: (verb: string, what: string) => string,
  ): Promise<OperationResult> {
    const src = this.source(dir, spec);
    try {
      let result: KubectlResult;
      if (verb === 'patch') {
        result = { code: 0, stdout: '', stderr: '' };
        for (const doc of documents(readFileSync(src.file, 'utf8'))) {
          const meta = isObject(doc.metadata) ? doc.metadata : {};
          const args = [
            'patch',
            resourceArg(str(doc.apiVersion) ?? '', str(doc.kind) ?? ''),
            str(meta.name) ?? '',
          ];
          if (str(meta.namespace)) args.push('-n', str(meta.namespace) ?? '');
          result = await this.kubectl([...args, '--type=merge', '-p', JSON.stringify(doc)]);
          if (result.code !== 0) break;
        }
      } else {
        result = await this.kubectl([
          verb,
          '-f',
          src.file,
          `--request-timeout=${Math.round(this.timeouts.apply / 1000)}s`,
        ]);
      }
      const error: Json = result.code === 0 ? null : result.stderr.trim() || `kubectl exited ${result.code}`;
      if (verb !== 'patch' && result.code === 0)
        this.created.push(...documents(readFileSync(src.file, 'utf8')));
      const operation = label(verb, src.shown);
      const expect = Array.isArray(spec.expect) ? spec.expect.filter(isObject) : [];
      if (expect.length === 0) {
        return error === null
          ? { operation, outcome: 'passed', detail: '' }
          : { operation, outcome: 'failed', detail: `refused: ${error}` };
      }
      const bindings: Bindings = { error };
      for (const e of expect) {
        const check = isObject(e.check) ? e.check : {};
        for (const [key, want] of Object.entries(check)) {
          const got = isExpressionKey(key) ? evaluate(key.slice(1, -1), null, bindings) : null;
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            const outcome = error === null ? 'accepted' : `refused with: ${error}`;
            return {
              operation,
              outcome: 'failed',
              detail: `expected ${key} to be ${JSON.stringify(want)}; ${outcome}`,
            };
          }
        }
      }
      return {
        operation,
        outcome: 'passed',
        detail: error === null ? 'accepted as expected' : `refused as expected: ${error}`,
      };
    } finally {
      src.cleanup();
    }
  }

  private async wait(
    spec: JsonObject,
    label: (verb: string, what: string) => string,
  ): Promise<OperationResult> {
    const apiVersion = str(spec.apiVersion) ?? '';
    const kind = str(spec.kind) ?? '';
    const timeout = parseDuration(str(spec.timeout) ?? '30s');
    const target: string[] = [];
    const name = str(spec.name);
    target.push(name ? `${resourceArg(apiVersion, kind)}/${name}` : resourceArg(apiVersion, kind));
    if (!name && str(spec.selector)) target.push('-l', str(spec.selector) ?? '');
    if (str(spec.namespace)) target.push('-n', str(spec.namespace) ?? '');
    const f = isObject(spec.for) ? spec.for : {};
    let condition: string;
    if (isObject(f.condition))
      condition = `condition=${str(f.condition.name)}=${str(f.condition.value) ?? 'true'}`;
    else if (isObject(f.jsonPath)) condition = `jsonpath=${str(f.jsonPath.path)}=${str(f.jsonPath.value)}`;
    else if (f.deletion !== undefined) condition = 'delete';
    else throw new Error(`wait without a condition, jsonPath or deletion: ${JSON.stringify(f)}`);
    const operation = label('wait', `${kind} ${name ?? str(spec.selector) ?? ''} for ${condition}`);
    const deadline = Date.now() + timeout;
    let last = '';
    // kubectl wait fails at once when nothing matches yet; chainsaw keeps waiting until its timeout
    while (Date.now() < deadline) {
      const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const r = await this.kubectl(['wait', `--for=${condition}`, `--timeout=${left}s`, ...target]);
      if (r.code === 0) return { operation, outcome: 'passed', detail: '' };
      last = r.stderr.trim();
      if (condition === 'delete' && /not ?found|no matching resources/i.test(last))
        return { operation, outcome: 'passed', detail: 'already gone' };
      await sleep(500);
    }
    return { operation, outcome: 'failed', detail: `timed out after ${timeout / 1000}s: ${last}` };
  }

  /** Candidates for an expected document: by name, or listed by namespace and labels. */
  private async candidates(doc: JsonObject): Promise<JsonObject[]> {
    const meta = isObject(doc.metadata) ? doc.metadata : {};
    const args = ['get', resourceArg(str(doc.apiVersion) ?? '', str(doc.kind) ?? ''), '-o', 'json'];
    const name = str(meta.name);
    if (name) args.splice(2, 0, name);
    if (str(meta.namespace)) args.push('-n', str(meta.namespace) ?? '');
    else if (!name) args.push('-A');
    if (!name && isObject(meta.labels)) {
      const plain = Object.entries(meta.labels).filter(
        ([k, v]) => !isExpressionKey(k) && typeof v === 'string',
      );
      if (plain.length) args.push('-l', plain.map(([k, v]) => `${k}=${String(v)}`).join(','));
    }
    const r = await this.kubectl(args);
    if (r.code !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return [];
      throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
    }
    const got = JSON.parse(r.stdout) as Json;
    if (!isObject(got)) return [];
    return Array.isArray(got.items) ? got.items.filter(isObject) : [got];
  }

  /** assert (some object matches each document) or error (no object matches any), polled until the timeout. */
  private async assert(
    dir: string,
    spec: JsonObject,
    wantMatch: boolean,
    label: (verb: string, what: string) => string,
  ): Promise<OperationResult> {
    const src = this.source(dir, spec);
    try {
      const docs = documents(readFileSync(src.file, 'utf8'));
      const timeout = str(spec.timeout)
        ? parseDuration(str(spec.timeout) ?? '')
        : wantMatch
          ? this.timeouts.assert
          : this.timeouts.error;
      const operation = label(wantMatch ? 'assert' : 'error', src.shown);
      const deadline = Date.now() + timeout;
      let problem = '';
      while (true) {
        problem = '';
        for (const doc of docs) {
          const objects = await this.candidates(doc);
          const misses = objects.map((o) => mismatch(doc, o));
          const matched = misses.some((m) => m === undefined);
          const what = `${str(doc.kind)} ${isObject(doc.metadata) ? (str(doc.metadata.name) ?? '(by labels)') : ''}`;
          if (wantMatch && !matched) {
            problem = objects.length === 0 ? `${what}: no such object` : `${what}: ${misses[0]}`;
            break;
          }
          if (!wantMatch && matched) {
            problem = `${what}: an object matches and should not`;
            break;
          }
        }
        if (!problem) return { operation, outcome: 'passed', detail: '' };
        if (Date.now() >= deadline) break;
        await sleep(1000);
      }
      return { operation, outcome: 'failed', detail: `after ${timeout / 1000}s: ${problem}` };
    } finally {
      src.cleanup();
    }
  }

  private async delete(
    spec: JsonObject,
    label: (verb: string, what: string) => string,
  ): Promise<OperationResult> {
    const ref = isObject(spec.ref) ? spec.ref : {};
    const timeout = str(spec.timeout) ? parseDuration(str(spec.timeout) ?? '') : this.timeouts.delete;
    const args = [
      'delete',
      `${resourceArg(str(ref.apiVersion) ?? '', str(ref.kind) ?? '')}/${str(ref.name)}`,
    ];
    if (str(ref.namespace)) args.push('-n', str(ref.namespace) ?? '');
    args.push('--ignore-not-found', '--wait=true', `--timeout=${Math.round(timeout / 1000)}s`);
    const r = await this.kubectl(args);
    const operation = label('delete', `${str(ref.kind)} ${str(ref.name)}`);
    return r.code === 0
      ? { operation, outcome: 'passed', detail: '' }
      : { operation, outcome: 'failed', detail: r.stderr.trim() };
  }
}
