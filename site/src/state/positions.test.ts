import { describe, expect, it } from "vitest";
import type { Task } from "../../../contracts/api";
import { makeTask } from "../../tests/support/fake-api";
import { planMove, POSITION_GAP, positionBetween } from "./positions";

const byId = (...tasks: Task[]) => new Map(tasks.map((task) => [task.id, task]));

describe("positionBetween", () => {
  it("gives the first card of an empty column the standard gap", () => {
    expect(positionBetween(undefined, undefined)).toBe(POSITION_GAP);
  });

  it("goes one gap before the first card and one gap after the last", () => {
    expect(positionBetween(undefined, 100)).toBe(100 - POSITION_GAP);
    expect(positionBetween(3072, undefined)).toBe(3072 + POSITION_GAP);
  });

  it("lands strictly between two neighbours, again and again into the same gap", () => {
    let low = 1024;
    const high = 2048;
    for (let move = 0; move < 40; move += 1) {
      const next = positionBetween(low, high);
      expect(next).toBeGreaterThan(low);
      expect(next).toBeLessThan(high);
      low = next;
    }
  });
});

describe("planMove", () => {
  const a = makeTask({ id: "a", title: "A", position: 1024 });
  const b = makeTask({ id: "b", title: "B", position: 2048 });
  const c = makeTask({ id: "c", title: "C", position: 3072 });
  const d = makeTask({ id: "d", title: "D", status: "done", position: 500 });
  const tasks = byId(a, b, c, d);

  it("puts a card dropped between two others halfway between their positions", () => {
    expect(planMove(d, "todo", ["a", "d", "b", "c"], tasks)).toEqual({ status: "todo", position: 1536 });
  });

  it("puts a card dropped at the top before the first and at the bottom after the last", () => {
    expect(planMove(d, "todo", ["d", "a", "b", "c"], tasks)).toEqual({ status: "todo", position: 1024 - POSITION_GAP });
    expect(planMove(a, "todo", ["b", "c", "a"], tasks)).toEqual({ status: "todo", position: 3072 + POSITION_GAP });
  });

  it("reorders within a column by the new neighbours", () => {
    expect(planMove(c, "todo", ["a", "c", "b"], tasks)).toEqual({ status: "todo", position: 1536 });
  });

  it("moves into an empty column with the standard gap", () => {
    expect(planMove(a, "in_progress", ["a"], tasks)).toEqual({ status: "in_progress", position: POSITION_GAP });
  });

  it("returns null when the card is dropped where it already was", () => {
    expect(planMove(b, "todo", ["a", "b", "c"], tasks)).toBeNull();
  });

  it("changes only the status when the card keeps its place in another column", () => {
    // Done holds only d at 500; a dropped after it goes after d.
    expect(planMove(a, "done", ["d", "a"], tasks)).toEqual({ status: "done", position: 500 + POSITION_GAP });
  });

  it("uses the visible neighbours when filters hide cards in between", () => {
    // A filter hides b: the user sees [a, c] and drops c above a; only a's position counts.
    expect(planMove(c, "todo", ["c", "a"], tasks)).toEqual({ status: "todo", position: 1024 - POSITION_GAP });
  });

  it("returns null when the order does not contain the card", () => {
    expect(planMove(a, "done", ["d"], tasks)).toBeNull();
  });
});
