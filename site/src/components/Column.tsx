import { useDroppable } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import type { Task, TaskStatus } from "../../../contracts/api";
import { useI18n } from "../i18n/I18nProvider";
import { columnDropId } from "../state/drag";
import { SortableTaskCard } from "./TaskCard";

export interface ColumnProps {
  readonly status: TaskStatus;
  /** Card ids in display order (during a drag, the order under the pointer). */
  readonly ids: readonly string[];
  readonly tasksById: ReadonlyMap<string, Task>;
  /** Cards in the column on the board, filters aside. */
  readonly total: number;
  readonly filtering: boolean;
  readonly now: Date;
  readonly canMove: (task: Task) => boolean;
  readonly isSaving: (taskId: string) => boolean;
  readonly picName: (email: string | null) => string | null;
  readonly onOpen: (taskId: string) => void;
}

export function Column({ status, ids, tasksById, total, filtering, now, canMove, isSaving, picName, onOpen }: ColumnProps) {
  const { t, plural } = useI18n();
  // The column itself is a drop target, so an empty column can receive a card.
  const { setNodeRef, isOver } = useDroppable({ id: columnDropId(status) });
  const headingId = `column-${status}-heading`;
  const shown = ids.length;
  const countText = filtering ? t("column.countFiltered", { shown, total }) : plural(total, "column.count.one", "column.count.other");

  return (
    <section class={`column column-${status}${isOver ? " is-over" : ""}`} aria-labelledby={headingId}>
      <header class="column-header">
        <h2 id={headingId}>{t(`status.${status}`)}</h2>
        <span class="column-count" aria-hidden="true">
          {filtering ? `${shown}/${total}` : total}
        </span>
        <span class="visually-hidden">{countText}</span>
      </header>
      <SortableContext id={status} items={ids.slice()} strategy={verticalListSortingStrategy}>
        <ul class="card-list" ref={setNodeRef}>
          {ids.map((id) => {
            const task = tasksById.get(id);
            return task === undefined ? null : (
              <SortableTaskCard
                key={id}
                task={task}
                picName={picName(task.pic)}
                now={now}
                movable={canMove(task)}
                saving={isSaving(id)}
                onOpen={() => onOpen(id)}
              />
            );
          })}
          {shown === 0 ? <li class="column-empty">{t("column.empty")}</li> : null}
        </ul>
      </SortableContext>
    </section>
  );
}
