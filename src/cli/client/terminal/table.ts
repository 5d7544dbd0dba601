/**
 * @module cli/client/terminal/table
 * Plain aligned tables: an upper-case header row, columns two spaces apart, no borders, so the
 * output reads well and still splits on whitespace.
 */

/**
 * @example
 * renderTable(['ID', 'STATUS'], [['demo', 'available']])
 * // → 'ID    STATUS\ndemo  available\n'
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], bold: (s: string) => string = (s) => s): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[], style: (s: string) => string) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
      .map(style)
      .join('  ')
      .trimEnd();
  return [line(headers, bold), ...rows.map((r) => line(r, (s) => s))].join('\n') + '\n';
}

/** Display width: one column per code point (enough for names and IDs). */
function width(text: string): number {
  return [...text].length;
}
