/**
 * What the signed-in user may do, mirroring the API's rules
 * (handlers/tasks-api/core/authorization.ts) so the UI offers only controls
 * that work. The API still decides; a refusal rolls back.
 */
import type { Task, UserProfile } from "../../../contracts/api";

export const isSupervisor = (user: UserProfile): boolean => user.role === "supervisor";

/** Supervisors move any card; a PIC moves only cards assigned to them. */
export function canMove(user: UserProfile, task: Task): boolean {
  return isSupervisor(user) || task.pic === user.email;
}

/** Creating, editing, deleting tasks and creating accounts are supervisor work. */
export const canManage = isSupervisor;
