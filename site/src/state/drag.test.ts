import { describe, expect, it } from "vitest";
import { columnDropId, columnOf, moveAcross, reorderWithin, statusOfDropId, type ColumnOrder } from "./drag";

const order: ColumnOrder = { todo: ["a", "b", "c"], in_progress: ["d"], done: [] };

describe("drag preview order", () => {
  it("knows the column of a card and of a column's drop id", () => {
    expect(columnOf(order, "b")).toBe("todo");
    expect(columnOf(order, columnDropId("done"))).toBe("done");
    expect(columnOf(order, "nope")).toBeNull();
    expect(statusOfDropId("column:bogus")).toBeNull();
  });

  it("moves a card into another column at the card it is over, or after it", () => {
    expect(moveAcross(order, "b", "d", false)).toEqual({ todo: ["a", "c"], in_progress: ["b", "d"], done: [] });
    expect(moveAcross(order, "b", "d", true)).toEqual({ todo: ["a", "c"], in_progress: ["d", "b"], done: [] });
  });

  it("moves a card to the end of a column it is over directly (an empty one too)", () => {
    expect(moveAcross(order, "a", columnDropId("done"), false)).toEqual({ todo: ["b", "c"], in_progress: ["d"], done: ["a"] });
  });

  it("leaves the order alone within one column (the sortable list animates that)", () => {
    expect(moveAcross(order, "a", "c", true)).toBe(order);
  });

  it("reorders within a column on drop", () => {
    expect(reorderWithin(order, "a", "c").todo).toEqual(["b", "c", "a"]);
    expect(reorderWithin(order, "c", "a").todo).toEqual(["c", "a", "b"]);
    expect(reorderWithin(order, "a", columnDropId("todo")).todo).toEqual(["b", "c", "a"]);
    expect(reorderWithin(order, "a", "d")).toBe(order);
  });
});
