import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { PatchSlot } from "../../bench/tasks-api/load";
import { loadPaced, pacedList, pacedPatch, type PacedRequest } from "../../bench/tasks-api/paced";

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => handler(request, body, response));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
  server = undefined;
});

const list = pacedList({ paths: ["/a", "/b"], bearers: ["Bearer x"] });

describe("loadPaced", () => {
  it("sends rate x seconds requests evenly and counts only those after the warm-up", async () => {
    const seen: string[] = [];
    const url = await serve((request, _body, response) => {
      seen.push(request.url ?? "");
      setTimeout(() => response.end("ok"), 5);
    });
    const figures = await loadPaced({ url, connections: 4, rate: 200, warmupSeconds: 0.2, durationSeconds: 0.5, nextRequest: list });

    expect(seen).toHaveLength(140);
    // Request i takes path i mod 2; on four connections they may arrive in any order.
    expect(seen.filter((path) => path === "/a")).toHaveLength(70);
    expect(seen.filter((path) => path === "/b")).toHaveLength(70);
    expect(figures.requests).toBe(100);
    expect(figures.statusCodes).toEqual({ 200: 100 });
    expect(figures.bytesPerResponse).toBe(2);
    expect(figures.p50Ms).toBeGreaterThanOrEqual(5);
    // Loose bounds: a busy test machine may answer late, which stretches the measured window.
    expect(figures.requestsPerSecond).toBeGreaterThan(50);
    expect(figures.requestsPerSecond).toBeLessThan(250);
  });

  it("counts the wait behind a stalled answer from each request's due time (no coordinated omission)", async () => {
    let count = 0;
    const url = await serve((_request, _body, response) => {
      // One connection: the 6th request stalls 300 ms, and the ~30 due meanwhile wait for it.
      setTimeout(() => response.end("ok"), ++count === 6 ? 300 : 1);
    });
    const figures = await loadPaced({ url, connections: 1, rate: 100, warmupSeconds: 0, durationSeconds: 1, nextRequest: list });

    expect(figures.requests).toBe(100);
    // A closed loop would record one slow request of 100; here about 30 were late, the first by ~300 ms.
    expect(figures.p99Ms).toBeGreaterThan(250);
    // Most requests were not behind the stall. Compared with the tail, not with a fixed 100 ms: a loaded CI machine
    // once put the median at 108 ms, which slows every request alike and leaves the stall's tail far above it.
    expect(figures.p50Ms).toBeLessThan(figures.p99Ms / 2);
  });

  it("counts a refused connection as an error, not as an answer", async () => {
    const url = await serve((_request, _body, response) => response.end("ok"));
    server!.close();
    server!.closeAllConnections();
    const figures = await loadPaced({ url, connections: 2, rate: 50, warmupSeconds: 0, durationSeconds: 0.2, nextRequest: list });
    expect(figures).toMatchObject({ requests: 0, errors: 10 });
  });
});

describe("pacedPatch", () => {
  const slot = (id: string): PatchSlot => ({ id, bearer: `Bearer ${id}`, version: 1, status: "todo" });

  // Driven by hand, not through loadPaced: which tasks are busy when a request
  // falls due depends on the machine's timing, and a loaded CI machine once
  // made three due at once. The order of calls and answers here is exact.
  it("moves each task from the version and status its last answer returned, never two at once", () => {
    const slots = [slot("t1"), slot("t2")];
    const next = pacedPatch(slots);
    const answer = (request: PacedRequest, status: number, task: object) => request.onAnswer!(status, JSON.stringify(task));

    const first = next(0);
    const second = next(1);
    expect([first.path, second.path]).toEqual(["/api/tasks/t1", "/api/tasks/t2"]);
    expect(JSON.parse(first.body!)).toEqual({ version: 1, status: "in_progress" });
    expect(first.headers).toMatchObject({ authorization: "Bearer t1", "content-type": "application/json" });
    // Both tasks are in flight: a third request has none to take.
    expect(() => next(2)).toThrow("all 2 tasks of the paced PATCH run are in flight at once");

    answer(first, 200, { id: "t1", version: 2, status: "in_progress" });
    const third = next(2);
    expect(third.path).toBe("/api/tasks/t1");
    expect(JSON.parse(third.body!)).toEqual({ version: 2, status: "done" });

    // A 409 carries the current task; the next move starts from it.
    answer(second, 409, { error: { code: "conflict", message: "stale", details: { current: { id: "t2", version: 7, status: "done" } } } });
    expect(JSON.parse(next(3).body!)).toEqual({ version: 7, status: "todo" });
    expect(slots.map(({ version, status }) => ({ version, status }))).toEqual([
      { version: 2, status: "in_progress" },
      { version: 7, status: "done" },
    ]);
  });

  it("hands each answer's body to the PATCH that asked, through loadPaced", async () => {
    const url = await serve((request, body, response) => {
      const sent = JSON.parse(body) as { version: number; status: string };
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ id: (request.url ?? "").split("/").pop(), version: sent.version + 1, status: sent.status }));
    });
    // Ten tasks for ten requests: every request finds a free task however late the answers come.
    const slots = Array.from({ length: 10 }, (_, index) => slot(`t${index}`));
    const figures = await loadPaced({ url, connections: 3, rate: 100, warmupSeconds: 0, durationSeconds: 0.1, nextRequest: pacedPatch(slots) });

    expect(figures.statusCodes).toEqual({ 200: 10 });
    expect(slots.map(({ version, status }) => ({ version, status }))).toEqual(Array(10).fill({ version: 2, status: "in_progress" }));
  });

  it("stops with an error naming the pool when every task is in flight", async () => {
    const url = await serve((_request, _body, response) => setTimeout(() => response.end("{}"), 200));
    await expect(
      loadPaced({ url, connections: 4, rate: 200, warmupSeconds: 0, durationSeconds: 0.5, nextRequest: pacedPatch([slot("only")]) }),
    ).rejects.toThrow("all 1 tasks of the paced PATCH run are in flight at once");
  });
});
