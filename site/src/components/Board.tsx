import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { sortableKeyboardCoordinates } from "@dnd-kit/sortable";
import { useMemo, useRef, useState } from "preact/hooks";
import type { Task, TaskStatus } from "../../../contracts/api";
import { useI18n } from "../i18n/I18nProvider";
import { COLUMNS, type Columns } from "../state/columns";
import { columnOf, moveAcross, reorderWithin, type ColumnOrder } from "../state/drag";
import { boardCollisions } from "./collisions";
import { Column } from "./Column";
import { MouseAndPenSensor, POINTER_ACTIVATION, TOUCH_ACTIVATION } from "./sensors";
import { TaskCardView } from "./TaskCard";

export interface BoardProps {
  /** The cards to show, filtered, per column in board order. */
  readonly columns: Columns<Task>;
  /** Cards per column before filtering. */
  readonly totals: Readonly<Record<TaskStatus, number>>;
  readonly filtering: boolean;
  readonly tasksById: ReadonlyMap<string, Task>;
  readonly now: Date;
  readonly canMove: (task: Task) => boolean;
  readonly isSaving: (taskId: string) => boolean;
  readonly picName: (email: string | null) => string | null;
  readonly onOpen: (taskId: string) => void;
  /** A card was dropped: `order` is its destination column's visible ids after the drop. */
  readonly onMove: (taskId: string, status: TaskStatus, order: readonly string[]) => void;
}

const idOf = (id: UniqueIdentifier): string => String(id);

function orderOf(columns: Columns<Task>): ColumnOrder {
  return { todo: columns.todo.map((t) => t.id), in_progress: columns.in_progress.map((t) => t.id), done: columns.done.map((t) => t.id) };
}

/** Whether the dragged card's middle is below the middle of what it is over: then it goes after it. */
function isBelow(event: DragOverEvent): boolean {
  const dragged = event.active.rect.current.translated;
  const over = event.over?.rect;
  return dragged !== null && over !== undefined && dragged.top + dragged.height / 2 > over.top + over.height / 2;
}

/**
 * The three columns with drag and drop by pointer, touch and keyboard. While a
 * card is dragged the board keeps its own preview order; the drop hands the
 * final order to `onMove`, which saves it.
 */
export function Board(props: BoardProps) {
  const { columns, totals, filtering, tasksById, now, canMove, isSaving, picName, onOpen, onMove } = props;
  const { t } = useI18n();
  const [preview, setPreview] = useState<ColumnOrder | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const settled = useMemo(() => orderOf(columns), [columns]);
  const order = preview ?? settled;
  // dnd-kit calls the handlers and announcements between renders: they read the latest order here.
  const orderRef = useRef(order);
  orderRef.current = order;

  const sensors = useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: POINTER_ACTIVATION }),
    useSensor(TouchSensor, { activationConstraint: TOUCH_ACTIVATION }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const titleOf = (id: UniqueIdentifier): string => tasksById.get(idOf(id))?.title ?? idOf(id);

  /** Column, 1-based position and count the dragged card would have over `overId`. */
  function placeOver(activeKey: string, overId: string): { column: string; position: number; count: number } | null {
    const current = orderRef.current;
    const status = columnOf(current, overId);
    if (status === null) return null;
    const ids = current[status];
    const sameColumn = ids.includes(activeKey);
    const overIndex = ids.indexOf(overId);
    const index = overIndex === -1 ? (sameColumn ? ids.length - 1 : ids.length) : overIndex;
    return { column: t(`status.${status}`), position: index + 1, count: sameColumn ? ids.length : ids.length + 1 };
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      const place = placeOver(idOf(active.id), idOf(active.id));
      return place === null ? undefined : t("dnd.pickedUp", { title: titleOf(active.id), ...place });
    },
    onDragOver: ({ active, over }) => {
      const place = over === null ? null : placeOver(idOf(active.id), idOf(over.id));
      return place === null ? t("dnd.overNothing", { title: titleOf(active.id) }) : t("dnd.over", { title: titleOf(active.id), ...place });
    },
    onDragEnd: ({ active, over }) => {
      const place = over === null ? null : placeOver(idOf(active.id), idOf(over.id));
      if (place === null) return t("dnd.cancelled", { title: titleOf(active.id), column: columnLabelOf(active.id) });
      return t("dnd.dropped", { title: titleOf(active.id), ...place });
    },
    onDragCancel: ({ active }) => t("dnd.cancelled", { title: titleOf(active.id), column: columnLabelOf(active.id) }),
  };

  function columnLabelOf(id: UniqueIdentifier): string {
    const status = tasksById.get(idOf(id))?.status;
    return status === undefined ? "" : t(`status.${status}`);
  }

  function handleDragStart({ active }: DragStartEvent) {
    setActiveId(idOf(active.id));
    setPreview(settled);
  }

  function handleDragOver(event: DragOverEvent) {
    const { active, over } = event;
    if (over === null) return;
    const next = moveAcross(orderRef.current, idOf(active.id), idOf(over.id), isBelow(event));
    if (next !== orderRef.current) {
      orderRef.current = next;
      setPreview(next);
    }
  }

  function handleDragEnd({ active, over }: DragEndEvent) {
    const id = idOf(active.id);
    const final = over === null ? null : reorderWithin(orderRef.current, id, idOf(over.id));
    setPreview(null);
    setActiveId(null);
    const status = final === null ? null : columnOf(final, id);
    if (final !== null && status !== null) onMove(id, status, final[status]);
  }

  function handleDragCancel() {
    setPreview(null);
    setActiveId(null);
  }

  const activeTask = activeId === null ? undefined : tasksById.get(activeId);

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={boardCollisions}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t("dnd.instructions") } }}
      onDragStart={handleDragStart}
      onDragOver={handleDragOver}
      onDragEnd={handleDragEnd}
      onDragCancel={handleDragCancel}
    >
      <div class="board" aria-label={t("board.columns")} role="group">
        {COLUMNS.map((status) => (
          <Column
            key={status}
            status={status}
            ids={order[status]}
            tasksById={tasksById}
            total={totals[status] + (preview === null ? 0 : order[status].length - columns[status].length)}
            filtering={filtering}
            now={now}
            canMove={canMove}
            isSaving={isSaving}
            picName={picName}
            onOpen={onOpen}
          />
        ))}
      </div>
      <DragOverlay>
        {activeTask === undefined ? null : (
          <div class="card-overlay" aria-hidden="true">
            <TaskCardView task={activeTask} picName={picName(activeTask.pic)} now={now} />
          </div>
        )}
      </DragOverlay>
    </DndContext>
  );
}
