/*
 * The comparison a sharded session merges numeric text by (numeric columns, bigints read as
 * strings): exact, by value, whatever the length.
 */
import { compareNumericText } from '../src/orm/sharding/sharded-session';

describe('sharded merge: numbers written as text', () => {
  test('orders by value, not by character', () => {
    const values = ['10.00', '9.50', '-3.25', '100', '-10', '0.05', '-0.50', '0', '-0.00', '9.5', '123456789012345678901234567890.01', '-123456789012345678901234567890'];
    const sorted = [...values].sort(compareNumericText);
    expect(sorted).toEqual(['-123456789012345678901234567890', '-10', '-3.25', '-0.50', '0', '-0.00', '0.05', '9.50', '9.5', '10.00', '100', '123456789012345678901234567890.01']);
  });

  test('equal values written differently compare equal; NaN sorts above every number', () => {
    expect(compareNumericText('9.50', '9.5')).toBe(0);
    expect(compareNumericText('007', '7.000')).toBe(0);
    expect(compareNumericText('-0.00', '0')).toBe(0);
    expect(compareNumericText('NaN', '1e308')).toBe(1);
    expect(compareNumericText('5', 'NaN')).toBe(-1);
    expect(compareNumericText('NaN', 'NaN')).toBe(0);
    expect(compareNumericText('-Infinity', '-1')).toBe(-1);
  });
});
