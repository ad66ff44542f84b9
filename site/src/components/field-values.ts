import type { TaskEditableField } from "../../../contracts/api";
import type { I18n, MessageKey } from "../i18n/i18n";
import { COLUMNS } from "../state/columns";

export const FIELD_LABEL_KEYS: Readonly<Record<TaskEditableField, MessageKey>> = {
  title: "task.title",
  content: "task.content",
  status: "task.status",
  pic: "task.pic",
  dueAt: "task.dueAt",
  position: "task.position",
};

const SHORT_TEXT = 80;

/** A field's value in words: column names, people's names, local dates; long text shortened. */
export function describeFieldValue(
  field: TaskEditableField,
  value: string | number | null | undefined,
  i18n: Pick<I18n, "t" | "dateTime">,
  nameOf: (email: string) => string,
  /** Show long text whole (the conflict view, where the user's words must not be cut). */
  full = false,
): string {
  if (value === null || value === undefined || value === "") {
    return field === "pic" ? i18n.t("task.unassigned") : i18n.t("activity.none");
  }
  if (field === "status") {
    const status = COLUMNS.find((column) => column === value);
    return status === undefined ? String(value) : i18n.t(`status.${status}`);
  }
  if (field === "pic") return nameOf(String(value));
  if (field === "dueAt") return i18n.dateTime(String(value));
  const text = String(value);
  return full || text.length <= SHORT_TEXT ? text : `${text.slice(0, SHORT_TEXT - 1)}…`;
}
