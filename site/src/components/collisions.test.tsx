import { closestCorners, type ClientRect, type CollisionDetection, type DroppableContainer, type UniqueIdentifier } from "@dnd-kit/core";
import { describe, expect, it } from "vitest";
import { boardCollisions } from "./collisions";

// In the dom project (a .tsx name) because only its browser resolution takes dnd-kit's ES module build.

type Args = Parameters<CollisionDetection>[0];

function rect(left: number, top: number, width: number, height: number): ClientRect {
  return { left, top, width, height, right: left + width, bottom: top + height };
}

function container(id: UniqueIdentifier): DroppableContainer {
  return { id, key: id, data: { current: undefined }, disabled: false, node: { current: null }, rect: { current: null } };
}

/**
 * Two columns side by side (To Do at x 0-400, In Progress at x 420-820) as the
 * board lays them out on a desktop; card "a" is being dragged out of To Do.
 */
function board(rects: Record<string, ClientRect>, collisionRect: ClientRect, pointer: { x: number; y: number } | null): Args {
  const droppableRects = new Map<UniqueIdentifier, ClientRect>(Object.entries(rects));
  return {
    active: { id: "a", data: { current: undefined }, rect: { current: { initial: rects.a ?? null, translated: collisionRect } } },
    collisionRect,
    droppableRects,
    droppableContainers: [...droppableRects.keys()].map(container),
    pointerCoordinates: pointer,
  };
}

const columns = { "column:todo": rect(0, 160, 400, 600), "column:in_progress": rect(420, 160, 400, 600) };
// The dragged card, wider than the gap, straddles both columns; the pointer is well inside In Progress.
const overlay = rect(250, 225, 377, 140);
const pointer = { x: 590, y: 250 };

describe("what a dragged card is over", () => {
  it("is what is under the pointer, and stays so while the columns re-lay around the moved card", () => {
    const before = board({ ...columns, a: rect(30, 217, 377, 165), b: rect(30, 392, 377, 160), d: rect(450, 217, 377, 165) }, overlay, pointer);
    expect(boardCollisions(before).map((hit) => hit.id)).toEqual(["d", "column:in_progress"]);
    expect(closestCorners(before)[0]?.id).toBe("d");

    // The card was moved into In Progress before "d": To Do closed the gap (b moved up), d moved down, and the
    // card's own slot is not measured yet (it was just mounted in its new column), as Chromium measured it.
    const after = board({ ...columns, b: rect(30, 217, 377, 160), d: rect(450, 392, 377, 165) }, overlay, pointer);
    // The strategy the board used before now answers a To Do card: the preview moved back, then forth, for ever.
    expect(closestCorners(after)[0]?.id).toBe("b");
    // Under the pointer nothing changed: still In Progress, so the preview stays.
    expect(boardCollisions(after).map((hit) => hit.id)).toEqual(["column:in_progress"]);
  });

  it("is the column when the pointer is over nothing: the nearest one (a heading, a gap, below a short column)", () => {
    const ids = (x: number, y: number) => boardCollisions(board(columns, overlay, { x, y })).map((hit) => hit.id);
    expect(ids(600, 180)).toEqual(["column:in_progress"]); // inside the list's own area
    expect(ids(600, 140)).toEqual(["column:in_progress"]); // the heading above it
    expect(ids(405, 300)).toEqual(["column:todo"]); // the gap, nearer To Do
    expect(ids(418, 300)).toEqual(["column:in_progress"]); // the gap, nearer In Progress
    expect(ids(700, 900)).toEqual(["column:in_progress"]); // below the column
  });

  it("is the closest corners for the keyboard, which has no pointer and moves the card onto its target", () => {
    const args = board({ ...columns, a: rect(30, 217, 377, 165), d: rect(450, 217, 377, 165) }, rect(450, 217, 377, 165), null);
    expect(boardCollisions(args)).toEqual(closestCorners(args));
    expect(boardCollisions(args)[0]?.id).toBe("d");
  });
});
