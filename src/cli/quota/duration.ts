// Durations as kubectl takes them (Go's time.ParseDuration): `30s`, `2m`, `1m30s`, `500ms`, `1h`.
import { UsageError } from './errors.ts';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Milliseconds for a duration such as `1m30s`; throws UsageError naming `flag` otherwise. */
export function parseDuration(value: string, flag: string, verb?: string): number {
  const fail = (problem: string): never => {
    throw new UsageError(
      `${flag}: ${problem}`,
      `give a duration with a unit, e.g. ${flag}=30s, ${flag}=2m or ${flag}=1m30s`,
      { flag, ...(verb === undefined ? {} : { verb }) },
    );
  };
  if (value === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(value)) fail(`"${value}" has no unit`);
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let match = PART.exec(value); match !== null; match = PART.exec(value)) {
    total += Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0);
    end = PART.lastIndex;
  }
  if (value === '' || end !== value.length) fail(`"${value}" is not a duration`);
  if (!Number.isSafeInteger(Math.round(total))) fail(`"${value}" is too long`);
  return Math.round(total);
}

/** `90000` → `1m30s`, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 || seconds === 0 ? `${s}s` : ''}`;
}
