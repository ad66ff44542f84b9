import { Construct } from "constructs";
import { LOGIN_ATTEMPTS_TABLE, NOTIFICATIONS_SENT_TABLE, TASK_EVENTS_TABLE, USERS_TABLE } from "../../contracts/tables";
import { Table } from "../dynamodb";

export interface TaskboardTablesProps {
  /**
   * Deletion protection for both tables; pass the environment's `deletionProtection`.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The system's tables, built from `contracts/tables.ts`. There is one KMS key
 * per audience: `users` and `login-attempts` (read only by the auth function)
 * share one, `task-events` and `notifications-sent` (the task log and the
 * notifier's idempotency records) share the other. A grant on the task log
 * never carries key permissions for credentials (see the README).
 *
 * Construct ids are stable: renaming one replaces a table.
 */
export class TaskboardTables extends Construct {
  readonly users: Table;
  readonly taskEvents: Table;
  readonly loginAttempts: Table;
  readonly notificationsSent: Table;

  constructor(scope: Construct, id: string, props: TaskboardTablesProps = {}) {
    super(scope, id);
    const deletionProtection = props.deletionProtection ?? true;
    this.users = new Table(this, "users", { ...USERS_TABLE, deletionProtection });
    this.taskEvents = new Table(this, "task-events", { ...TASK_EVENTS_TABLE, deletionProtection });
    // Short-lived operational records: losing them costs a throttle reset or at worst a repeated email.
    this.loginAttempts = new Table(this, "login-attempts", {
      ...LOGIN_ATTEMPTS_TABLE,
      deletionProtection,
      encryptionKey: this.users.encryptionKey,
    });
    this.notificationsSent = new Table(this, "notifications-sent", {
      ...NOTIFICATIONS_SENT_TABLE,
      deletionProtection,
      encryptionKey: this.taskEvents.encryptionKey,
    });
  }
}
