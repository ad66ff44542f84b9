import type { Migration } from "./migration";

/**
 * Task events waiting to be copied to the DynamoDB `task-events` table.
 * Written in the same transaction as the task change, so an event exists
 * exactly when its change committed; the outbox relay deletes a row once the
 * event is in DynamoDB. `claimed_until` is a lease: a relay that dies while
 * holding rows lets them become claimable again.
 */
export const createTasksOutbox: Migration = {
  version: 2,
  name: "create-tasks-outbox",
  statements: [
    `CREATE TABLE tasks_outbox (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event         jsonb NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      attempts      integer NOT NULL DEFAULT 0,
      claimed_until timestamptz NULL
    )`,
  ],
};
