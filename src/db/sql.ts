/**
 * Statements whose SQL text and bound values are built together. Every value
 * is bound where it is written, as a numbered parameter (`?1`, `?2`, …), so
 * no statement binds by counting positions: a column is given its value by
 * name, and a value used twice is one parameter named twice.
 */

/** The values of one statement, numbered in the order they were added. */
export class Params {
  readonly values: unknown[] = [];

  /** The parameter of one more value: `?N`. */
  add(value: unknown): string {
    this.values.push(value);
    return `?${this.values.length}`;
  }

  /** Parameters of a list, `?4, ?5`, or a never-matching `NULL` for an empty one (SQL has no empty `IN ()`). */
  list(values: readonly unknown[]): string {
    return values.length ? values.map((v) => this.add(v)).join(", ") : "NULL";
  }
}

/** Prepares the statement `build` writes, bound to the values it added. */
export function prepare(db: D1Database, build: (p: Params) => string): D1PreparedStatement {
  const p = new Params();
  const sql = build(p);
  return db.prepare(sql).bind(...p.values);
}

/** A table row as column → value. */
export type RowValues<C extends string> = Record<C, unknown>;

/** `INSERT INTO table (columns) VALUES (…)` of one row. */
export const insertValues = <C extends string>(p: Params, table: string, row: RowValues<C>): string =>
  `INSERT INTO ${table} (${columnsOf(row).join(", ")}) VALUES (${columnsOf(row)
    .map((col) => p.add(row[col]))
    .join(", ")})`;

/**
 * `INSERT INTO table (columns) SELECT …` of one row, for inserts that read
 * some columns from other tables or decide them in SQL: each column is its
 * value in `row` unless `computed` gives it an SQL expression. The caller
 * appends the `FROM` / `WHERE` that the expressions read.
 */
export const insertSelect = <C extends string>(
  p: Params,
  table: string,
  row: RowValues<C>,
  computed: Partial<Record<C, string>> = {},
): string =>
  `INSERT INTO ${table} (${columnsOf(row).join(", ")}) SELECT ${columnsOf(row)
    .map((col) => computed[col] ?? p.add(row[col]))
    .join(", ")}`;

const columnsOf = <C extends string>(row: RowValues<C>) => Object.keys(row) as C[];

/** `LIKE` pattern for a substring, with the wildcards in it taken literally (with `ESCAPE '\'`). */
export const likeSubstring = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
