// kubectl-style tables: upper-case headers, left-aligned columns three spaces apart, the last column
// unpadded (so colour codes in it never upset the alignment).

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** A number, or `-` when the operator has not written it yet. */
export function figure(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}

/** kubectl's age format: 45s, 12m, 5h, 3d. */
export function age(from: string | undefined, now: Date): string {
  if (from === undefined) return '-';
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(from).getTime()) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
