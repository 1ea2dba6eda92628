/**
 * How src/db maps D1 rows to the core's objects, one style for every table:
 *
 *  - each table has a row interface in `src/db/rows/` (`CredentialRow`, `WebhookRow`, …): its
 *    columns as D1 hands them back (TEXT → string, INTEGER → number, BLOB → `BlobValue`, a
 *    nullable column `| null`), and each query that joins or computes columns has one too, built
 *    from them;
 *  - one `…FromRow(row)` per table or query shape turns a row into the core's object, and a
 *    `…ToRow(model)` turns an object into the values of a row to write where whole rows are written;
 *  - a store (`src/db/*.ts`) types what a statement returns by those interfaces (`.all<XRow>()`,
 *    `.first<XRow>()`) and maps it with those functions: no column is read, cast or converted
 *    anywhere else.
 *
 * Joined selects prefix each table's columns with its alias (`c_id`, `p_email`, `o_name`) so that
 * they do not collide: such a row is `Aliased<XRow, "c_">`.
 */

/** `T`'s columns as a joined select names them: `Aliased<{ id: string }, "c_">` is `{ c_id: string }`. */
export type Aliased<T, P extends string> = { [K in keyof T & string as `${P}${K}`]: T[K] };

/** A BLOB as D1 hands it back (arrays of numbers, or bytes). */
export type BlobValue = ArrayBuffer | ArrayBufferView | number[];

/** `SELECT count(*) AS n`. */
export interface CountRow {
  n: number;
}

/** `SELECT … RETURNING id`. */
export interface IdRow {
  id: string;
}

/** A BLOB's bytes, or null. */
export function toBuffer(value: BlobValue | null | undefined): ArrayBuffer | null {
  if (value == null) return null;
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  return new Uint8Array(value).buffer;
}

/** `c.id AS c_id, c.kind AS c_kind, ...`: a table's columns under its alias, as `Aliased` rows name them. */
export const select = (alias: string, columns: readonly string[]) => columns.map((col) => `${alias}.${col} AS ${alias}_${col}`).join(", ");
