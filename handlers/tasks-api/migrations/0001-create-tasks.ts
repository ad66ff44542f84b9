import type { Migration } from "./migration";

/**
 * The board's tasks. Frozen once released: change the schema with a new
 * migration, never by editing this one (the runner refuses edited migrations).
 *
 * `status_rank` is the column order of TASK_STATUSES, generated so that the
 * board order `(status_rank, position, id)` is one btree index that keyset
 * pagination walks; `id` breaks ties between equal positions.
 */
export const createTasks: Migration = {
  version: 1,
  name: "create-tasks",
  statements: [
    `CREATE TABLE tasks (
      id          uuid PRIMARY KEY,
      title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
      content     text NOT NULL DEFAULT '' CHECK (char_length(content) <= 10000),
      status      text NOT NULL CONSTRAINT tasks_status_check CHECK (status IN ('todo', 'in_progress', 'done')),
      status_rank smallint GENERATED ALWAYS AS (
                    CASE status WHEN 'todo' THEN 0 WHEN 'in_progress' THEN 1 WHEN 'done' THEN 2 END
                  ) STORED,
      pic         text NULL,
      due_at      timestamptz NULL,
      position    double precision NOT NULL,
      version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      created_by  text NOT NULL,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL
    )`,
    // The whole board, and one column of it (status filter), in board order.
    `CREATE INDEX tasks_board_order ON tasks (status_rank, position, id)`,
    // One PIC's cards in board order.
    `CREATE INDEX tasks_pic_board_order ON tasks (pic, status_rank, position, id)`,
    // due_before filter and the reminder's "due within 24 hours or overdue" scan.
    `CREATE INDEX tasks_due_at ON tasks (due_at) WHERE due_at IS NOT NULL`,
  ],
};
