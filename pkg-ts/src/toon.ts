/**
 * TOON output of the query builder, via the reference encoder (`@toon-format/toon`), which owns
 * the spec's quoting and number rules. Records become rows of a table named `result`:
 *
 * - `toonRecord` gives one record on one line, as the guide prints it:
 *   `result[1]{name,price}:Laptop,999`. When a selected value is an object or an array the
 *   record is not tabular; it then comes out as the encoder's multi-line TOON of the same table.
 * - `toonTable` gives all records as one TOON block (`result[2]{name,price}:` and a row a line).
 */
import { encode } from '@toon-format/toon';

export type JsonRecord = Record<string, unknown>;

/** One record as one line of TOON where the values are primitives. */
export function toonRecord(record: JsonRecord): string {
  const text = encode({ result: [record] });
  const lines = text.split('\n');
  // Tabular: header line + one indented row. Anything else (nested values) stays multi-line.
  if (lines.length === 2 && lines[0]!.endsWith(':') && lines[0]!.includes('{')) {
    return lines[0] + lines[1]!.trimStart();
  }
  return text;
}

/** Records as one TOON table. */
export function toonTable(records: JsonRecord[]): string {
  return encode({ result: records });
}

/**
 * The selected columns of `value` in `columns` order; a missing column is `null`, so every row of
 * a table has the same fields. No `columns`: the record's own fields.
 */
export function selectColumns(value: JsonRecord, columns: readonly string[] | null): JsonRecord {
  if (columns === null) return value;
  return Object.fromEntries(columns.map((column) => [column, Object.hasOwn(value, column) ? value[column] : null]));
}
