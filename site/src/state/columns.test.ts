import { describe, expect, it } from "vitest";
import { ERROR_CODES, LIMITS, ROLES, TASK_STATUSES } from "../../../contracts/api";
import { SYSTEM_ACTOR } from "../../../contracts/events";
import { makeTask } from "../../tests/support/fake-api";
import { FORM_LIMITS, KNOWN_ERROR_CODES, REMINDER_ACTOR, ROLE_NAMES, TASK_STATUS_ORDER } from "../api/contract-values";
import { COLUMNS, compareTasks, groupByColumn } from "./columns";

describe("groupByColumn", () => {
  it("splits tasks into To Do, In Progress and Done, each ordered like the API (position, then id)", () => {
    const tasks = [
      makeTask({ id: "z", title: "z", status: "done", position: 1 }),
      makeTask({ id: "b", title: "b", position: 2048 }),
      makeTask({ id: "c", title: "c", position: 1024 }),
      makeTask({ id: "a", title: "a", position: 2048 }),
      makeTask({ id: "m", title: "m", status: "in_progress", position: -5 }),
    ];
    const columns = groupByColumn(tasks);
    expect(columns.todo.map((t) => t.id)).toEqual(["c", "a", "b"]);
    expect(columns.in_progress.map((t) => t.id)).toEqual(["m"]);
    expect(columns.done.map((t) => t.id)).toEqual(["z"]);
  });

  it("compares by position first and id second", () => {
    const low = makeTask({ id: "b", title: "", position: 1 });
    const high = makeTask({ id: "a", title: "", position: 2 });
    expect(compareTasks(low, high)).toBeLessThan(0);
    expect(compareTasks(high, { ...high, id: "c" })).toBeLessThan(0);
  });
});

// The site mirrors a few contract values so zod stays out of the bundle; these must never drift.
describe("mirrored contract values", () => {
  it("match the contracts exactly", () => {
    expect(COLUMNS).toEqual(TASK_STATUSES);
    expect(TASK_STATUS_ORDER).toEqual(TASK_STATUSES);
    expect(ROLE_NAMES).toEqual(ROLES);
    expect(KNOWN_ERROR_CODES).toEqual(ERROR_CODES);
    expect(REMINDER_ACTOR).toBe(SYSTEM_ACTOR);
    for (const [name, value] of Object.entries(FORM_LIMITS)) expect(LIMITS[name as keyof typeof LIMITS]).toBe(value);
  });
});
