import type { ComponentChildren } from "preact";
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { Task } from "../../../contracts/api";
import { useI18n } from "../i18n/I18nProvider";
import { dueState } from "../state/due";

/** How much of the content a card shows; the dialog shows all of it. */
export const EXCERPT_LENGTH = 140;

export function excerpt(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
}

export interface TaskCardViewProps {
  readonly task: Task;
  readonly picName: string | null;
  readonly now: Date;
  readonly saving?: boolean;
  /** Opens the task's dialog; absent in the drag overlay, which is only a picture. */
  readonly onOpen?: () => void;
  /** The drag handle, when the user may move this card. */
  readonly handle?: ComponentChildren;
}

/** What a card shows. Pure presentation: the same in the list and under the pointer while dragging. */
export function TaskCardView({ task, picName, now, saving = false, onOpen, handle }: TaskCardViewProps) {
  const { t, dateTime } = useI18n();
  const due = dueState(task, now);
  const titleId = onOpen === undefined ? undefined : `task-${task.id}-title`;
  const text = excerpt(task.content);
  return (
    <article class={`card due-${due}`} aria-labelledby={titleId}>
      <div class="card-top">
        <h3 class="card-title" id={titleId}>
          {onOpen === undefined ? (
            task.title
          ) : (
            <button type="button" class="card-open" onClick={onOpen}>
              {task.title}
            </button>
          )}
        </h3>
        {handle}
      </div>
      <p class="card-pic">{t("card.pic", { name: picName ?? t("card.unassigned") })}</p>
      {task.dueAt === null ? null : (
        <p class="card-due">
          <time dateTime={task.dueAt}>{t("card.due", { date: dateTime(task.dueAt) })}</time>
          {due === "overdue" ? <span class="badge badge-overdue">{t("card.overdue")}</span> : null}
          {due === "soon" ? <span class="badge badge-soon">{t("card.dueSoon")}</span> : null}
        </p>
      )}
      {text === "" ? null : <p class="card-excerpt">{text}</p>}
      {saving ? <p class="card-saving">{t("card.saving")}</p> : null}
    </article>
  );
}

export interface SortableTaskCardProps extends Omit<TaskCardViewProps, "handle"> {
  /** Whether this user may move this card; others' cards are drop targets only. */
  readonly movable: boolean;
}

/** A card in a column: draggable (pointer, touch, keyboard via its handle) when the user may move it. */
export function SortableTaskCard(props: SortableTaskCardProps) {
  const { t } = useI18n();
  const { task, movable, saving = false } = props;
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, transform, transition, isDragging } = useSortable({
    id: task.id,
    // A card being saved cannot move again until its new version is known.
    disabled: { draggable: !movable || saving, droppable: false },
    attributes: { roleDescription: t("card.roleDescription") },
  });
  // dnd-kit's own role/tabIndex are for a non-button element; the handle is a real <button>.
  const { role: _role, tabIndex: _tabIndex, ...aria } = attributes;
  const handle = movable ? (
    <button
      type="button"
      class="card-handle"
      ref={setActivatorNodeRef}
      aria-label={t("card.move", { title: task.title })}
      // Not `disabled` while saving: dnd-kit returns focus to the handle after a drop, and a disabled button cannot take it.
      {...aria}
    >
      <span aria-hidden="true">⠿</span>
    </button>
  ) : null;

  return (
    <li
      ref={setNodeRef}
      class={`card-slot${movable ? " is-movable" : ""}${isDragging ? " is-dragging" : ""}`}
      // Applied through the CSSOM (Preact sets style properties one by one), which a strict CSP allows.
      style={{ transform: CSS.Translate.toString(transform) ?? "", transition: transition ?? "" }}
      {...(movable ? listeners : {})}
    >
      <TaskCardView {...props} handle={handle} />
    </li>
  );
}
