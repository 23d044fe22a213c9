/*
 * How a dialect converts column values: DialectTypes hands out one ValueCodec per column,
 * built on first use and cached. BaseDialectTypes holds the standard behaviour of every
 * logical type; a dialect's x-types.ts overrides the few hooks where its driver differs.
 */
import { MetadataError } from '../errors/errors';
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { shortestFloat32 } from './decimal-text';
import {
  checkBigint,
  checkBoolean,
  checkBytes,
  checkEnum,
  checkFloat,
  checkInteger,
  checkJson,
  checkNumeric,
  checkString,
  checkUuid,
  readBigint,
  readBoolean,
  readBytes,
  readInteger,
  readJsonText,
  readNumeric,
  readString,
  readUuid,
  type NumericLimits,
} from './scalar-values';
import { checkDate, checkInstant, checkLocalDateTime, checkZoned, readDate, readInstant, readLocalDateTime, readZoned } from './temporal-values';
import type { ValueCodec } from './value-codec';
import { columnLabel } from './value-errors';

/**
 * A dialect's value conversions: the codec of any column. Every `Dialect` has one as `types`.
 * @example
 * const codec = engine.dialect.types.codec(registry.entity(User).column('balance')!);
 * codec.toDriver(12345678901234567890n); // what the driver binds for a bigint column
 */
export interface DialectTypes {
  /** The codec for a column; built once per column and cached, so it is cheap to call per row. */
  codec(column: ColumnMetadata): ValueCodec;
}

/** Wraps conversions so that null and undefined pass through untouched; `passes` as in ValueCodec. */
function nullSafe(toDriver: (value: unknown) => unknown, fromDriver: (raw: unknown) => unknown, passes?: ValueCodec['passes']): ValueCodec {
  return {
    toDriver: (value) => (value == null ? value : toDriver(value)),
    fromDriver: (raw) => (raw == null ? raw : fromDriver(raw)),
    passes,
  };
}

/**
 * The standard conversions of every logical type, with protected hooks for how values
 * go to and come from a driver. The defaults suit a driver that binds strings, booleans
 * and Buffers and returns date/time values as text; dialects override what differs.
 *
 * On every dialect: `null` is SQL NULL, so a JSON `null` value is stored as SQL NULL (a
 * NOT NULL json column cannot hold it) and reads back as `null`; -0 in a float or double
 * column is stored as 0; strings must be well-formed UTF-16 (no lone surrogates); a
 * `timestamp` with a `timeZone` refuses an instant its DST policy would not read back.
 * @example
 * class MyDialectTypes extends BaseDialectTypes {
 *   protected override booleanToDriver(value: boolean): unknown {
 *     return value ? 1 : 0;
 *   }
 * }
 */
export class BaseDialectTypes implements DialectTypes {
  readonly #codecs = new WeakMap<ColumnMetadata, ValueCodec>();

  /** The column's codec, built on first use (a custom type layered over its storage type) and cached per column. */
  codec(column: ColumnMetadata): ValueCodec {
    let codec = this.#codecs.get(column);
    if (codec === undefined) {
      const storage = this.buildCodec(column);
      const custom = column.type.custom;
      codec = custom === undefined ? storage : nullSafe((value) => storage.toDriver(custom.toDriver(value)), (raw) => custom.fromDriver(storage.fromDriver(raw)));
      this.#codecs.set(column, codec);
    }
    return codec;
  }

  /** Builds the codec of a column's built-in (storage) type; custom types are layered on top by `codec`. */
  protected buildCodec(column: ColumnMetadata): ValueCodec {
    const type = column.type;
    switch (type.name) {
      case 'integer':
      case 'smallint': {
        const [min, max] = type.name === 'smallint' ? [-32_768, 32_767] : [-2_147_483_648, 2_147_483_647];
        return nullSafe((v) => checkInteger(column, v, min, max), (raw) => this.integerFromDriver(column, raw), this.integerPasses());
      }
      case 'bigint': {
        const asString = column.bigintMode === 'string';
        return nullSafe(
          (v) => this.bigintToDriver(checkBigint(column, v)),
          (raw) => (asString ? this.bigintFromDriver(column, raw).toString() : this.bigintFromDriver(column, raw)),
        );
      }
      case 'numeric': {
        // numeric(p) means numeric(p, 0), as in SQL.
        const scale = type.scale ?? (type.precision === undefined ? undefined : 0);
        const widest = type.precision === undefined ? this.unconstrainedNumeric() : undefined;
        return nullSafe((v) => this.numericToDriver(checkNumeric(column, v, type.precision, scale, widest)), (raw) => readNumeric(column, raw, scale));
      }
      case 'float':
      case 'double': {
        const single = type.name === 'float';
        return nullSafe((v) => checkFloat(column, v, single), (raw) => this.floatFromDriver(column, raw, single), single ? undefined : this.floatPasses());
      }
      case 'boolean':
        return nullSafe((v) => this.booleanToDriver(checkBoolean(column, v)), (raw) => this.booleanFromDriver(column, raw), this.booleanPasses());
      case 'varchar':
      case 'text': {
        const length = type.name === 'varchar' ? type.length : undefined;
        return nullSafe((v) => this.stringToDriver(column, checkString(column, v, length)), readString, 'string');
      }
      case 'enum': {
        const allowed = new Set(type.enumValues);
        return nullSafe((v) => this.stringToDriver(column, checkEnum(column, v, allowed)), readString, 'string');
      }
      case 'json':
        return nullSafe((v) => this.jsonToDriver(column, checkJson(column, v)), (raw) => this.jsonFromDriver(column, raw));
      case 'uuid':
        return nullSafe((v) => this.uuidToDriver(checkUuid(column, v)), (raw) => readUuid(column, raw));
      case 'bytes':
        return nullSafe((v) => this.bytesToDriver(checkBytes(column, v)), (raw) => readBytes(column, raw));
      case 'date':
        return nullSafe((v) => this.dateToDriver(checkDate(column, v)), (raw) => readDate(column, raw));
      case 'timestamptz':
        return nullSafe((v) => this.timestamptzToDriver(checkInstant(column, v)), (raw) => this.timestamptzFromDriver(column, raw));
      case 'timestamp': {
        const zone = column.timeZone;
        if (zone === undefined) return nullSafe((v) => this.timestampToDriver(checkLocalDateTime(column, v)), (raw) => readLocalDateTime(column, raw));
        return nullSafe((v) => this.timestampToDriver(checkZoned(column, v, zone)), (raw) => readZoned(column, raw, zone));
      }
      default: {
        const unknownType: never = type.name;
        throw new MetadataError(`${columnLabel(column)}: no codec for column type '${String(unknownType)}'.`);
      }
    }
  }

  /** The driver values `integerFromDriver` keeps as they are (see ValueCodec.passes); undefined when it converts every value. */
  protected integerPasses(): ValueCodec['passes'] {
    return 'number';
  }

  /** The driver values `floatFromDriver` keeps as they are for a double; undefined when it converts every value. */
  protected floatPasses(): ValueCodec['passes'] {
    return 'number';
  }

  /** The driver values `booleanFromDriver` keeps as they are; undefined when it converts every value. */
  protected booleanPasses(): ValueCodec['passes'] {
    return 'boolean';
  }

  /** Reads an integer or smallint; the default takes numbers, bigints and integer strings. */
  protected integerFromDriver(column: ColumnMetadata, raw: unknown): number {
    return typeof raw === 'number' ? raw : readInteger(column, raw);
  }

  /** Binds a bigint; the default sends its decimal text, which every server casts exactly. */
  protected bigintToDriver(value: bigint): unknown {
    return value.toString();
  }

  /** Reads a bigint from the driver's decimal text, bigint or number. */
  protected bigintFromDriver(column: ColumnMetadata, raw: unknown): bigint {
    return readBigint(column, raw);
  }

  /**
   * The widest decimal the database stores for a numeric declared without precision, which
   * writes are checked against; the default, undefined, is for servers whose unconstrained
   * numeric keeps any decimal a JavaScript string can reasonably hold.
   */
  protected unconstrainedNumeric(): NumericLimits | undefined {
    return undefined;
  }

  /** Binds a numeric as its canonical decimal text. */
  protected numericToDriver(text: string): unknown {
    return text;
  }

  /**
   * Reads a float (`single`) or double from a number or numeric text. A single-precision
   * value is shortened to the float's shortest decimal (1.100000023841858 -> 1.1), as
   * written: writes bind the float itself (Math.fround), and some drivers widen it.
   */
  protected floatFromDriver(column: ColumnMetadata, raw: unknown, single: boolean): number {
    const value = typeof raw === 'number' ? raw : Number(raw);
    return single ? shortestFloat32(value) : value;
  }

  /** Binds a varchar, text or enum string that passed the standard checks; dialects refuse here what their server cannot store. */
  protected stringToDriver(_column: ColumnMetadata, value: string): unknown {
    return value;
  }

  /** Binds a boolean; the default binds true / false. */
  protected booleanToDriver(value: boolean): unknown {
    return value;
  }

  /** Reads a boolean from true / false, 1 / 0 or 't' / 'f'. */
  protected booleanFromDriver(column: ColumnMetadata, raw: unknown): boolean {
    return typeof raw === 'boolean' ? raw : readBoolean(column, raw);
  }

  /** Binds a json value as its JSON text; dialects refuse here what their server cannot store. */
  protected jsonToDriver(_column: ColumnMetadata, text: string): unknown {
    return text;
  }

  /** Reads a json value; the default parses text and keeps what the driver parsed itself. */
  protected jsonFromDriver(column: ColumnMetadata, raw: unknown): unknown {
    return readJsonText(column, raw);
  }

  /** Binds a uuid as its lower-case text. */
  protected uuidToDriver(text: string): unknown {
    return text;
  }

  /** Binds bytes as a Buffer. */
  protected bytesToDriver(value: Buffer): unknown {
    return value;
  }

  /** Binds a date as its 'YYYY-MM-DD' text. */
  protected dateToDriver(text: string): unknown {
    return text;
  }

  /** Binds a timestamptz; the default sends ISO-8601 UTC text 'YYYY-MM-DDTHH:MM:SS.fffZ'. */
  protected timestamptzToDriver(value: Date): unknown {
    return value.toISOString();
  }

  /** Reads a timestamptz from text with an offset, or without one as UTC. */
  protected timestamptzFromDriver(column: ColumnMetadata, raw: unknown): Date {
    return readInstant(column, raw);
  }

  /** Binds a timestamp as its zone-less text 'YYYY-MM-DDTHH:MM:SS[.ffffff]'. */
  protected timestampToDriver(text: string): unknown {
    return text;
  }
}
