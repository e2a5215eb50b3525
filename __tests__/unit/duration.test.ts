import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/inputs/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['1h', 3_600_000],
    [' 10s ', 10_000],
  ])('reads %s as %i ms', (raw, ms) => {
    expect(parseDuration(raw, 'timeout')).toBe(ms);
  });

  it.each([
    [
      'a bare number',
      '10',
      /input "timeout" is not a duration: "10" \(a number needs a unit: 10s\?\)/,
    ],
    ['an unknown unit', '10d', /is not a duration/],
    ['zero', '0s', /must be longer than zero/],
    ['a negative value', '-5s', /is not a duration/],
    ['words', 'ten seconds', /is not a duration/],
  ])('refuses %s', (_name, raw, message) => {
    expect(() => parseDuration(raw, 'timeout')).toThrow(message);
  });

  it('accepts 0 where zero is allowed', () => {
    expect(parseDuration('0', 'wait', { allowZero: true })).toBe(0);
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [10_000, '10s'],
    [120_000, '2m'],
    [90_000, '1m30s'],
    [1_500, '1500ms'],
    [7_200_000, '2h'],
    [5_430_000, '1h30m30s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
