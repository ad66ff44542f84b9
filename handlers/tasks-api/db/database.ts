/**
 * The one seam between the tasks-api and PostgreSQL. Two implementations:
 * a `pg` pool (PostgreSQL / Aurora) and PGlite (embedded, for the local stack
 * and tests). Both run the same SQL; anything backend-specific stays behind
 * this interface.
 */

/** A value a query parameter may hold; timestamps travel as ISO-8601 strings. */
export type SqlParam = string | number | boolean | null | readonly string[];

export interface QueryResult<T> {
  readonly rows: T[];
  /** Rows the statement touched (UPDATE/DELETE/INSERT) or returned (SELECT). */
  readonly rowCount: number;
}

/** Something that runs one SQL statement: the database itself or an open transaction. */
export interface Queryable {
  query<T>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<T>>;
}

export interface Database extends Queryable {
  /**
   * Runs `work` inside BEGIN ... COMMIT on one connection; any throw rolls back
   * and is rethrown. Default isolation (READ COMMITTED).
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes the pool or the embedded instance; in-flight queries finish first. */
  close(): Promise<void>;
}
