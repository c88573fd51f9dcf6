// Watching mounted files (a Secret or ConfigMap volume): the kubelet swaps them in by renaming a symlink in
// the directory, so the directory is watched (fs.watch), plus a slow poll for filesystems that drop events.
import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { errorFields, type Logger, sleep } from '../../runtime/index.ts';

export interface DirectoryWatch {
  readonly dir: string;
  readonly logger: Logger;
  /** Default 10 s. */
  readonly pollIntervalMs?: number;
  /** Events within this window are handled once. Default 100 ms. */
  readonly debounceMs?: number;
}

/** Runs `reload` after every change in `dir` and on every poll, until `signal` aborts. */
export async function watchDirectory(
  options: DirectoryWatch,
  signal: AbortSignal,
  reload: () => Promise<void>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.debounceMs ?? 100);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = fsWatch(options.dir, { persistent: false }, schedule);
    watcher.on('error', () => {}); // the poll below still runs
  } catch (error) {
    options.logger.warn('cannot watch the directory; polling it', {
      dir: options.dir,
      ...errorFields(error),
    });
  }
  while (!signal.aborted) {
    await sleep(options.pollIntervalMs ?? 10_000, signal);
    if (!signal.aborted) await reload();
  }
  clearTimeout(timer);
  watcher?.close();
}
