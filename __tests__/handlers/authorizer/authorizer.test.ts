import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TTL_SECONDS, type Principal } from "../../../contracts/auth";
import { createAuthorizerHandler } from "../../../handlers/authorizer/authorizer";
import { KmsTokenSigner, LocalTokenSigner, createTokenVerifier, issueToken, kmsPublicKey } from "../../../handlers/lib/tokens";
import { buildAuthorizerEvent } from "../../support/apigw-events";
import { startKmsEndpoint, type KmsEndpoint } from "../../support/kms-endpoint";
import type { Logger, LogFields } from "../../../handlers/lib/apigw";

const pat: Principal = { email: "pat@example.com", role: "pic", name: "Pat Incharge" };
const NOW = new Date("2026-11-21T09:00:00.000Z");

/** The real logger's JSON lines, kept in an array. */
function capturingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) => lines.push(JSON.stringify({ level, message, ...fields }));
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

describe("authorizer (API Gateway HTTP API, simple responses)", () => {
  let kms: KmsEndpoint;
  let clockNow = NOW;
  const logLines: string[] = [];
  let authorize: ReturnType<typeof createAuthorizerHandler>;
  let signer: KmsTokenSigner;
  const request = (authorization?: string) =>
    authorize(buildAuthorizerEvent({ method: "PATCH", path: "/api/tasks/t1", routeKey: "PATCH /api/tasks/{id}", headers: authorization === undefined ? {} : { Authorization: authorization } }));

  beforeAll(async () => {
    kms = await startKmsEndpoint();
    signer = new KmsTokenSigner({ client: kms.client, keyId: kms.key.arn });
    const verifier = createTokenVerifier({ publicKey: kmsPublicKey({ client: kms.client, keyId: kms.key.arn }), clock: () => clockNow });
    authorize = createAuthorizerHandler({ verifier, log: capturingLogger(logLines) });
  });
  afterAll(async () => kms.stop());

  it("allows a good token and passes email, role and name as context", async () => {
    const { token } = await issueToken(signer, pat, { now: NOW });
    expect(await request(`Bearer ${token}`)).toEqual({ isAuthorized: true, context: { email: pat.email, role: "pic", name: pat.name } });
  });

  it("denies an expired token", async () => {
    const { token } = await issueToken(signer, pat, { now: NOW });
    clockNow = new Date(NOW.getTime() + (TOKEN_TTL_SECONDS + 60) * 1000);
    try {
      expect(await request(`Bearer ${token}`)).toEqual({ isAuthorized: false });
    } finally {
      clockNow = NOW;
    }
    expect(JSON.parse(logLines.at(-1) ?? "{}")).toMatchObject({ message: "token_rejected", reason: "expired", routeKey: "PATCH /api/tasks/{id}" });
  });

  it("denies a token for another audience, even one signed by the right key", async () => {
    // The fake KMS's private key signs here directly: the only way to mint a foreign-audience token with the trusted key.
    const token = await new SignJWT({ role: "pic", name: pat.name })
      .setProtectedHeader({ alg: "ES256", typ: "JWT" })
      .setIssuer(TOKEN_ISSUER)
      .setAudience("some-other-api")
      .setSubject(pat.email)
      .setJti("j1")
      .setIssuedAt(NOW)
      .setExpirationTime(new Date(NOW.getTime() + 600_000))
      .sign(kms.key.privateKey);
    expect(await request(`Bearer ${token}`)).toEqual({ isAuthorized: false });
    expect(JSON.parse(logLines.at(-1) ?? "{}")).toMatchObject({ reason: "bad_claims" });
  });

  it("denies a tampered token (PIC promoted to supervisor)", async () => {
    const { token } = await issueToken(signer, pat, { now: NOW });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), role: "supervisor" })).toString("base64url");
    expect(await request(`Bearer ${header}.${promoted}.${signature}`)).toEqual({ isAuthorized: false });
    expect(JSON.parse(logLines.at(-1) ?? "{}")).toMatchObject({ reason: "bad_signature" });
  });

  it("denies tokens signed by another key: another KMS key, or a local key", async () => {
    const other = kms.createKey();
    const fromOtherKms = await issueToken(new KmsTokenSigner({ client: kms.client, keyId: other.keyId }), pat, { now: NOW });
    const fromLocal = await issueToken(LocalTokenSigner.generate(), pat, { now: NOW });
    expect(await request(`Bearer ${fromOtherKms.token}`)).toEqual({ isAuthorized: false });
    expect(await request(`Bearer ${fromLocal.token}`)).toEqual({ isAuthorized: false });
  });

  it("denies a missing or malformed Authorization header without throwing", async () => {
    expect(await request()).toEqual({ isAuthorized: false });
    expect(JSON.parse(logLines.at(-1) ?? "{}")).toMatchObject({ reason: "missing" });
    for (const header of ["Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer a.b.c", `Bearer ${"x".repeat(5000)}.y.z`]) {
      expect(await request(header)).toEqual({ isAuthorized: false });
    }
  });

  it("never logs a token", async () => {
    const { token } = await issueToken(signer, pat, { now: NOW });
    await request(`Bearer ${token}x`);
    for (const line of logLines) {
      expect(line).not.toContain(token.split(".")[2] ?? "");
      expect(line).not.toContain(token.split(".")[1] ?? "");
    }
  });

  it("throws (API Gateway answers 500) when the public key cannot be fetched, instead of reporting a bad token", async () => {
    const key = kms.createKey();
    key.enabled = false;
    const broken = createAuthorizerHandler({
      verifier: createTokenVerifier({ publicKey: kmsPublicKey({ client: kms.client, keyId: key.keyId }) }),
      log: capturingLogger(logLines),
    });
    const { token } = await issueToken(signer, pat, { now: NOW });
    await expect(broken(buildAuthorizerEvent({ method: "GET", path: "/api/tasks", headers: { authorization: `Bearer ${token}` } }))).rejects.toMatchObject({ name: "DisabledException" });
    expect(JSON.parse(logLines.at(-1) ?? "{}")).toMatchObject({ level: "error", message: "authorizer_failed", errorName: "DisabledException" });
  });

  it("builds the event API Gateway sends: identity source, route ARN, lower-case headers", () => {
    const event = buildAuthorizerEvent({ method: "get", path: "/api/users", headers: { Authorization: "Bearer a.b.c", "X-Forwarded-For": "203.0.113.9" } });
    expect(event).toMatchObject({
      version: "2.0",
      type: "REQUEST",
      identitySource: ["Bearer a.b.c"],
      routeKey: "GET /api/users",
      rawPath: "/api/users",
      headers: { authorization: "Bearer a.b.c", "x-forwarded-for": "203.0.113.9" },
      requestContext: { http: { method: "GET", path: "/api/users" }, stage: "$default" },
    });
    expect(event.routeArn).toBe("arn:aws:execute-api:local:000000000000:local/$default/GET/api/users");
  });
});
