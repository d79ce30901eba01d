/** CSV as RFC 4180 writes it: fields with a comma, quote or line break are quoted. */

export function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | undefined | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
