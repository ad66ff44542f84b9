import type { Task, UpdateTaskInput } from "../../../contracts/api";
import type { Principal } from "../../../contracts/auth";
import { ApiError } from "../../lib/errors";

/** Fields a PIC may change, and only on a task assigned to them: moving their own card. */
export const PIC_EDITABLE_FIELDS = ["status", "position"] as const;

export function requireSupervisor(principal: Principal, action: string): void {
  if (principal.role !== "supervisor") throw new ApiError("forbidden", `only a supervisor may ${action}`);
}

/**
 * Supervisors may change anything. A PIC may change `status` and `position`
 * of a task whose `pic` is their email, nothing else: sending any other
 * field is a 403 even when its value would not change.
 */
export function authorizeUpdate(principal: Principal, current: Task, input: UpdateTaskInput): void {
  if (principal.role === "supervisor") return;
  if (current.pic !== principal.email) {
    throw new ApiError("forbidden", "you may only move tasks assigned to you");
  }
  const others = (["title", "content", "pic", "dueAt"] as const).filter((field) => input[field] !== undefined);
  if (others.length > 0) {
    throw new ApiError("forbidden", `a PIC may change only ${PIC_EDITABLE_FIELDS.join(" and ")}; not ${others.join(", ")}`, {
      fields: others,
    });
  }
}
