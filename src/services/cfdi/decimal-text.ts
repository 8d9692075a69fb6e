/**
 * Amounts are stored as numeric(24,6), which prints `7924.660000` for what SAT wrote as `7924.66`.
 * Clients get the xs:decimal value without the padding the column adds: no trailing zeros, no
 * trailing point, never exponent notation.
 */
export function decimalText(value: string | number | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text === '' ? undefined : text;
  const [whole, fraction = ''] = text.split('.');
  const kept = fraction.replace(/0+$/, '');
  const sign = whole.startsWith('-') && (/[1-9]/.test(whole) || kept !== '') ? '-' : '';
  const digits = whole.replace(/^-/, '').replace(/^0+(?=\d)/, '');
  return kept === '' ? `${sign}${digits}` : `${sign}${digits}.${kept}`;
}
