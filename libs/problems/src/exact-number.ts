// Numbers as exact fractions (BigInt numerator / denominator), so "0.5", "1/2" and "0.50"
// compare equal without floating-point rounding ("0.1 + 0.2" style traps).

/** A reduced fraction; `den` is always positive. */
export interface ExactNumber {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(num: bigint, den: bigint): ExactNumber {
  if (den === 0n) throw new RangeError('zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/**
 * Parses a plain number: optional sign, digits with optional thousands commas, optional decimals,
 * or a fraction "a/b". Returns undefined for anything else (the caller decides what text to strip).
 * Examples: "-1,000.50" -> 2001/-2 reduced, "3/4", ".5".
 */
export function parseExactNumber(text: string): ExactNumber | undefined {
  const t = text.trim().replace(/^\u2212/, '-');
  const fraction = /^([-+]?)(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (fraction) {
    const [, sign, a, b] = fraction as unknown as [string, string, string, string];
    if (BigInt(b) === 0n) return undefined;
    return reduce((sign === '-' ? -1n : 1n) * BigInt(a), BigInt(b));
  }
  const decimal = /^([-+]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d+))?$/.exec(t);
  if (!decimal) return undefined;
  const [, sign, intPart = '', frac = ''] = decimal as unknown as [string, string, string?, string?];
  if (intPart === '' && frac === '') return undefined;
  const digits = `${intPart.replaceAll(',', '')}${frac}` || '0';
  return reduce((sign === '-' ? -1n : 1n) * BigInt(digits), 10n ** BigInt(frac.length));
}

/** True when two exact numbers are the same value. */
export function exactEquals(a: ExactNumber, b: ExactNumber): boolean {
  return a.num === b.num && a.den === b.den;
}

/** The canonical text of a number: a terminating decimal ("1000.5", "-3") or else "p/q". */
export function formatExactNumber(x: ExactNumber): string {
  let den = x.den;
  let twos = 0;
  let fives = 0;
  while (den % 2n === 0n) [den, twos] = [den / 2n, twos + 1];
  while (den % 5n === 0n) [den, fives] = [den / 5n, fives + 1];
  if (den !== 1n) return `${x.num}/${x.den}`;
  const places = Math.max(twos, fives);
  const scaled = (x.num * 10n ** BigInt(places)) / x.den;
  const negative = scaled < 0n;
  const abs = (negative ? -scaled : scaled).toString().padStart(places + 1, '0');
  const whole = abs.slice(0, abs.length - places);
  const frac = abs.slice(abs.length - places);
  return `${negative ? '-' : ''}${whole}${places > 0 ? `.${frac}` : ''}`;
}
