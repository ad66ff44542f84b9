/** One versioned schema change. */
export interface Migration {
  /** 1, 2, 3...: applied in this order, each exactly once. */
  readonly version: number;
  readonly name: string;
  /**
   * One SQL statement each (no trailing `;`): PGlite's parameterised query
   * path takes a single statement, and the runner needs no SQL splitting.
   */
  readonly statements: readonly string[];
}
