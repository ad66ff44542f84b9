import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { Task, TaskStatus, UserProfile } from "../../../contracts/api";
import type { ApiClient } from "../api/client";
import { useBoard } from "../app/useBoard";
import { useI18n } from "../i18n/I18nProvider";
import { groupByColumn } from "../state/columns";
import { isFiltering, matchesFilters, NO_FILTERS, type BoardFilters as Filters } from "../state/filters";
import { canManage, canMove } from "../state/permissions";
import { planMove } from "../state/positions";
import { Board } from "./Board";
import { BoardFilters, type PicOption } from "./BoardFilters";
import { ConflictDialog } from "./ConflictDialog";
import { NoticeArea } from "./NoticeArea";
import { TaskDialog, type TaskDialogTarget } from "./TaskDialog";
import { UserDialog } from "./UserDialog";

export interface BoardPageProps {
  readonly api: ApiClient;
  readonly user: UserProfile;
  readonly now: () => Date;
}

/** How often due marks ("overdue", "due within 24 h") are re-evaluated. */
const CLOCK_TICK_MS = 60_000;

function useNow(now: () => Date): Date {
  const [current, setCurrent] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setCurrent(now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [now]);
  return current;
}

export function BoardPage({ api, user, now: clock }: BoardPageProps) {
  const { t } = useI18n();
  const board = useBoard(api);
  const { state, users } = board;
  const now = useNow(clock);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [dialog, setDialog] = useState<TaskDialogTarget | null>(null);
  const [creatingUser, setCreatingUser] = useState(false);
  const manager = canManage(user);

  const tasksById = useMemo(() => new Map(state.tasks.map((task) => [task.id, task])), [state.tasks]);
  const all = useMemo(() => groupByColumn(state.tasks), [state.tasks]);
  const visible = useMemo(() => groupByColumn(state.tasks.filter((task) => matchesFilters(task, filters, now))), [state.tasks, filters, now]);
  const totals = useMemo(() => ({ todo: all.todo.length, in_progress: all.in_progress.length, done: all.done.length }), [all]);

  const nameOf = useCallback((email: string) => users.find((person) => person.email === email)?.name ?? email, [users]);
  const picName = useCallback((email: string | null) => (email === null ? null : nameOf(email)), [nameOf]);
  const mayMove = useCallback((task: Task) => canMove(user, task), [user]);
  const isSaving = useCallback((taskId: string) => state.pending[taskId] !== undefined, [state.pending]);

  const pics = useMemo<PicOption[]>(() => {
    const byEmail = new Map<string, string>();
    for (const person of users) if (person.role === "pic") byEmail.set(person.email, person.name);
    for (const task of state.tasks) if (task.pic !== null && !byEmail.has(task.pic)) byEmail.set(task.pic, nameOf(task.pic));
    return [...byEmail].map(([email, name]) => ({ email, name })).sort((a, b) => a.name.localeCompare(b.name));
  }, [users, state.tasks, nameOf]);

  const { saveChange } = board;
  const onMove = useCallback(
    (taskId: string, status: TaskStatus, order: readonly string[]) => {
      const task = tasksById.get(taskId);
      if (task === undefined) return;
      const planned = planMove(task, status, order, tasksById);
      if (planned !== null) void saveChange(taskId, "move", planned);
    },
    [tasksById, saveChange],
  );

  const openTask = dialog?.kind === "task" ? tasksById.get(dialog.taskId) : undefined;

  return (
    <div class="board-page">
      <div class="toolbar">
        <BoardFilters filters={filters} pics={pics} onChange={setFilters} />
        <div class="toolbar-actions">
          {manager ? (
            <>
              <button type="button" class="button-primary" onClick={() => setDialog({ kind: "new", status: "todo" })}>
                {t("board.newTask")}
              </button>
              <button type="button" onClick={() => setCreatingUser(true)}>
                {t("board.newPic")}
              </button>
            </>
          ) : null}
          <button type="button" class="button-quiet" onClick={() => void board.reload()}>
            {t("board.refresh")}
          </button>
        </div>
      </div>

      <NoticeArea notice={state.notice} onDismiss={board.dismissNotice} />

      {board.loadFailed ? (
        <div class="load-failed" role="alert">
          <p>{t("notice.loadFailed")}</p>
          <button type="button" onClick={() => void board.reload()}>
            {t("board.retry")}
          </button>
        </div>
      ) : null}
      {!state.loaded && !board.loadFailed ? <p role="status">{t("board.loading")}</p> : null}

      {state.loaded ? (
        <Board
          columns={visible}
          totals={totals}
          filtering={isFiltering(filters)}
          tasksById={tasksById}
          now={now}
          canMove={mayMove}
          isSaving={isSaving}
          picName={picName}
          onOpen={(taskId) => setDialog({ kind: "task", taskId })}
          onMove={onMove}
        />
      ) : null}

      {dialog === null ? null : (
        <TaskDialog
          key={dialog.kind === "task" ? dialog.taskId : "new"}
          target={dialog}
          task={openTask}
          user={user}
          users={users}
          api={api}
          nameOf={nameOf}
          onCreate={board.createTask}
          onSave={(taskId, change, baseVersion) => saveChange(taskId, "edit", change, baseVersion)}
          onDelete={board.deleteTask}
          onClose={() => setDialog(null)}
        />
      )}
      {creatingUser ? <UserDialog onCreate={board.createUser} onClose={() => setCreatingUser(false)} /> : null}
      {state.conflict === null ? null : (
        <ConflictDialog conflict={state.conflict} nameOf={nameOf} onReapply={board.reapplyConflict} onKeep={board.keepCurrent} />
      )}
    </div>
  );
}
