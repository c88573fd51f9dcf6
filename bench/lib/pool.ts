// Load shapes: a burst (everything at once through a bounded number of concurrent clients) and a steady rate
// (one start every 1/rate seconds, whatever is still in flight), both bounded in count.

/** Runs `fn(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function burst(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Starts `fn(i)` at `ratePerSecond`, `count` times; resolves when all have settled. Returns the rate achieved.
 * `issued` is called once the last one has been started. */
export async function steady(
  count: number,
  ratePerSecond: number,
  fn: (i: number) => Promise<void>,
  issued?: () => void,
): Promise<number> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(fn(i));
  }
  const issuedMs = performance.now() - started;
  issued?.();
  await Promise.all(running);
  return count / Math.max(issuedMs / 1000, 1e-9);
}
