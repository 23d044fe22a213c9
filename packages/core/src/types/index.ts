/*
 * Public surface of core's types layer: per-dialect value codecs, the zone helpers users
 * may call themselves, and the text helpers dialect packages build their hooks from.
 */
export type { ValueCodec } from './value-codec';
export { BaseDialectTypes } from './dialect-types';
export type { DialectTypes } from './dialect-types';
export { fromWallTime, toWallTime, zoneOffset } from './zoned-time';
export { formatUtcDateTime } from './date-time-text';
export { shortestFloat32 } from './decimal-text';
export type { NumericLimits } from './scalar-values';
export { columnLabel, invalidValue } from './value-errors';
