import { Construct } from "constructs";
import { TASK_EVENTS_TABLE, USERS_TABLE } from "../../contracts/tables";
import { Table } from "../dynamodb";

export interface TaskboardTablesProps {
  /**
   * Deletion protection for both tables; pass the environment's `deletionProtection`.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The system's two tables, built from `contracts/tables.ts`: `users` and
 * `task-events`. Each has a KMS key of its own, so a grant on one table never
 * carries key permissions for the other (see the README).
 *
 * Construct ids `users` and `task-events` are stable: renaming them replaces a table.
 */
export class TaskboardTables extends Construct {
  readonly users: Table;
  readonly taskEvents: Table;

  constructor(scope: Construct, id: string, props: TaskboardTablesProps = {}) {
    super(scope, id);
    const deletionProtection = props.deletionProtection ?? true;
    this.users = new Table(this, "users", { ...USERS_TABLE, deletionProtection });
    this.taskEvents = new Table(this, "task-events", { ...TASK_EVENTS_TABLE, deletionProtection });
  }
}
