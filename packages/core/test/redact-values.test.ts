import { hideQuotedLiterals, redactedCopy, valueRedactor } from '../src/engine/redact-values';

describe('valueRedactor (hideParameters)', () => {
  test('a value holding quotes is hidden whole, not cut at its first quote', () => {
    const redact = valueRedactor([`x'y"z`]);
    expect(redact(`Duplicate entry 'x'y"z' for key 'users.email'`)).toBe(`Duplicate entry '***' for key '***'`);
  });

  test('the longest value goes first, so a value inside another leaves no remnant', () => {
    const redact = valueRedactor(['abc', 'abcdef-secret'], (text) => text);
    expect(redact('Key (email)=(abcdef-secret) already exists')).toBe('Key (email)=(***) already exists');
  });

  test('a short value is hidden only where it stands alone, so messages stay readable', () => {
    const redact = valueRedactor([1, 'a'], (text) => text);
    expect(redact('Data too long for column at row 1 (a) in utf16')).toBe('Data too long for column at row *** (***) in utf16');
  });

  test('numbers, bigints, Dates, JSON leaves and Buffers are hidden by their text; booleans and null are not values worth hiding', () => {
    const when = new Date('2024-03-10T12:00:00Z');
    const redact = valueRedactor([123456, 98765432109876n, when, { token: 'leafsecret' }, Buffer.from('bytesecret'), true, null], (text) => text);
    expect(redact(`123456 98765432109876 ${when.toISOString()} {"token":"leafsecret"} leafsecret bytesecret true`)).toBe('*** *** *** *** *** *** true');
  });

  test('without a dialect rule every quoted literal is hidden', () => {
    expect(hideQuotedLiterals(`value 'a' and "b"`)).toBe(`value '***' and "***"`);
  });
});

describe('redactedCopy (the cause of an error with hidden parameters)', () => {
  class DriverError extends Error {
    detail = 'Key (email)=(topsecret) already exists.';
    code = '23505';
    position = 7;
  }

  test('keeps the class, codes and numbers, and hides the values in message, stack, detail and nested causes', () => {
    const original = new DriverError('duplicate topsecret', { cause: new Error('inner topsecret') });
    const copy = redactedCopy(original, valueRedactor(['topsecret'])) as DriverError;
    expect(copy).toBeInstanceOf(DriverError);
    expect(copy).not.toBe(original);
    expect(copy.message).toBe('duplicate ***');
    expect(copy.detail).toBe('Key (email)=(***) already exists.');
    expect(copy.stack).not.toContain('topsecret');
    expect((copy.cause as Error).message).toBe('inner ***');
    expect(copy.code).toBe('23505');
    expect(copy.position).toBe(7);
    expect(original.detail).toContain('topsecret');
  });

  test('a cycle in the error graph is copied once', () => {
    const error = new Error('loop topsecret') as Error & { self?: unknown };
    error.self = error;
    const copy = redactedCopy(error, valueRedactor(['topsecret'])) as Error & { self?: unknown };
    expect(copy.self).toBe(copy);
  });
});
