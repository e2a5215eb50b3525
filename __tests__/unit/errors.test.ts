import { describe, expect, it } from 'vitest';
import { ClusterError, describeError, InputError, quoteServerText } from '../../src/errors.js';

describe('describeError', () => {
  it('gives what failed and the fix on one line', () => {
    const line = describeError(new InputError('server', 'is empty.', 'Set server.'));
    expect(line).toBe('input "server" is empty. Set server.');
  });

  it('keeps the message of an unexpected error and asks for a report', () => {
    expect(describeError(new RangeError('boom\nat x'))).toBe(
      "unexpected error: boom at x. Please report this at the action's issue tracker.",
    );
    expect(describeError('plain string')).toMatch(/^unexpected error: plain string\./);
  });

  it('scrubs every known secret, longest first', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature';
    const err = new ClusterError('network', `leaked ${token} and ${token.slice(0, 20)}`, 'fix');
    const line = describeError(err, [token.slice(0, 20), token]);
    expect(line).not.toContain(token);
    expect(line).not.toContain(token.slice(0, 20));
    expect(line).toContain('leaked *** and ***');
  });
});

describe('quoteServerText', () => {
  it('removes control characters, line breaks and leading colons', () => {
    expect(quoteServerText('::error::x\u0000\n\ty')).toBe('error::x y');
  });
});
