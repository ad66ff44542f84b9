import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { TOKEN_TTL_SECONDS, tokenClaimsSchema } from "../../../contracts/auth";
import type { LoginResponse } from "../../../contracts/api";
import type { PasswordHasher } from "../../../handlers/auth/passwords";
import { apiEvent, bodyOf } from "../../support/apigw-events";
import { PASSWORD, PIC, SUPERVISOR, startAuthFixture, type AuthFixture } from "./auth-fixture";

const login = (fixture: AuthFixture, email: string, password: string) =>
  fixture.handler(apiEvent("POST", "/api/auth/login", { body: { email, password } }));

const attemptsItem = async (fixture: AuthFixture, email: string) =>
  (await fixture.documents.send(new GetCommand({ TableName: fixture.dynamo.tableNames["login-attempts"], Key: { email } }))).Item;

describe("POST /api/auth/login", () => {
  let fixture: AuthFixture;
  /** Counts scrypt verifications so a test can see both failure paths pay for one. */
  let verifications = 0;
  beforeAll(async () => {
    fixture = await startAuthFixture({
      passwords: (real): PasswordHasher => ({
        ...real,
        verify: async (password, stored) => {
          verifications += 1;
          return real.verify(password, stored);
        },
      }),
    });
  });
  afterAll(async () => fixture.stop());

  it("returns a signed token the verifier accepts, with the right claims and a one-hour expiry", async () => {
    const result = await login(fixture, SUPERVISOR.email, PASSWORD);
    expect(result.statusCode).toBe(200);
    expect(result.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(result.headers["cache-control"]).toBe("no-store");
    const body = bodyOf(result) as LoginResponse;
    expect(body.user).toEqual(SUPERVISOR);
    expect(body.expiresAt).toBe(new Date(fixture.now().getTime() + TOKEN_TTL_SECONDS * 1000).toISOString());
    await expect(fixture.verifier.verify(body.token)).resolves.toEqual(SUPERVISOR);
    const claims = tokenClaimsSchema.parse(JSON.parse(Buffer.from(body.token.split(".")[1] ?? "", "base64url").toString()));
    expect(claims).toMatchObject({ sub: SUPERVISOR.email, role: "supervisor", name: SUPERVISOR.name, iat: fixture.now().getTime() / 1000 });
    expect(claims.exp - claims.iat).toBe(TOKEN_TTL_SECONDS);
    expect(Object.keys(body).sort()).toEqual(["expiresAt", "token", "user"]);
  });

  it("normalises the email (case, surrounding spaces)", async () => {
    const result = await login(fixture, `  ${PIC.email.toUpperCase()} `, PASSWORD);
    expect(result.statusCode).toBe(200);
    expect((bodyOf(result) as LoginResponse).user.email).toBe(PIC.email);
  });

  it("answers a wrong email and a wrong password with the same status, headers and body, each after one scrypt", async () => {
    const before = verifications;
    const wrongEmail = await login(fixture, "nobody@example.com", PASSWORD);
    expect(verifications - before).toBe(1);
    const wrongPassword = await login(fixture, SUPERVISOR.email, "not the password");
    expect(verifications - before).toBe(2);
    expect(wrongEmail.statusCode).toBe(401);
    expect(JSON.parse(wrongEmail.body)).toEqual({ error: { code: "unauthorized", message: "email or password is incorrect" } });
    expect(wrongPassword).toEqual(wrongEmail);
  });

  it("takes about as long for an unknown email as for a wrong password", async () => {
    const time = async (email: string) => {
      const started = performance.now();
      await login(fixture, email, "wrong password here");
      return performance.now() - started;
    };
    const unknown: number[] = [];
    const known: number[] = [];
    // Distinct emails per sample: the throttle must not kick in and shorten a path.
    for (let i = 0; i < 4; i += 1) {
      unknown.push(await time(`ghost${i}@example.com`));
      known.push(await time(i % 2 === 0 ? PIC.email : "kim@example.com"));
    }
    // The fastest of each: a busy machine only ever adds time, so minima compare the paths' own cost.
    const ratio = Math.min(...unknown) / Math.min(...known);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
    // Leave the seeded accounts unthrottled for the other tests.
    await fixture.throttle.clear(PIC.email);
    await fixture.throttle.clear("kim@example.com");
  });

  it("validates the body, naming each bad field", async () => {
    const missing = await fixture.handler(apiEvent("POST", "/api/auth/login", { body: { email: "not-an-email" } }));
    expect(missing.statusCode).toBe(400);
    const body = bodyOf(missing) as { error: { code: string; details: { field: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((d) => d.field).sort()).toEqual(["email", "password"]);
    const extra = await fixture.handler(apiEvent("POST", "/api/auth/login", { body: { email: PIC.email, password: PASSWORD, admin: true } }));
    expect(bodyOf(extra)).toMatchObject({ error: { code: "validation_failed", details: [{ field: "admin", message: "is not a known field" }] } });
    const tooLong = await login(fixture, PIC.email, "x".repeat(257));
    expect(bodyOf(tooLong)).toMatchObject({ error: { code: "validation_failed", details: [{ field: "password" }] } });
  });

  it("answers bad JSON 400, a non-JSON content type 415, an oversized body 413 and GET 405", async () => {
    const badJson = await fixture.handler(apiEvent("POST", "/api/auth/login", { body: "{not json", headers: { "content-type": "application/json" } }));
    expect([badJson.statusCode, (bodyOf(badJson) as { error: { code: string } }).error.code]).toEqual([400, "bad_request"]);
    const form = await fixture.handler(apiEvent("POST", "/api/auth/login", { body: "email=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(form.statusCode).toBe(415);
    const huge = await fixture.handler(apiEvent("POST", "/api/auth/login", { body: { email: PIC.email, password: "p".repeat(70_000) } }));
    expect([huge.statusCode, (bodyOf(huge) as { error: { code: string } }).error.code]).toEqual([413, "payload_too_large"]);
    const empty = await fixture.handler(apiEvent("POST", "/api/auth/login", { headers: { "content-type": "application/json" } }));
    expect(empty.statusCode).toBe(400);
    const get = await fixture.handler(apiEvent("GET", "/api/auth/login"));
    expect([get.statusCode, get.headers.Allow]).toEqual([405, "POST"]);
  });

  it("accepts a base64-encoded JSON body, as API Gateway delivers some bodies", async () => {
    const result = await fixture.handler(
      apiEvent("POST", "/api/auth/login", { body: Buffer.from(JSON.stringify({ email: PIC.email, password: PASSWORD })), headers: { "content-type": "application/json" } }),
    );
    expect(result.statusCode).toBe(200);
  });
});

describe("login throttle", () => {
  let fixture: AuthFixture;
  const WINDOW = 15 * 60;
  beforeAll(async () => {
    fixture = await startAuthFixture();
  });
  afterAll(async () => fixture.stop());

  it("refuses with 429 and Retry-After after five failures, even the right password, until the window ends", async () => {
    const windowStart = fixture.now();
    for (let i = 0; i < 5; i += 1) {
      expect((await login(fixture, PIC.email, "wrong password")).statusCode).toBe(401);
      fixture.advanceSeconds(60);
    }
    // Five minutes into the window: ten remain.
    const locked = await login(fixture, PIC.email, PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["Retry-After"]).toBe(String(WINDOW - 300));
    expect(bodyOf(locked)).toEqual({ error: { code: "too_many_requests", message: "too many failed sign-ins for this email; try again later" } });

    // The counter is a TTL item: `expiresAt` in epoch seconds, a Number, at the window's end.
    const raw = await fixture.dynamo.client.send(
      new GetItemCommand({ TableName: fixture.dynamo.tableNames["login-attempts"], Key: { email: { S: PIC.email } } }),
    );
    expect(raw.Item?.expiresAt).toEqual({ N: String(windowStart.getTime() / 1000 + WINDOW) });
    // Five failures and the refused sixth attempt: attempts are counted before the password is checked.
    expect(raw.Item?.attempts).toEqual({ N: "6" });

    fixture.advanceSeconds(WINDOW - 300 - 1);
    expect((await login(fixture, PIC.email, PASSWORD)).headers["Retry-After"]).toBe("1");

    // DynamoDB has not deleted the item (dynalite never does; AWS may lag days): the code ignores it anyway.
    fixture.advanceSeconds(1);
    expect(await attemptsItem(fixture, PIC.email)).toBeDefined();
    expect((await login(fixture, PIC.email, PASSWORD)).statusCode).toBe(200);
    // Success clears the counter.
    expect(await attemptsItem(fixture, PIC.email)).toBeUndefined();
  });

  it("throttles an unknown email exactly like a known one", async () => {
    for (let i = 0; i < 5; i += 1) expect((await login(fixture, "ghost@example.com", "wrong password")).statusCode).toBe(401);
    const locked = await login(fixture, "ghost@example.com", "wrong password");
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["Retry-After"]).toBe(String(WINDOW));
  });

  it("starts a fresh window when a failure arrives after the old one expired", async () => {
    const email = "fresh@example.com";
    for (let i = 0; i < 6; i += 1) await fixture.throttle.admit(email, fixture.now());
    expect(await fixture.throttle.admit(email, fixture.now())).toMatchObject({ locked: true, attempts: 7 });
    fixture.advanceSeconds(WINDOW + 10);
    expect(await fixture.throttle.admit(email, fixture.now())).toEqual({ locked: false, attempts: 1 });
    expect(await attemptsItem(fixture, email)).toEqual({ email, attempts: 1, expiresAt: fixture.now().getTime() / 1000 + WINDOW });
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    for (let i = 0; i < 4; i += 1) await login(fixture, SUPERVISOR.email, "wrong password");
    expect((await login(fixture, SUPERVISOR.email, PASSWORD)).statusCode).toBe(200);
    expect((await login(fixture, SUPERVISOR.email, "wrong password")).statusCode).toBe(401);
    expect(await attemptsItem(fixture, SUPERVISOR.email)).toMatchObject({ attempts: 1 });
  });

  it("counts concurrent attempts atomically: a parallel burst gets exactly five password checks", async () => {
    const email = "kim@example.com";
    const results = await Promise.all(Array.from({ length: 8 }, () => login(fixture, email, "wrong password")));
    expect(results.map((r) => r.statusCode).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(await attemptsItem(fixture, email)).toMatchObject({ attempts: 8 });
    const direct = await Promise.all(Array.from({ length: 40 }, () => fixture.throttle.admit("burst@example.com", fixture.now())));
    expect(direct.map((d) => d.attempts).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(direct.filter((d) => !d.locked)).toHaveLength(5);
  });

  it("restarts an expired window once when failures race on it", async () => {
    const email = "race@example.com";
    for (let i = 0; i < 3; i += 1) await fixture.throttle.admit(email, fixture.now());
    fixture.advanceSeconds(WINDOW);
    const counts = await Promise.all(Array.from({ length: 10 }, () => fixture.throttle.admit(email, fixture.now())));
    expect(counts.map((c) => c.attempts).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await attemptsItem(fixture, email)).toMatchObject({ attempts: 10, expiresAt: fixture.now().getTime() / 1000 + WINDOW });
  });
});
