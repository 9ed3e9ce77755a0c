/** Markdown tables, right-aligned numbers, readable in a terminal as they are. */
export type Column<T> = [header: string, value: (row: T) => string | number | null];

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = [
    columns.map(([header]) => header),
    ...rows.map((row) => columns.map(([, value]) => format(value(row)))),
  ];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? '').length)));
  const render = (line: string[]) =>
    `| ${line.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, index) => (index === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [render(cells[0] ?? []), rule, ...cells.slice(1).map(render)].join('\n');
}

function format(value: string | number | null): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(value);
}
