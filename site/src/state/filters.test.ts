import { describe, expect, it } from "vitest";
import { makeTask } from "../../tests/support/fake-api";
import { dueState, DUE_SOON_MS } from "./due";
import { isFiltering, matchesFilters, NO_FILTERS, type BoardFilters } from "./filters";

const now = new Date("2026-03-10T12:00:00.000Z");
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

describe("dueState", () => {
  it("is overdue once the due time has passed, and due soon within 24 hours", () => {
    expect(dueState({ dueAt: at(-1), status: "todo" }, now)).toBe("overdue");
    expect(dueState({ dueAt: at(0), status: "todo" }, now)).toBe("soon");
    expect(dueState({ dueAt: at(DUE_SOON_MS), status: "in_progress" }, now)).toBe("soon");
    expect(dueState({ dueAt: at(DUE_SOON_MS + 1), status: "todo" }, now)).toBe("later");
  });

  it("never warns about finished or undated tasks", () => {
    expect(dueState({ dueAt: at(-1000), status: "done" }, now)).toBe("done");
    expect(dueState({ dueAt: null, status: "todo" }, now)).toBe("none");
  });
});

describe("matchesFilters", () => {
  const overdue = makeTask({ id: "1", title: "Pay the Invoice", pic: "ana@example.com", dueAt: at(-60_000) });
  const soon = makeTask({ id: "2", title: "보고서 작성", pic: "ben@example.com", dueAt: at(3600_000) });
  const later = makeTask({ id: "3", title: "Plan", pic: null, dueAt: at(5 * DUE_SOON_MS) });
  const finished = makeTask({ id: "4", title: "Old invoice", pic: "ana@example.com", status: "done", dueAt: at(-DUE_SOON_MS) });
  const all = [overdue, soon, later, finished];
  const shown = (filters: Partial<BoardFilters>) => all.filter((task) => matchesFilters(task, { ...NO_FILTERS, ...filters }, now)).map((t) => t.id);

  it("shows everything without filters", () => {
    expect(shown({})).toEqual(["1", "2", "3", "4"]);
    expect(isFiltering(NO_FILTERS)).toBe(false);
  });

  it("filters by PIC, and by unassigned", () => {
    expect(shown({ pic: { kind: "pic", email: "ana@example.com" } })).toEqual(["1", "4"]);
    expect(shown({ pic: { kind: "unassigned" } })).toEqual(["3"]);
  });

  it("filters by due soon, overdue, or both", () => {
    expect(shown({ due: "soon" })).toEqual(["2"]);
    expect(shown({ due: "overdue" })).toEqual(["1"]);
    expect(shown({ due: "soon_or_overdue" })).toEqual(["1", "2"]);
  });

  it("searches titles ignoring case, surrounding spaces and Unicode composition", () => {
    expect(shown({ search: "  INVOICE " })).toEqual(["1", "4"]);
    // The same Hangul typed as separate jamo (NFD) still matches the composed title.
    expect(shown({ search: "보고서".normalize("NFD") })).toEqual(["2"]);
    expect(isFiltering({ ...NO_FILTERS, search: " x " })).toBe(true);
  });

  it("combines filters", () => {
    expect(shown({ search: "invoice", due: "overdue", pic: { kind: "pic", email: "ana@example.com" } })).toEqual(["1"]);
  });
});
