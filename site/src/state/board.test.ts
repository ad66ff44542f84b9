import { describe, expect, it } from "vitest";
import { makeTask } from "../../tests/support/fake-api";
import { boardReducer, changedFields, initialBoardState, type BoardAction, type BoardState } from "./board";

const first = makeTask({ id: "t1", title: "Write report", pic: "ana@example.com", position: 1024, version: 3 });
const second = makeTask({ id: "t2", title: "Fix printer", pic: "ben@example.com", position: 2048 });
const run = (...actions: BoardAction[]): BoardState => actions.reduce(boardReducer, initialBoardState);
const loaded: BoardAction = { type: "loaded", tasks: [first, second] };
const move: BoardAction = { type: "changeStarted", taskId: "t1", kind: "move", change: { status: "done", position: 1024 } };
const find = (state: BoardState, id: string) => state.tasks.find((task) => task.id === id);

describe("boardReducer", () => {
  it("shows a move at once and remembers what to roll back to", () => {
    const state = run(loaded, move);
    expect(find(state, "t1")).toMatchObject({ status: "done", version: 3 });
    expect(state.pending.t1).toEqual({ kind: "move", change: { status: "done", position: 1024 }, before: first });
  });

  it("takes the server's task when the save succeeds", () => {
    const saved = { ...first, status: "done" as const, version: 4 };
    const state = run(loaded, move, { type: "changeSaved", task: saved });
    expect(find(state, "t1")).toEqual(saved);
    expect(state.pending).toEqual({});
    expect(state.notice).toBeNull();
  });

  it("confirms a saved edit with a message (a move confirms itself on the board)", () => {
    const edit: BoardAction = { type: "changeStarted", taskId: "t1", kind: "edit", change: { title: "Write the report" } };
    const state = run(loaded, edit, { type: "changeSaved", task: { ...first, title: "Write the report", version: 4 } });
    expect(state.notice).toEqual({ tone: "success", key: "taskSaved", subject: "Write the report" });
  });

  it("rolls back a refused move and says why", () => {
    const state = run(loaded, move, { type: "changeRefused", taskId: "t1", notice: "moveForbidden" });
    expect(find(state, "t1")).toEqual(first);
    expect(state.pending).toEqual({});
    expect(state.notice).toEqual({ tone: "error", key: "moveForbidden", subject: "Write report" });
  });

  it("on a conflict shows the server's version and keeps the user's change for re-applying", () => {
    const current = { ...first, title: "Write the report", version: 4 };
    const state = run(loaded, move, { type: "changeConflicted", taskId: "t1", current });
    expect(find(state, "t1")).toEqual(current);
    expect(state.pending).toEqual({});
    expect(state.conflict).toEqual({ kind: "move", attempted: { status: "done", position: 1024 }, base: first, current });
    expect(run(loaded, move, { type: "changeConflicted", taskId: "t1", current }, { type: "conflictClosed" }).conflict).toBeNull();
  });

  it("refuses a second change to a task whose first change is still being saved", () => {
    const state = run(loaded, move);
    expect(boardReducer(state, { type: "changeStarted", taskId: "t1", kind: "move", change: { status: "todo" } })).toBe(state);
  });

  it("keeps an unsaved change visible when the board reloads meanwhile", () => {
    const fresh = { ...first, content: "new content" };
    const state = run(loaded, move, { type: "loaded", tasks: [fresh, second] });
    expect(find(state, "t1")).toMatchObject({ status: "done", content: "new content" });
  });

  it("removes a task someone else deleted and tells the user", () => {
    const state = run(loaded, move, { type: "taskGone", taskId: "t1" });
    expect(find(state, "t1")).toBeUndefined();
    expect(state.notice).toMatchObject({ tone: "error", key: "taskGone", subject: "Write report" });
  });

  it("adds created tasks and drops deleted ones, with a confirmation", () => {
    const created = makeTask({ id: "t3", title: "New" });
    let state = run(loaded, { type: "taskCreated", task: created });
    expect(state.tasks.map((t) => t.id)).toEqual(["t1", "t2", "t3"]);
    expect(state.notice).toEqual({ tone: "success", key: "taskCreated", subject: "New" });
    state = boardReducer(state, { type: "taskDeleted", taskId: "t2" });
    expect(state.tasks.map((t) => t.id)).toEqual(["t1", "t3"]);
    expect(boardReducer(state, { type: "noticeDismissed" }).notice).toBeNull();
  });

  it("ignores answers for changes it is not waiting for", () => {
    const state = run(loaded);
    expect(boardReducer(state, { type: "changeRefused", taskId: "t1", notice: "saveFailed" })).toBe(state);
    expect(boardReducer(state, { type: "changeConflicted", taskId: "t1", current: first })).toBe(state);
  });
});

describe("changedFields", () => {
  it("keeps only the fields that differ", () => {
    expect(changedFields(first, { status: "todo", position: 1024, title: "Other", pic: null })).toEqual({ title: "Other", pic: null });
    expect(changedFields(first, { status: "todo" })).toEqual({});
  });
});
