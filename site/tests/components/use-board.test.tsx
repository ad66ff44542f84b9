import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/preact";
import { createApiClient, type ApiClient, type Credentials } from "../../src/api/client";
import { useBoard } from "../../src/app/useBoard";
import { makeTask, PIC_A, PIC_B, startFakeApi, SUPERVISOR, type FakeApi, type FakeUser } from "../support/fake-api";
import { cleanup } from "../support/render-app";

const mine = makeTask({ id: "dddddddd-0000-4000-8000-000000000001", title: "Mine", pic: PIC_A.email, position: 1024 });
const theirs = makeTask({ id: "dddddddd-0000-4000-8000-000000000002", title: "Theirs", pic: PIC_B.email, position: 2048 });
let server: FakeApi;

beforeEach(async () => {
  server = await startFakeApi({ tasks: [mine, theirs] });
});
afterEach(async () => {
  cleanup();
  await server.close();
});

async function clientFor(user: FakeUser): Promise<ApiClient> {
  let credentials: Credentials | null = null;
  const client = createApiClient({ baseUrl: server.url, credentials: () => credentials, onSessionExpired: () => {} });
  credentials = await client.login({ email: user.email, password: user.password });
  return client;
}

async function boardFor(user: FakeUser) {
  const api = await clientFor(user);
  const { result } = renderHook(() => useBoard(api));
  await waitFor(() => expect(result.current.state.loaded).toBe(true));
  return result;
}

const taskIn = (board: { current: ReturnType<typeof useBoard> }, id: string) => board.current.state.tasks.find((task) => task.id === id);

describe("useBoard against the API", () => {
  it("saves a move immediately with the version it saw, then takes the server's version", async () => {
    const board = await boardFor(PIC_A);
    let saving: Promise<unknown> = Promise.resolve();
    act(() => {
      saving = board.current.saveChange(mine.id, "move", { status: "done", position: 512 });
    });
    // Rendered before the server has answered.
    expect(taskIn(board, mine.id)).toMatchObject({ status: "done", position: 512, version: 1 });
    expect(board.current.state.pending[mine.id]?.before).toEqual(mine);
    await expect(saving).resolves.toMatchObject({ ok: true });
    await waitFor(() => expect(taskIn(board, mine.id)).toMatchObject({ status: "done", version: 2 }));
    expect(server.requests.at(-1)?.body).toEqual({ version: 1, status: "done", position: 512 });
  });

  it("rolls a refused move back and says why (a PIC moving another's task)", async () => {
    const board = await boardFor(PIC_A);
    const outcome = await board.current.saveChange(theirs.id, "move", { status: "in_progress", position: 1024 });
    expect(outcome).toMatchObject({ ok: false, error: { status: 403, code: "forbidden" } });
    await waitFor(() => expect(taskIn(board, theirs.id)).toEqual(theirs));
    expect(board.current.state.notice).toEqual({ tone: "error", key: "moveForbidden", subject: "Theirs" });
  });

  it("turns a conflict into the current version plus the user's change, and re-applies it on request", async () => {
    const board = await boardFor(PIC_A);
    server.changeTask(mine.id, { title: "Mine, renamed" }, "boss@example.com");
    await board.current.saveChange(mine.id, "move", { status: "in_progress", position: 4096 });
    await waitFor(() => expect(board.current.state.conflict).not.toBeNull());
    expect(board.current.state.conflict).toMatchObject({ kind: "move", attempted: { status: "in_progress", position: 4096 }, current: { version: 2 } });
    expect(taskIn(board, mine.id)).toMatchObject({ title: "Mine, renamed", status: "todo", version: 2 });

    board.current.reapplyConflict();
    await waitFor(() => expect(taskIn(board, mine.id)).toMatchObject({ status: "in_progress", version: 3 }));
    expect(board.current.state.conflict).toBeNull();
    expect(server.tasks.get(mine.id)).toMatchObject({ title: "Mine, renamed", status: "in_progress", position: 4096 });
  });

  it("saves an edit against the version the form was filled from: a change made meanwhile is a conflict, not overwritten", async () => {
    const board = await boardFor(SUPERVISOR);
    server.changeTask(mine.id, { title: "Renamed by Ana" }, PIC_A.email);
    await act(() => board.current.reload());
    expect(taskIn(board, mine.id)).toMatchObject({ title: "Renamed by Ana", version: 2 });
    // The dialog was opened at version 1.
    await board.current.saveChange(mine.id, "edit", { title: "Mine, edited" }, 1);
    await waitFor(() =>
      expect(board.current.state.conflict).toMatchObject({ kind: "edit", attempted: { title: "Mine, edited" }, current: { title: "Renamed by Ana", version: 2 } }),
    );
    expect(server.tasks.get(mine.id)).toMatchObject({ title: "Renamed by Ana", version: 2 });
  });

  it("removes a task someone else deleted when a move finds it gone", async () => {
    const board = await boardFor(PIC_A);
    server.tasks.delete(mine.id);
    await board.current.saveChange(mine.id, "move", { status: "done", position: 1 });
    await waitFor(() => expect(taskIn(board, mine.id)).toBeUndefined());
    expect(board.current.state.notice).toMatchObject({ key: "taskGone", subject: "Mine" });
  });
});
