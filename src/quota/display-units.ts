// Display units: a registration stores every amount in its baseUnit (e.g. millicores) and names a
// displayUnit (vCPUs) with unitConversionFactor base units per display unit. This is the one conversion
// from base to display figures; it is for people only (the engine, the API and -o json keep base units).
//
// Rounding: the quotient is computed exactly (BigInt), then rounded half away from zero to at most
// DISPLAY_DECIMALS decimals, trailing zeros dropped: 48000/1000 → "48", 1500/1000 → "1.5",
// 1/3 → "0.333", 2/3 → "0.667". A non-zero amount that would round to 0 is shown as "<0.001", so a
// figure never reads as nothing when something is there.

export const DISPLAY_DECIMALS = 3;

/** The two registration fields the conversion needs (ResourceRegistration.spec). */
export interface DisplayUnits {
  readonly displayUnit: string;
  readonly unitConversionFactor: number;
}

const SCALE = 10n ** BigInt(DISPLAY_DECIMALS);

function checkInteger(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      `${field} must be a whole number ≥ ${min} (got ${value}): use an amount in base units and a factor of at least 1`,
    );
  }
}

/**
 * `base` base units as a display number (a string, so large values stay exact), e.g. 48000 with factor
 * 1000 → "48". Throws a RangeError naming the field for a non-integer or negative amount or a factor < 1.
 */
export function toDisplayValue(base: number, factor: number): string {
  checkInteger(base, 'amount', 0);
  checkInteger(factor, 'unitConversionFactor', 1);
  const b = BigInt(base);
  const f = BigInt(factor);
  // round(b * SCALE / f), half away from zero (b ≥ 0): floor((2·b·SCALE + f) / 2f)
  const scaled = (2n * b * SCALE + f) / (2n * f);
  if (scaled === 0n && b > 0n) return `<${(1 / Number(SCALE)).toFixed(DISPLAY_DECIMALS)}`;
  const whole = scaled / SCALE;
  const fraction = (scaled % SCALE).toString().padStart(DISPLAY_DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** `48 vCPUs`: the display value and unit; `-` when the figure is not known yet. */
export function formatDisplay(base: number | undefined, units: DisplayUnits): string {
  if (base === undefined) return '-';
  return `${toDisplayValue(base, units.unitConversionFactor)} ${units.displayUnit}`;
}

/**
 * The registration's display units when messages should show them: only when the factor is not 1, i.e.
 * when a display figure differs from its base figure (millicores → vCPUs, bytes → GiB). With a factor of 1
 * the display figures repeat the base ones (`project` / `projects`), so messages stay as Milo writes them.
 * A factor that is not a whole number ≥ 1 (the CRD forbids it) also yields undefined: messages never throw.
 */
export function messageDisplayUnits(spec: {
  readonly displayUnit?: string;
  readonly unitConversionFactor?: number;
}): DisplayUnits | undefined {
  const { displayUnit, unitConversionFactor: factor } = spec;
  if (displayUnit === undefined || displayUnit === '' || factor === undefined) return undefined;
  if (!Number.isSafeInteger(factor) || factor <= 1) return undefined;
  return { displayUnit, unitConversionFactor: factor };
}

/**
 * The display form that follows base figures in a message: `4 vCPUs requested, 2 vCPUs available` for
 * [['requested', 4000], ['available', 2000]] and 1000 millicores per vCPU. Undefined when a figure is not a
 * whole number ≥ 0 (then the message carries the base figures only, never a throw).
 */
export function displayFigures(
  figures: readonly (readonly [word: string, base: number])[],
  units: DisplayUnits,
): string | undefined {
  if (figures.some(([, base]) => !Number.isSafeInteger(base) || base < 0)) return undefined;
  return figures.map(([word, base]) => `${formatDisplay(base, units)} ${word}`).join(', ');
}

/** `text (display figures)` when `units` is given and the figures convert, else `text` unchanged. */
export function withDisplayFigures(
  text: string,
  figures: readonly (readonly [word: string, base: number])[],
  units: DisplayUnits | undefined,
): string {
  const display = units === undefined ? undefined : displayFigures(figures, units);
  return display === undefined ? text : `${text} (${display})`;
}
