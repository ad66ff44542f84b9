import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { PatchSlot } from "../../bench/tasks-api/load";
import { loadPaced, pacedList, pacedPatch } from "../../bench/tasks-api/paced";

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
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
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
    expect(figures.requestsPerSecond).toBeGreaterThan(100);
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
    expect(figures.p50Ms).toBeLessThan(100);
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

  it("moves each task from the version and status its last answer returned, never two at once", async () => {
    const bodies: Record<string, unknown[]> = {};
    let inFlight = new Set<string>();
    let overlapped = false;
    const url = await serve((request, body, response) => {
      const id = (request.url ?? "").split("/").pop()!;
      if (inFlight.has(id)) overlapped = true;
      inFlight.add(id);
      const sent = JSON.parse(body) as { version: number; status: string };
      (bodies[id] ??= []).push(sent);
      setTimeout(() => {
        inFlight = new Set([...inFlight].filter((other) => other !== id));
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ id, version: sent.version + 1, status: sent.status }));
      }, 3);
    });
    const slots = [slot("t1"), slot("t2"), slot("t3")];
    const figures = await loadPaced({ url, connections: 3, rate: 100, warmupSeconds: 0, durationSeconds: 0.3, nextRequest: pacedPatch(slots) });

    expect(figures.statusCodes).toEqual({ 200: 30 });
    expect(overlapped).toBe(false);
    expect(bodies.t1!.slice(0, 3)).toEqual([
      { version: 1, status: "in_progress" },
      { version: 2, status: "done" },
      { version: 3, status: "todo" },
    ]);
    expect(slots[0]!.version).toBe(11);
  });

  it("stops with an error naming the pool when every task is in flight", async () => {
    const url = await serve((_request, _body, response) => setTimeout(() => response.end("{}"), 200));
    await expect(
      loadPaced({ url, connections: 4, rate: 200, warmupSeconds: 0, durationSeconds: 0.5, nextRequest: pacedPatch([slot("only")]) }),
    ).rejects.toThrow("all 1 tasks of the paced PATCH run are in flight at once");
  });
});
