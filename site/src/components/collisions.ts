import { closestCorners, pointerWithin, type Collision, type CollisionDetection } from "@dnd-kit/core";
import { statusOfDropId } from "../state/drag";

type CollisionArgs = Parameters<CollisionDetection>[0];
type Point = NonNullable<CollisionArgs["pointerCoordinates"]>;

/**
 * What a dragged card is over. For a pointer (mouse, pen, touch): the card or
 * column under it, else the column nearest to it (over a heading, a gap, or
 * below a short column). For the keyboard, which has no pointer and moves the
 * card onto its target: the closest corners.
 *
 * Why not closest corners for the pointer too: a card wider than the gap
 * straddles two columns, and moving it across re-lays both, which moves the
 * closest corner back to the first column, and so on. Each flip re-renders and
 * re-measures, so the board hung in a synchronous loop (Preact has no update
 * depth limit). Moving cards never moves the pointer, and only makes the column
 * it joins bigger (nearer), so these answers cannot flip.
 */
export const boardCollisions: CollisionDetection = (args) => {
  const pointer = args.pointerCoordinates;
  if (pointer === null) return closestCorners(args);
  const underPointer = pointerWithin(args);
  return underPointer.length > 0 ? underPointer : nearestColumn(args, pointer);
};

function nearestColumn(args: CollisionArgs, pointer: Point): Collision[] {
  let nearest: { readonly collision: Collision; readonly distance: number } | null = null;
  for (const droppableContainer of args.droppableContainers) {
    const rect = args.droppableRects.get(droppableContainer.id);
    if (rect === undefined || statusOfDropId(String(droppableContainer.id)) === null) continue;
    const dx = Math.max(rect.left - pointer.x, 0, pointer.x - rect.right);
    const dy = Math.max(rect.top - pointer.y, 0, pointer.y - rect.bottom);
    const distance = Math.hypot(dx, dy);
    if (nearest === null || distance < nearest.distance) {
      nearest = { collision: { id: droppableContainer.id, data: { droppableContainer, value: distance } }, distance };
    }
  }
  return nearest === null ? [] : [nearest.collision];
}
