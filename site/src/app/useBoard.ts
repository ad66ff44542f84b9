/**
 * The board's behaviour over time: loads tasks and users, saves changes
 * optimistically and feeds every answer to the pure reducer in state/board.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import type { CreateTaskRequest, CreateUserRequest, Task, User } from "../../../contracts/api";
import type { ApiClient } from "../api/client";
import { ApiRequestError, SessionExpiredError } from "../api/errors";
import { boardReducer, changedFields, initialBoardState, type BoardState, type ChangeKind, type TaskChange } from "../state/board";
import { actionForFailedSave } from "./outcomes";

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiRequestError };

export interface BoardController {
  readonly state: BoardState;
  readonly users: readonly User[];
  /** The last load failed (and the session is still valid). */
  readonly loadFailed: boolean;
  reload(): Promise<void>;
  /**
   * Saves a move or an edit: shown at once, rolled back or turned into a conflict if the API refuses.
   * `baseVersion` is the version the user edited (a dialog opened earlier); default the board's.
   */
  saveChange(taskId: string, kind: ChangeKind, change: TaskChange, baseVersion?: number): Promise<Outcome<Task>>;
  createTask(request: CreateTaskRequest): Promise<Outcome<Task>>;
  deleteTask(taskId: string): Promise<Outcome<void>>;
  createUser(request: CreateUserRequest): Promise<Outcome<User>>;
  /** Sends the conflicting change again, against the version now on the server. */
  reapplyConflict(): void;
  /** Drops the user's conflicting change, keeping the server's version. */
  keepCurrent(): void;
  dismissNotice(): void;
}

function asRequestError(error: unknown): ApiRequestError {
  return error instanceof ApiRequestError ? error : new ApiRequestError(0, "unexpected_response", String(error));
}

export function useBoard(api: ApiClient): BoardController {
  const [state, dispatch] = useReducer(boardReducer, initialBoardState);
  const [users, setUsers] = useState<readonly User[]>([]);
  const [loadFailed, setLoadFailed] = useState(false);
  // Async work reads the latest state, not the render it started in.
  const stateRef = useRef(state);
  stateRef.current = state;

  const reload = useCallback(async () => {
    try {
      const [tasks, people] = await Promise.all([api.listTasks(), api.listUsers()]);
      setUsers(people);
      setLoadFailed(false);
      dispatch({ type: "loaded", tasks });
    } catch (error) {
      if (!(error instanceof SessionExpiredError)) setLoadFailed(true);
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const saveChange = useCallback(
    async (taskId: string, kind: ChangeKind, change: TaskChange, baseVersion?: number): Promise<Outcome<Task>> => {
      const task = stateRef.current.tasks.find((t) => t.id === taskId);
      if (task === undefined) return { ok: false, error: new ApiRequestError(404, "not_found", `task ${taskId} is not on the board`) };
      if (stateRef.current.pending[taskId] !== undefined) {
        return { ok: false, error: new ApiRequestError(0, "conflict", "the previous change to this task is still being saved") };
      }
      const diff = changedFields(task, change);
      if (Object.keys(diff).length === 0) return { ok: true, value: task };
      dispatch({ type: "changeStarted", taskId, kind, change: diff });
      // Mark it pending now, so a second drop before the next render cannot send a stale version.
      stateRef.current = boardReducer(stateRef.current, { type: "changeStarted", taskId, kind, change: diff });
      try {
        // An older base version than the board's earns a 409: the user then sees what changed meanwhile.
        const saved = await api.updateTask(taskId, { version: baseVersion ?? task.version, ...diff });
        dispatch({ type: "changeSaved", task: saved });
        return { ok: true, value: saved };
      } catch (error) {
        dispatch(actionForFailedSave(error, taskId, kind));
        return { ok: false, error: asRequestError(error) };
      }
    },
    [api],
  );

  const createTask = useCallback(
    async (request: CreateTaskRequest): Promise<Outcome<Task>> => {
      try {
        const task = await api.createTask(request);
        dispatch({ type: "taskCreated", task });
        return { ok: true, value: task };
      } catch (error) {
        return { ok: false, error: asRequestError(error) };
      }
    },
    [api],
  );

  const deleteTask = useCallback(
    async (taskId: string): Promise<Outcome<void>> => {
      try {
        await api.deleteTask(taskId);
        dispatch({ type: "taskDeleted", taskId });
        return { ok: true, value: undefined };
      } catch (error) {
        const failure = asRequestError(error);
        // Already gone is what the user wanted; say so rather than fail.
        if (failure.code === "not_found") {
          dispatch({ type: "taskDeleted", taskId });
          return { ok: true, value: undefined };
        }
        return { ok: false, error: failure };
      }
    },
    [api],
  );

  const createUser = useCallback(
    async (request: CreateUserRequest): Promise<Outcome<User>> => {
      try {
        const user = await api.createUser(request);
        setUsers((current) => [...current.filter((u) => u.email !== user.email), user]);
        dispatch({ type: "noticeShown", notice: { tone: "success", key: "userCreated", subject: user.email } });
        return { ok: true, value: user };
      } catch (error) {
        return { ok: false, error: asRequestError(error) };
      }
    },
    [api],
  );

  const reapplyConflict = useCallback(() => {
    const conflict = stateRef.current.conflict;
    if (conflict === null) return;
    dispatch({ type: "conflictClosed" });
    stateRef.current = boardReducer(stateRef.current, { type: "conflictClosed" });
    void saveChange(conflict.current.id, conflict.kind, conflict.attempted);
  }, [saveChange]);

  const keepCurrent = useCallback(() => dispatch({ type: "conflictClosed" }), []);
  const dismissNotice = useCallback(() => dispatch({ type: "noticeDismissed" }), []);

  return useMemo(
    () => ({ state, users, loadFailed, reload, saveChange, createTask, deleteTask, createUser, reapplyConflict, keepCurrent, dismissNotice }),
    [state, users, loadFailed, reload, saveChange, createTask, deleteTask, createUser, reapplyConflict, keepCurrent, dismissNotice],
  );
}
