/** How a refused save shows on the board: which reducer action a failure becomes. */
import { ApiRequestError, ConflictError } from "../api/errors";
import type { BoardAction, ChangeKind } from "../state/board";

export function actionForFailedSave(error: unknown, taskId: string, kind: ChangeKind): BoardAction {
  if (error instanceof ConflictError && error.current !== null) {
    return { type: "changeConflicted", taskId, current: error.current };
  }
  if (error instanceof ApiRequestError) {
    if (error.code === "not_found") return { type: "taskGone", taskId };
    if (error.code === "forbidden") return { type: "changeRefused", taskId, notice: kind === "move" ? "moveForbidden" : "editForbidden" };
    if (error.code === "network") return { type: "changeRefused", taskId, notice: "networkFailed" };
  }
  return { type: "changeRefused", taskId, notice: "saveFailed" };
}
