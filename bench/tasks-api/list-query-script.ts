import { LIMITS } from "../../contracts/api";
import { TASK_COLUMNS } from "../../handlers/tasks-api/core/task-rows";

/**
 * The list route's statement (handlers/tasks-api/core/tasks.ts `list`) for the page after `(rank, position, id)`,
 * optionally of one column; values are literals or pgbench variables (`:rank`).
 */
export function listPageSql(after?: { readonly rank: number | string; readonly position: number | string }, column?: number): string {
  const conditions = [
    ...(column === undefined ? [] : [`status_rank = ${column}`]),
    ...(after === undefined
      ? []
      : [`(status_rank, position, id) > (CAST(${after.rank} AS smallint), CAST(${after.position} AS double precision), CAST('00000000-0000-0000-0000-000000000000' AS uuid))`]),
  ];
  return `SELECT ${TASK_COLUMNS} FROM tasks${conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : ""} ORDER BY status_rank, position, id LIMIT ${LIMITS.pageSizeDefault + 1}`;
}

/**
 * A pgbench script running the SQL that `GET /api/tasks?limit=50&cursor=…`
 * sends (see handlers/tasks-api/core/tasks.ts `list`): a keyset page of the
 * board order, 51 rows (one more than the page to know whether another page
 * exists), from a random point of a random column. Its rate is what
 * PostgreSQL alone can do for the list route on this machine.
 *
 * `maxPosition` is the largest seeded position, so every page starts inside the board.
 */
export function listQueryScript(maxPosition: number): string {
  return ["\\set rank random(0, 2)", `\\set position random(0, ${Math.floor(maxPosition)})`, `${listPageSql({ rank: ":rank", position: ":position" })};`, ""].join("\n");
}
