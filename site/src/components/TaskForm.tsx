import { useState } from "preact/hooks";
import type { FieldProblem, Task, TaskStatus, User } from "../../../contracts/api";
import { FORM_LIMITS } from "../api/contract-values";
import { useI18n } from "../i18n/I18nProvider";
import type { TaskChange } from "../state/board";
import { COLUMNS } from "../state/columns";

/** The form's own values: what the inputs hold, as strings. */
export interface TaskFormValues {
  readonly title: string;
  readonly content: string;
  /** A user's email, or "" for nobody. */
  readonly pic: string;
  /** `YYYY-MM-DDTHH:mm` in the user's time zone (what `datetime-local` holds), or "". */
  readonly due: string;
  readonly status: TaskStatus;
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** An instant as a `datetime-local` value in the browser's time zone. */
export function toLocalInput(iso: string | null): string {
  if (iso === null) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (local time, no zone) as an ISO instant; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (value === "") return null;
  // Date-time strings without an offset are local time (ECMA-262 Date.parse).
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function formValuesOf(task: Task | null, status: TaskStatus = "todo"): TaskFormValues {
  if (task === null) return { title: "", content: "", pic: "", due: "", status };
  return { title: task.title, content: task.content, pic: task.pic ?? "", due: toLocalInput(task.dueAt), status: task.status };
}

/** The fields whose input differs from the initial values, as a task change. */
export function changeFromForm(initial: TaskFormValues, values: TaskFormValues): TaskChange {
  return {
    ...(values.title.trim() !== initial.title.trim() ? { title: values.title.trim() } : {}),
    ...(values.content !== initial.content ? { content: values.content } : {}),
    ...(values.pic !== initial.pic ? { pic: values.pic === "" ? null : values.pic } : {}),
    ...(values.due !== initial.due ? { dueAt: fromLocalInput(values.due) } : {}),
    ...(values.status !== initial.status ? { status: values.status } : {}),
  };
}

type FieldName = "title" | "content" | "pic" | "dueAt" | "status";

export interface TaskFormProps {
  readonly idPrefix: string;
  readonly initial: TaskFormValues;
  /** People a task can be assigned to. */
  readonly assignees: readonly User[];
  readonly busy: boolean;
  /** Problems the API reported, by field. */
  readonly problems: readonly FieldProblem[];
  /** A problem not tied to one field (network, refusal). */
  readonly formError: string | null;
  readonly onSubmit: (values: TaskFormValues) => void;
}

/** Title, Content, PIC, Due date, Status and Save: creating and editing a task. */
export function TaskForm({ idPrefix, initial, assignees, busy, problems, formError, onSubmit }: TaskFormProps) {
  const { t } = useI18n();
  const [values, setValues] = useState<TaskFormValues>(initial);
  const [titleMissing, setTitleMissing] = useState(false);
  const set = (patch: Partial<TaskFormValues>) => setValues((current) => ({ ...current, ...patch }));
  const id = (field: FieldName): string => `${idPrefix}-${field}`;

  const problemOf = (field: FieldName): string | null => {
    if (field === "title" && titleMissing) return t("task.titleRequired");
    return problems.find((problem) => problem.field === field)?.message ?? null;
  };
  const describedBy = (field: FieldName) => (problemOf(field) === null ? {} : { "aria-describedby": `${id(field)}-problem`, "aria-invalid": true });
  const problemText = (field: FieldName) => {
    const problem = problemOf(field);
    return problem === null ? null : (
      <p class="field-problem" id={`${id(field)}-problem`}>
        {problem}
      </p>
    );
  };

  // The current PIC stays selectable even if they are not in the list (e.g. a removed account).
  const options = values.pic !== "" && !assignees.some((user) => user.email === values.pic) ? [{ email: values.pic, name: values.pic }, ...assignees] : assignees;

  return (
    <form
      class="form task-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (values.title.trim() === "") {
          setTitleMissing(true);
          document.getElementById(id("title"))?.focus();
          return;
        }
        setTitleMissing(false);
        onSubmit(values);
      }}
    >
      <div class="field">
        <label for={id("title")}>{t("task.title")}</label>
        <input
          id={id("title")}
          type="text"
          required
          maxLength={FORM_LIMITS.titleLength}
          value={values.title}
          onInput={(event) => set({ title: event.currentTarget.value })}
          {...describedBy("title")}
        />
        {problemText("title")}
      </div>
      <div class="field">
        <label for={id("content")}>{t("task.content")}</label>
        <textarea
          id={id("content")}
          rows={5}
          maxLength={FORM_LIMITS.contentLength}
          value={values.content}
          onInput={(event) => set({ content: event.currentTarget.value })}
          {...describedBy("content")}
        />
        {problemText("content")}
      </div>
      <div class="field-row">
        <div class="field">
          <label for={id("pic")}>{t("task.pic")}</label>
          <select id={id("pic")} value={values.pic} onChange={(event) => set({ pic: event.currentTarget.value })} {...describedBy("pic")}>
            <option value="">{t("task.unassigned")}</option>
            {options.map((user) => (
              <option key={user.email} value={user.email}>
                {user.name === user.email ? user.email : `${user.name} (${user.email})`}
              </option>
            ))}
          </select>
          {problemText("pic")}
        </div>
        <div class="field">
          <label for={id("dueAt")}>{t("task.dueAt")}</label>
          <input id={id("dueAt")} type="datetime-local" value={values.due} onInput={(event) => set({ due: event.currentTarget.value })} {...describedBy("dueAt")} />
          {problemText("dueAt")}
        </div>
        <div class="field">
          <label for={id("status")}>{t("task.status")}</label>
          <select
            id={id("status")}
            value={values.status}
            onChange={(event) => {
              const status = COLUMNS.find((column) => column === event.currentTarget.value);
              if (status !== undefined) set({ status });
            }}
            {...describedBy("status")}
          >
            {COLUMNS.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
          {problemText("status")}
        </div>
      </div>
      <div role="alert" class="form-error">
        {formError === null ? null : <p>{formError}</p>}
      </div>
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled={busy} aria-busy={busy}>
          {t("task.save")}
        </button>
      </div>
    </form>
  );
}
