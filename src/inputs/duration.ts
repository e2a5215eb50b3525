import { InputError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Parses a Go-style duration such as `500ms`, `10s`, `2m` or `1m30s` into milliseconds.
 * @throws InputError when the text is not such a duration or is not positive.
 */
export function parseDuration(raw: string, input: string, { allowZero = false } = {}): number {
  const text = raw.trim();
  const hint = 'Write a number with a unit, e.g. 500ms, 10s, 2m or 1m30s';
  if (text === '0' && allowZero) return 0;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    const bare = /^\d+(\.\d+)?$/.test(text) ? ` (a number needs a unit: ${text}s?)` : '';
    throw new InputError(input, `is not a duration: "${text}"${bare}`, hint);
  }
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  total = Math.round(total);
  if (total <= 0 && !allowZero) {
    throw new InputError(input, `must be longer than zero (got "${text}")`, hint);
  }
  return total;
}

/** Writes milliseconds back the way a user writes a duration: `10s`, `500ms`, `1m30s`, `2h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return `${ms}ms`;
  const parts: [number, string][] = [
    [Math.floor(ms / 3_600_000), 'h'],
    [Math.floor((ms % 3_600_000) / 60_000), 'm'],
    [(ms % 60_000) / 1000, 's'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}
