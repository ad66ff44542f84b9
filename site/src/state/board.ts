/**
 * The board as a pure reducer: tasks as the server last confirmed them plus
 * the user's unsaved (optimistic) changes, what to roll back to, conflicts
 * waiting for the user's decision, and the message to show. No I/O here; the
 * app calls the API and dispatches what happened.
 */
import type { Task, TaskEditableField } from "../../../contracts/api";

/** The fields a change sets; a move is `{ status, position }`. */
export type TaskChange = Partial<Pick<Task, TaskEditableField>>;

export type ChangeKind = "move" | "edit";

export interface PendingChange {
  readonly kind: ChangeKind;
  readonly change: TaskChange;
  /** The task before the optimistic change: what a refusal restores and the version the PATCH carries. */
  readonly before: Task;
}

/** Someone else changed the task first: both versions stay until the user decides. */
export interface Conflict {
  readonly kind: ChangeKind;
  /** What the user tried to change. */
  readonly attempted: TaskChange;
  /** The task as the user saw it when they changed it. */
  readonly base: Task;
  /** The task as it is on the server now. */
  readonly current: Task;
}

/** Messages are keys (the i18n catalogs hold the words); `subject` is a task title to show with them. */
export type NoticeKey =
  | "moveForbidden"
  | "editForbidden"
  | "taskGone"
  | "saveFailed"
  | "networkFailed"
  | "loadFailed"
  | "taskCreated"
  | "taskDeleted"
  | "taskSaved"
  | "userCreated";

export interface Notice {
  readonly tone: "error" | "success";
  readonly key: NoticeKey;
  readonly subject?: string;
}

export interface BoardState {
  /** Every task on the board, optimistic changes applied. */
  readonly tasks: readonly Task[];
  readonly pending: Readonly<Record<string, PendingChange>>;
  readonly conflict: Conflict | null;
  readonly notice: Notice | null;
  readonly loaded: boolean;
}

export const initialBoardState: BoardState = { tasks: [], pending: {}, conflict: null, notice: null, loaded: false };

export type BoardAction =
  | { readonly type: "loaded"; readonly tasks: readonly Task[] }
  | { readonly type: "changeStarted"; readonly taskId: string; readonly kind: ChangeKind; readonly change: TaskChange }
  | { readonly type: "changeSaved"; readonly task: Task }
  | { readonly type: "changeRefused"; readonly taskId: string; readonly notice: NoticeKey }
  | { readonly type: "changeConflicted"; readonly taskId: string; readonly current: Task }
  | { readonly type: "taskGone"; readonly taskId: string }
  | { readonly type: "conflictClosed" }
  | { readonly type: "taskCreated"; readonly task: Task }
  | { readonly type: "taskDeleted"; readonly taskId: string }
  | { readonly type: "noticeShown"; readonly notice: Notice }
  | { readonly type: "noticeDismissed" };

function without<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

const replaceTask = (tasks: readonly Task[], task: Task): Task[] => tasks.map((t) => (t.id === task.id ? task : t));

export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "loaded": {
      // A change still in flight stays visible over the fresh copy until its answer arrives.
      const tasks = action.tasks.map((task) => {
        const pending = state.pending[task.id];
        return pending ? { ...task, ...pending.change } : task;
      });
      return { ...state, tasks, loaded: true };
    }

    case "changeStarted": {
      const before = state.tasks.find((task) => task.id === action.taskId);
      // One change per task at a time: the next one needs the version this one returns.
      if (before === undefined || state.pending[action.taskId] !== undefined) return state;
      return {
        ...state,
        tasks: replaceTask(state.tasks, { ...before, ...action.change }),
        pending: { ...state.pending, [action.taskId]: { kind: action.kind, change: action.change, before } },
        notice: state.notice?.tone === "error" ? null : state.notice,
      };
    }

    case "changeSaved": {
      // A move confirms itself on the board (and to screen readers, through dnd-kit); an edit from the dialog says so.
      const edited = state.pending[action.task.id]?.kind === "edit";
      return {
        ...state,
        tasks: replaceTask(state.tasks, action.task),
        pending: without(state.pending, action.task.id),
        notice: edited ? { tone: "success", key: "taskSaved", subject: action.task.title } : state.notice,
      };
    }

    case "changeRefused": {
      const pending = state.pending[action.taskId];
      if (pending === undefined) return state;
      return {
        ...state,
        tasks: replaceTask(state.tasks, pending.before),
        pending: without(state.pending, action.taskId),
        notice: { tone: "error", key: action.notice, subject: pending.before.title },
      };
    }

    case "changeConflicted": {
      const pending = state.pending[action.taskId];
      if (pending === undefined) return state;
      return {
        ...state,
        // The board shows the server's version; the user's change lives on in `conflict`.
        tasks: replaceTask(state.tasks, action.current),
        pending: without(state.pending, action.taskId),
        conflict: { kind: pending.kind, attempted: pending.change, base: pending.before, current: action.current },
      };
    }

    case "taskGone": {
      const task = state.pending[action.taskId]?.before ?? state.tasks.find((t) => t.id === action.taskId);
      return {
        ...state,
        tasks: state.tasks.filter((t) => t.id !== action.taskId),
        pending: without(state.pending, action.taskId),
        notice: { tone: "error", key: "taskGone", ...(task ? { subject: task.title } : {}) },
      };
    }

    case "conflictClosed":
      return { ...state, conflict: null };

    case "taskCreated":
      return {
        ...state,
        tasks: [...state.tasks.filter((t) => t.id !== action.task.id), action.task],
        notice: { tone: "success", key: "taskCreated", subject: action.task.title },
      };

    case "taskDeleted": {
      const task = state.tasks.find((t) => t.id === action.taskId);
      return {
        ...state,
        tasks: state.tasks.filter((t) => t.id !== action.taskId),
        pending: without(state.pending, action.taskId),
        notice: { tone: "success", key: "taskDeleted", ...(task ? { subject: task.title } : {}) },
      };
    }

    case "noticeShown":
      return { ...state, notice: action.notice };

    case "noticeDismissed":
      return { ...state, notice: null };
  }
}

/** The fields of `change` that differ from `task`; an empty object means nothing to save. */
export function changedFields(task: Task, change: TaskChange): TaskChange {
  const differs = (field: TaskEditableField): boolean => change[field] !== undefined && change[field] !== task[field];
  return {
    ...(differs("title") ? { title: change.title } : {}),
    ...(differs("content") ? { content: change.content } : {}),
    ...(differs("status") ? { status: change.status } : {}),
    ...(differs("pic") ? { pic: change.pic } : {}),
    ...(differs("dueAt") ? { dueAt: change.dueAt } : {}),
    ...(differs("position") ? { position: change.position } : {}),
  };
}
