import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { CreateTaskRequest, FieldProblem, Task, TaskStatus, User, UserProfile } from "../../../contracts/api";
import type { ApiClient } from "../api/client";
import { ValidationError, type ApiRequestError } from "../api/errors";
import type { Outcome } from "../app/useBoard";
import { useI18n } from "../i18n/I18nProvider";
import type { I18n } from "../i18n/i18n";
import type { TaskChange } from "../state/board";
import { canManage } from "../state/permissions";
import { ActivityLog } from "./ActivityLog";
import { Dialog } from "./Dialog";
import { describeFieldValue } from "./field-values";
import { changeFromForm, formValuesOf, fromLocalInput, TaskForm, type TaskFormValues } from "./TaskForm";

export type TaskDialogTarget = { readonly kind: "new"; readonly status: TaskStatus } | { readonly kind: "task"; readonly taskId: string };

export interface TaskDialogProps {
  readonly target: TaskDialogTarget;
  /** The task as the board has it now (undefined for a new task, or once it is deleted). */
  readonly task: Task | undefined;
  readonly user: UserProfile;
  readonly users: readonly User[];
  readonly api: ApiClient;
  readonly nameOf: (email: string) => string;
  readonly onCreate: (request: CreateTaskRequest) => Promise<Outcome<Task>>;
  /** `baseVersion`: the version the form was filled from. */
  readonly onSave: (taskId: string, change: TaskChange, baseVersion: number | undefined) => Promise<Outcome<Task>>;
  readonly onDelete: (taskId: string) => Promise<Outcome<void>>;
  readonly onClose: () => void;
}

/** Failures the dialog shows itself; the rest (refusal, conflict, gone) close it and show on the board. */
function formErrorOf(error: ApiRequestError, t: I18n["t"]): string | null {
  if (error instanceof ValidationError) return t("error.fixFields");
  if (error.code === "network") return t("error.network");
  return t("error.generic");
}

const keepsDialogOpen = (error: ApiRequestError): boolean => !["conflict", "forbidden", "not_found", "unauthorized"].includes(error.code);

/** A new task's form, or a task's details (editable for supervisors) with its activity log. */
export function TaskDialog(props: TaskDialogProps) {
  const { target, task, user, users, api, nameOf, onCreate, onSave, onDelete, onClose } = props;
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const manager = canManage(user);
  const assignees = users.filter((person) => person.role === "pic");
  const headingId = "task-dialog-heading";

  // The form starts from the version the dialog opened with, so a save sends exactly what the user changed.
  const [initial] = useState(() => formValuesOf(task ?? null, target.kind === "new" ? target.status : undefined));
  const [baseVersion] = useState(() => task?.version);

  async function run<T>(work: () => Promise<Outcome<T>>, onDone: (value: T) => void) {
    setBusy(true);
    setFormError(null);
    setProblems([]);
    const outcome = await work();
    setBusy(false);
    if (outcome.ok) return onDone(outcome.value);
    if (!keepsDialogOpen(outcome.error)) return onClose();
    setFormError(formErrorOf(outcome.error, t));
    if (outcome.error instanceof ValidationError) setProblems(outcome.error.problems);
  }

  function submit(values: TaskFormValues) {
    if (target.kind === "new") {
      const request: CreateTaskRequest = {
        title: values.title.trim(),
        content: values.content,
        status: values.status,
        pic: values.pic === "" ? null : values.pic,
        dueAt: fromLocalInput(values.due),
      };
      void run(() => onCreate(request), onClose);
      return;
    }
    const change = changeFromForm(initial, values);
    if (Object.keys(change).length === 0) return onClose();
    void run(() => onSave(target.taskId, change, baseVersion), onClose);
  }

  const heading = target.kind === "new" ? t("task.newHeading") : manager ? t("task.editHeading") : t("task.detailsHeading");

  return (
    <Dialog labelledBy={headingId} onClose={onClose} class="task-dialog">
      <div class="dialog-header">
        <h2 id={headingId}>{heading}</h2>
        <button type="button" class="button-quiet" onClick={onClose}>
          {t("task.close")}
        </button>
      </div>

      {task === undefined ? null : (
        <p class="task-meta">
          {t("task.createdBy", { name: nameOf(task.createdBy), date: dateTime(task.createdAt) })} · {t("task.updatedAt", { date: dateTime(task.updatedAt) })} ·{" "}
          {t("task.version", { version: task.version })}
        </p>
      )}

      {manager ? (
        <TaskForm
          idPrefix="task-form"
          initial={initial}
          assignees={assignees}
          busy={busy}
          problems={problems}
          formError={formError}
          onSubmit={submit}
        />
      ) : task === undefined ? null : (
        <TaskDetails task={task} i18n={i18n} nameOf={nameOf} />
      )}

      {manager && task !== undefined ? (
        <div class="danger-zone">
          {confirmingDelete ? (
            <ConfirmDelete
              question={t("task.deleteConfirm", { title: task.title })}
              confirmLabel={t("task.deleteYes")}
              cancelLabel={t("task.deleteNo")}
              busy={busy}
              onConfirm={() => void run(() => onDelete(task.id), onClose)}
              onCancel={() => setConfirmingDelete(false)}
            />
          ) : (
            <button type="button" class="button-danger-quiet" onClick={() => setConfirmingDelete(true)}>
              {t("task.delete")}
            </button>
          )}
        </div>
      ) : null}

      {target.kind === "task" ? <ActivityLog api={api} taskId={target.taskId} nameOf={nameOf} /> : null}
    </Dialog>
  );
}

function TaskDetails({ task, i18n, nameOf }: { readonly task: Task; readonly i18n: I18n; readonly nameOf: (email: string) => string }) {
  const { t } = i18n;
  return (
    <div class="task-details">
      <h3 class="task-details-title">{task.title}</h3>
      <dl>
        <dt>{t("task.status")}</dt>
        <dd>{describeFieldValue("status", task.status, i18n, nameOf)}</dd>
        <dt>{t("task.pic")}</dt>
        <dd>{describeFieldValue("pic", task.pic, i18n, nameOf)}</dd>
        <dt>{t("task.dueAt")}</dt>
        <dd>{task.dueAt === null ? t("task.noDue") : <time dateTime={task.dueAt}>{i18n.dateTime(task.dueAt)}</time>}</dd>
        <dt>{t("task.content")}</dt>
        <dd class="task-content">{task.content === "" ? t("task.noContent") : task.content}</dd>
      </dl>
    </div>
  );
}

interface ConfirmDeleteProps {
  readonly question: string;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  readonly busy: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/** The second step of deleting. Focus moves to the safe choice, since the Delete button it replaces is gone. */
function ConfirmDelete({ question, confirmLabel, cancelLabel, busy, onConfirm, onCancel }: ConfirmDeleteProps) {
  const keep = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => keep.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-labelledby="delete-confirm-text">
      <p id="delete-confirm-text">{question}</p>
      <div class="form-actions">
        <button type="button" class="button-danger" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" ref={keep} onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </div>
  );
}
