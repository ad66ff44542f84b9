import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Principal } from "../../../contracts/auth";
import type { Page, User } from "../../../contracts/api";
import { AUTH_ROUTE_KEYS, PUBLIC_ROUTE_KEYS, createAuthHandler } from "../../../handlers/auth/app";
import { jsonLineLogger, type HttpApiResultV2 } from "../../../handlers/lib/apigw";
import { apiEvent, bodyOf, buildHttpApiEvent, type RequestOptions } from "../../support/apigw-events";
import { OTHER_PIC, PASSWORD, PIC, SUPERVISOR, startAuthFixture, type AuthFixture } from "./auth-fixture";

interface ErrorJson {
  readonly error: { readonly code: string; readonly message: string; readonly details?: readonly { field: string; message: string }[] };
}

const errorOf = (result: HttpApiResultV2) => (bodyOf(result) as ErrorJson).error;

describe("user management routes", () => {
  let fixture: AuthFixture;
  /** Every response any test got: none may ever contain a password hash. */
  const seen: HttpApiResultV2[] = [];
  const call = async (method: string, path: string, options: RequestOptions = {}) => {
    const result = await fixture.handler(apiEvent(method, path, options));
    seen.push(result);
    return result;
  };

  beforeAll(async () => {
    // A cheaper scrypt: these tests create and update many accounts; login.test.ts uses the real cost.
    fixture = await startAuthFixture({ cost: { N: 2 ** 12, r: 8, p: 1 } });
  });
  afterAll(async () => {
    for (const result of seen) {
      expect(result.body).not.toMatch(/passwordHash|scrypt\$/);
    }
    await fixture.stop();
  });

  describe("authorization matrix", () => {
    const anonymous = undefined;
    type Case = readonly [label: string, method: string, path: string, body: unknown, expected: Record<"anonymous" | "pic" | "supervisor", number>];
    let n = 0;
    const fresh = () => `matrix${(n += 1)}@example.com`;
    const cases: readonly (() => Case)[] = [
      () => ["GET /api/auth/me", "GET", "/api/auth/me", undefined, { anonymous: 401, pic: 200, supervisor: 200 }],
      () => ["GET /api/users", "GET", "/api/users", undefined, { anonymous: 401, pic: 200, supervisor: 200 }],
      () => ["POST /api/users", "POST", "/api/users", { email: fresh(), name: "New", password: "long enough pw" }, { anonymous: 401, pic: 403, supervisor: 201 }],
      () => ["PATCH /api/users/{email}", "PATCH", `/api/users/${OTHER_PIC.email}`, { name: "Kim Renamed" }, { anonymous: 401, pic: 403, supervisor: 200 }],
      () => ["DELETE /api/users/{email}", "DELETE", "/api/users/__DELETE_TARGET__", undefined, { anonymous: 401, pic: 403, supervisor: 204 }],
    ];
    for (const makeCase of cases) {
      const [label] = makeCase();
      for (const [role, as] of [["anonymous", anonymous], ["pic", PIC], ["supervisor", SUPERVISOR]] as const) {
        it(`${label} as ${role}`, async () => {
          const [, method, rawPath, body, expected] = makeCase();
          let path = rawPath;
          if (path.includes("__DELETE_TARGET__")) {
            const target = fresh();
            await fixture.handler(apiEvent("POST", "/api/users", { as: SUPERVISOR, body: { email: target, name: "Doomed", password: "long enough pw" } }));
            path = `/api/users/${encodeURIComponent(target)}`;
          }
          const result = await call(method, path, { ...(as ? { as } : {}), ...(body === undefined ? {} : { body }) });
          expect(result.statusCode).toBe(expected[role]);
          if (expected[role] === 401) expect(result.headers["WWW-Authenticate"]).toBe("Bearer");
          if (expected[role] === 403) expect(errorOf(result)).toEqual({ code: "forbidden", message: "only a supervisor can manage users" });
        });
      }
    }

    it("refuses an authorizer context that is incomplete or names an unknown role (defence in depth)", async () => {
      const contexts: Record<string, string>[] = [{ email: PIC.email, name: PIC.name }, { email: PIC.email, role: "admin", name: "x" }, { role: "supervisor", name: "x" }, {}];
      for (const authorizerContext of contexts) {
        const result = await fixture.handler(buildHttpApiEvent({ method: "GET", path: "/api/users", authorizerContext }));
        expect(result.statusCode).toBe(401);
      }
    });
  });

  describe("GET /api/auth/me", () => {
    it("returns the stored account, not just the token's view of it", async () => {
      const result = await call("GET", "/api/auth/me", { as: { ...PIC, name: "stale name from token" } });
      expect(bodyOf(result)).toEqual({ email: PIC.email, name: PIC.name, role: "pic", createdAt: "2026-11-21T09:00:00.000Z", updatedAt: "2026-11-21T09:00:00.000Z" });
    });

    it("answers 401 when the account was deleted after the token was issued", async () => {
      const ghost: Principal = { email: "deleted@example.com", role: "pic", name: "Gone" };
      expect((await call("GET", "/api/auth/me", { as: ghost })).statusCode).toBe(401);
    });
  });

  describe("GET /api/users", () => {
    it("lists every account sorted by email, without hashes, and filters by role", async () => {
      const all = bodyOf(await call("GET", "/api/users", { as: PIC })) as Page<User>;
      expect(all.nextCursor).toBeNull();
      const emails = all.items.map((u) => u.email);
      expect(emails).toEqual([...emails].sort());
      expect(emails).toEqual(expect.arrayContaining([SUPERVISOR.email, PIC.email, OTHER_PIC.email]));
      for (const user of all.items) expect(Object.keys(user).sort()).toEqual(["createdAt", "email", "name", "role", "updatedAt"]);
      const pics = bodyOf(await call("GET", "/api/users", { as: PIC, query: "role=pic" })) as Page<User>;
      expect(pics.items.length).toBeGreaterThan(0);
      expect(pics.items.every((u) => u.role === "pic")).toBe(true);
    });

    it("validates the query string, naming the parameter", async () => {
      expect(errorOf(await call("GET", "/api/users", { as: PIC, query: "role=boss" })).details).toEqual([{ field: "role", message: "must be one of supervisor, pic" }]);
      expect(errorOf(await call("GET", "/api/users", { as: PIC, query: "page=2" })).details).toEqual([{ field: "page", message: "is not a known field" }]);
    });
  });

  describe("POST /api/users", () => {
    it("creates a PIC by default, answers 201 with Location and no hash, and the new user can sign in", async () => {
      const result = await call("POST", "/api/users", { as: SUPERVISOR, body: { email: " New.Person@Example.com ", name: " New Person ", password: "a long password" } });
      expect(result.statusCode).toBe(201);
      expect(result.headers.location).toBe("/api/users/new.person%40example.com");
      expect(bodyOf(result)).toEqual({ email: "new.person@example.com", name: "New Person", role: "pic", createdAt: fixture.now().toISOString(), updatedAt: fixture.now().toISOString() });
      const stored = await fixture.users.get("new.person@example.com");
      expect(stored?.passwordHash).toMatch(/^scrypt\$/);
      const login = await call("POST", "/api/auth/login", { body: { email: "new.person@example.com", password: "a long password" } });
      expect(login.statusCode).toBe(200);
    });

    it("answers 409 for an email that is taken, in any letter case, and leaves the account as it was", async () => {
      const before = await fixture.users.get(PIC.email);
      const result = await call("POST", "/api/users", { as: SUPERVISOR, body: { email: PIC.email.toUpperCase(), name: "Impostor", password: "another password" } });
      expect(result.statusCode).toBe(409);
      expect(errorOf(result)).toEqual({ code: "conflict", message: `a user with email ${PIC.email} already exists` });
      expect(await fixture.users.get(PIC.email)).toEqual(before);
    });

    it("names every bad field", async () => {
      const result = await call("POST", "/api/users", { as: SUPERVISOR, body: { email: "nope", name: "", password: "short", role: "admin", extra: 1 } });
      expect(result.statusCode).toBe(400);
      const error = errorOf(result);
      expect(error.code).toBe("validation_failed");
      expect(error.details?.map((d) => d.field).sort()).toEqual(["email", "extra", "name", "password", "role"]);
      expect(error.details).toContainEqual({ field: "password", message: "must be at least 10 characters" });
      expect(error.message).toMatch(/^invalid field\(s\): /);
    });

    it("checks the role before the body: a PIC gets 403 even for an invalid body", async () => {
      expect((await call("POST", "/api/users", { as: PIC, body: { email: "bad" } })).statusCode).toBe(403);
    });
  });

  describe("PATCH /api/users/{email}", () => {
    it("changes the name and role and bumps updatedAt", async () => {
      await fixture.handler(apiEvent("POST", "/api/users", { as: SUPERVISOR, body: { email: "promote@example.com", name: "Pro", password: "a long password" } }));
      fixture.advanceSeconds(60);
      const result = await call("PATCH", "/api/users/promote%40example.com", { as: SUPERVISOR, body: { name: "Pro Moted", role: "supervisor" } });
      expect(result.statusCode).toBe(200);
      expect(bodyOf(result)).toMatchObject({ email: "promote@example.com", name: "Pro Moted", role: "supervisor", updatedAt: fixture.now().toISOString() });
      expect((bodyOf(result) as User).createdAt).not.toBe((bodyOf(result) as User).updatedAt);
    });

    it("sets a new password: the new one signs in, the old one no longer does, and the hash is new", async () => {
      await fixture.handler(apiEvent("POST", "/api/users", { as: SUPERVISOR, body: { email: "reset@example.com", name: "Re Set", password: "the old password" } }));
      const oldHash = (await fixture.users.get("reset@example.com"))?.passwordHash;
      expect((await call("PATCH", "/api/users/reset@example.com", { as: SUPERVISOR, body: { password: "the new password" } })).statusCode).toBe(200);
      expect((await fixture.users.get("reset@example.com"))?.passwordHash).not.toBe(oldHash);
      expect((await call("POST", "/api/auth/login", { body: { email: "reset@example.com", password: "the new password" } })).statusCode).toBe(200);
      expect((await call("POST", "/api/auth/login", { body: { email: "reset@example.com", password: "the old password" } })).statusCode).toBe(401);
    });

    it("answers 404 for an unknown user and creates nothing", async () => {
      const result = await call("PATCH", "/api/users/nobody@example.com", { as: SUPERVISOR, body: { name: "X" } });
      expect(result.statusCode).toBe(404);
      expect(await fixture.users.get("nobody@example.com")).toBeUndefined();
    });

    it("validates the body and the email in the path, naming the field", async () => {
      expect(errorOf(await call("PATCH", `/api/users/${PIC.email}`, { as: SUPERVISOR, body: {} })).details).toEqual([
        { field: "(body)", message: "must change at least one of name, password, role" },
      ]);
      expect(errorOf(await call("PATCH", `/api/users/${PIC.email}`, { as: SUPERVISOR, body: { role: "boss" } })).details).toEqual([
        { field: "role", message: "must be one of supervisor, pic" },
      ]);
      expect(errorOf(await call("PATCH", "/api/users/not-an-email", { as: SUPERVISOR, body: { name: "X" } })).details).toEqual([
        { field: "email", message: "must be an email address" },
      ]);
    });

    it("refuses to let a supervisor remove their own supervisor role", async () => {
      const result = await call("PATCH", `/api/users/${SUPERVISOR.email}`, { as: SUPERVISOR, body: { role: "pic" } });
      expect(result.statusCode).toBe(409);
      expect(errorOf(result).message).toBe("you cannot remove your own supervisor role; ask another supervisor");
      expect((await fixture.users.get(SUPERVISOR.email))?.role).toBe("supervisor");
    });
  });

  describe("DELETE /api/users/{email}", () => {
    it("deletes the account (204, empty body) and a second delete is 404", async () => {
      await fixture.handler(apiEvent("POST", "/api/users", { as: SUPERVISOR, body: { email: "leaver@example.com", name: "Lee Ver", password: "a long password" } }));
      const result = await call("DELETE", "/api/users/LEAVER%40example.com", { as: SUPERVISOR });
      expect([result.statusCode, result.body]).toEqual([204, ""]);
      expect(await fixture.users.get("leaver@example.com")).toBeUndefined();
      expect((await call("DELETE", "/api/users/leaver@example.com", { as: SUPERVISOR })).statusCode).toBe(404);
    });

    it("refuses to let a supervisor delete their own account", async () => {
      const result = await call("DELETE", `/api/users/${SUPERVISOR.email}`, { as: SUPERVISOR });
      expect(result.statusCode).toBe(409);
      expect(errorOf(result).message).toBe("you cannot delete your own account; ask another supervisor");
      expect(await fixture.users.get(SUPERVISOR.email)).toBeDefined();
    });
  });

  it("serves exactly the route keys API Gateway routes to it, with only login public", () => {
    expect(AUTH_ROUTE_KEYS).toEqual([
      "POST /api/auth/login",
      "GET /api/auth/me",
      "GET /api/users",
      "POST /api/users",
      "PATCH /api/users/{email}",
      "DELETE /api/users/{email}",
    ]);
    expect(PUBLIC_ROUTE_KEYS).toEqual(["POST /api/auth/login"]);
  });

  describe("protocol errors", () => {
    it("answers 404 for paths it does not serve", async () => {
      for (const path of ["/api/auth", "/api/auth/logout", "/api/users/a@b.co/extra", "/api/users/", "/api/tasks", "/"]) {
        const result = await call("GET", path, { as: SUPERVISOR });
        expect([path, result.statusCode, errorOf(result).code]).toEqual([path, 404, "not_found"]);
      }
    });

    it("answers 405 with Allow for a method the path does not support", async () => {
      const cases = [
        ["PUT", "/api/users", "GET, POST"],
        ["GET", `/api/users/${PIC.email}`, "PATCH, DELETE"],
        ["POST", "/api/auth/me", "GET"],
        ["OPTIONS", "/api/users", "GET, POST"],
      ] as const;
      for (const [method, path, allow] of cases) {
        const result = await call(method, path, { as: SUPERVISOR });
        expect([method, path, result.statusCode, result.headers.Allow]).toEqual([method, path, 405, allow]);
      }
    });

    it("answers 413 for a body over 64 KiB before looking at it, and 415/400 for non-JSON", async () => {
      const huge = await call("POST", "/api/users", { as: SUPERVISOR, body: "x".repeat(64 * 1024 + 1), headers: { "content-type": "text/plain" } });
      expect(huge.statusCode).toBe(413);
      const hugeBase64 = await call("POST", "/api/users", { as: SUPERVISOR, body: new Uint8Array(64 * 1024 + 1), headers: { "content-type": "application/json" } });
      expect(hugeBase64.statusCode).toBe(413);
      expect((await call("POST", "/api/users", { as: SUPERVISOR, body: "{}" })).statusCode).toBe(415);
      expect((await call("POST", "/api/users", { as: SUPERVISOR, body: "[1,", headers: { "content-type": "application/json; charset=utf-8" } })).statusCode).toBe(400);
      expect((await call("PATCH", `/api/users/${PIC.email}`, { as: SUPERVISOR, body: "null", headers: { "content-type": "application/json" } })).statusCode).toBe(400);
    });

    it("routes a named stage's paths (rawPath carries /<stage>)", async () => {
      const result = await call("GET", "/api/users", { as: PIC, stage: "v1" });
      expect(result.statusCode).toBe(200);
    });
  });
});

describe("logging", () => {
  let fixture: AuthFixture;
  const written: string[] = [];
  beforeAll(async () => {
    fixture = await startAuthFixture({ cost: { N: 2 ** 12, r: 8, p: 1 } });
  });
  afterAll(async () => fixture.stop());
  beforeEach(() => {
    written.length = 0;
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it("writes one JSON line per request and never a password, hash or token, even when a request fails inside", async () => {
    // The real logger, writing to the console the test captures.
    const handler = createAuthHandler({ ...fixture.deps, log: jsonLineLogger });
    const hash = (await fixture.users.get(PIC.email))?.passwordHash ?? "";
    const login = await handler(apiEvent("POST", "/api/auth/login", { body: { email: PIC.email, password: PASSWORD } }));
    const token = (bodyOf(login) as { token: string }).token;
    await handler(apiEvent("POST", "/api/auth/login", { body: { email: PIC.email, password: "a wrong password" } }));
    await handler(apiEvent("POST", "/api/users", { as: SUPERVISOR, body: { email: "logged@example.com", name: "L", password: "secret password 42" } }));
    await handler(apiEvent("PATCH", "/api/users/logged@example.com", { as: SUPERVISOR, body: { password: "secret password 43" } }));
    // A store that fails: the client gets a bare 500, the log gets the error but not the request.
    const broken = createAuthHandler({
      ...fixture.deps,
      log: jsonLineLogger,
      users: { ...fixture.users, get: async () => Promise.reject(new Error("boom")) },
    });
    const failed = await broken(apiEvent("POST", "/api/auth/login", { body: { email: PIC.email, password: PASSWORD }, headers: { authorization: `Bearer ${token}` } }));
    expect([failed.statusCode, bodyOf(failed)]).toEqual([500, { error: { code: "internal", message: "internal error" } }]);

    expect(written.length).toBeGreaterThanOrEqual(10);
    for (const line of written) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(typeof entry.level).toBe("string");
      expect(typeof entry.message).toBe("string");
      for (const secret of [PASSWORD, "a wrong password", "secret password 42", "secret password 43", hash, token, token.split(".")[2] ?? "", "scrypt$"]) {
        expect(line).not.toContain(secret);
      }
    }
    const requests = written.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.message === "request");
    expect(requests.map((e) => e.status)).toEqual([200, 401, 201, 200, 500]);
    expect(written.some((l) => l.includes('"message":"unhandled_error"') && l.includes('"errorMessage":"boom"'))).toBe(true);
  });
});
