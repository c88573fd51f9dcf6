// The usage bar: `[██████░░░░]  60%`, yellow from 80 %, red when full or over-committed. Colour only when
// the caller says so (stdout is a TTY and NO_COLOR is unset).

const WIDTH = 10;
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

export type UsageLevel = 'ok' | 'warning' | 'full';

export interface Usage {
  /** Whole percent of the limit in use (rounded down), or undefined when limit is 0. */
  readonly percent: number | undefined;
  readonly level: UsageLevel;
  /** allocated - limit when positive (a grant shrank after capacity was granted). */
  readonly overCommitted: number;
}

export function usageOf(limit: number, allocated: number): Usage {
  const overCommitted = Math.max(0, allocated - limit);
  const percent = limit > 0 ? Math.floor((allocated * 100) / limit) : undefined;
  const level: UsageLevel =
    overCommitted > 0 || (percent ?? 0) >= 100 ? 'full' : (percent ?? 0) >= 80 ? 'warning' : 'ok';
  return { percent, level, overCommitted };
}

/** `[██████░░░░]  60%`, plus `(over-committed by N)` when allocated exceeds the limit. */
export function usageBar(limit: number, allocated: number, colour: boolean): string {
  const usage = usageOf(limit, allocated);
  const filled =
    usage.percent === undefined
      ? allocated > 0
        ? WIDTH
        : 0
      : Math.min(WIDTH, Math.floor((usage.percent * WIDTH) / 100));
  const label = usage.percent === undefined ? (allocated > 0 ? 'over' : '-') : `${usage.percent}%`;
  const over = usage.overCommitted > 0 ? ` (over-committed by ${usage.overCommitted})` : '';
  const text = `[${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${label.padStart(4)}${over}`;
  if (!colour || usage.level === 'ok') return text;
  return `${usage.level === 'full' ? RED : YELLOW}${text}${RESET}`;
}
