import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { LoginResponse } from "../../../contracts/api";
import { loadAuthConfig } from "../../../handlers/auth/config";
import { createPasswordHasher } from "../../../handlers/auth/passwords";
import { createUser } from "../../../handlers/auth/seed";
import { dynamoUsersStore } from "../../../handlers/auth/users-store";
import type { AuthorizerSimpleResultV2, HttpApiAuthorizerEventV2, HttpApiEventV2, HttpApiResultV2 } from "../../../handlers/lib/apigw";
import { apiEvent, bodyOf, buildAuthorizerEvent, buildHttpApiEvent } from "../../support/apigw-events";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";
import { startKmsEndpoint, type KmsEndpoint } from "../../support/kms-endpoint";

type AuthEntry = (event: HttpApiEventV2) => Promise<HttpApiResultV2>;
type AuthorizerEntry = (event: HttpApiAuthorizerEventV2) => Promise<AuthorizerSimpleResultV2>;

/** Fresh copies of the two Lambda entry modules, as after a cold start with the current environment. */
async function coldStart(): Promise<{ auth: AuthEntry; authorizer: AuthorizerEntry }> {
  vi.resetModules();
  const auth = await import("../../../handlers/auth/index");
  const authorizer = await import("../../../handlers/authorizer/index");
  return { auth: auth.handler, authorizer: authorizer.handler };
}

/** Logs in through the auth entry, runs the authorizer entry on the token, then calls /me with its context, as API Gateway chains them. */
async function signInAndCallMe(entries: { auth: AuthEntry; authorizer: AuthorizerEntry }) {
  const login = await entries.auth(apiEvent("POST", "/api/auth/login", { body: { email: "boss@example.com", password: "a long password" } }));
  expect(login.statusCode).toBe(200);
  const { token } = bodyOf(login) as LoginResponse;
  const decision = await entries.authorizer(buildAuthorizerEvent({ method: "GET", path: "/api/auth/me", headers: { Authorization: `Bearer ${token}` } }));
  expect(decision).toEqual({ isAuthorized: true, context: { email: "boss@example.com", role: "supervisor", name: "Boss" } });
  const me = await entries.auth(buildHttpApiEvent({ method: "GET", path: "/api/auth/me", authorizerContext: decision.context ?? {} }));
  expect(me.statusCode).toBe(200);
  expect(bodyOf(me)).toMatchObject({ email: "boss@example.com", role: "supervisor" });
  return token;
}

describe("Lambda entries (handler exports) configured from the environment", () => {
  let dynamo: DynaliteHandle;
  let kms: KmsEndpoint;
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    dynamo = await startDynalite();
    kms = await startKmsEndpoint();
    dir = mkdtempSync(join(tmpdir(), "auth-entry-"));
    const deps = {
      users: dynamoUsersStore(DynamoDBDocumentClient.from(dynamo.client), dynamo.tableNames.users ?? ""),
      passwords: createPasswordHasher(),
      clock: () => new Date(),
    };
    await createUser(deps, { email: "boss@example.com", name: "Boss", password: "a long password", role: "supervisor" });
  });
  afterAll(async () => {
    await kms.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // What the Lambda runtime (region, role credentials) and the module (table names) provide.
    Object.assign(process.env, {
      AWS_REGION: "ap-northeast-2",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      USERS_TABLE_NAME: dynamo.tableNames.users,
      LOGIN_ATTEMPTS_TABLE_NAME: dynamo.tableNames["login-attempts"],
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    });
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("with a KMS key: login signs through KMS Sign, the authorizer verifies with one GetPublicKey per cold start", async () => {
    process.env.TOKEN_SIGNING_KEY_ID = kms.key.arn;
    process.env.KMS_ENDPOINT = kms.endpoint;
    const entries = await coldStart();
    const signsBefore = kms.requestsFor("Sign").length;
    const getsBefore = kms.requestsFor("GetPublicKey").length;
    await signInAndCallMe(entries);
    await signInAndCallMe(entries);
    expect(kms.requestsFor("Sign").length - signsBefore).toBe(2);
    expect(kms.requestsFor("GetPublicKey").length - getsBefore).toBe(1);
    expect(kms.requestsFor("Sign").at(-1)?.body).toMatchObject({ KeyId: kms.key.arn, MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" });
  });

  it("with a local key file: tokens survive a restart of both Lambdas", async () => {
    process.env.LOCAL_TOKEN_KEY_FILE = join(dir, "token-key.pem");
    const token = await signInAndCallMe(await coldStart());
    const restarted = await coldStart();
    const decision = await restarted.authorizer(buildAuthorizerEvent({ method: "GET", path: "/api/users", headers: { authorization: `Bearer ${token}` } }));
    expect(decision.isAuthorized).toBe(true);
  });

  it("a token from the local key is refused by an authorizer that trusts the KMS key", async () => {
    process.env.LOCAL_TOKEN_KEY_FILE = join(dir, "token-key.pem");
    const token = await signInAndCallMe(await coldStart());
    delete process.env.LOCAL_TOKEN_KEY_FILE;
    Object.assign(process.env, { TOKEN_SIGNING_KEY_ID: kms.key.keyId, KMS_ENDPOINT: kms.endpoint });
    const { authorizer } = await coldStart();
    expect(await authorizer(buildAuthorizerEvent({ method: "GET", path: "/api/users", headers: { authorization: `Bearer ${token}` } }))).toEqual({ isAuthorized: false });
  });

  it("fails the invocation with a message naming the missing variables", async () => {
    delete process.env.USERS_TABLE_NAME;
    const { auth } = await coldStart();
    await expect(auth(apiEvent("GET", "/api/users"))).rejects.toThrow(/USERS_TABLE_NAME is required/);
  });
});

describe("loadAuthConfig", () => {
  it("reads every variable", () => {
    expect(
      loadAuthConfig({ USERS_TABLE_NAME: "u", LOGIN_ATTEMPTS_TABLE_NAME: "a", TOKEN_SIGNING_KEY_ID: "alias/k", DYNAMODB_ENDPOINT: "http://127.0.0.1:1" }),
    ).toEqual({ usersTableName: "u", loginAttemptsTableName: "a", tokenKey: { kind: "kms", keyId: "alias/k" }, dynamodbEndpoint: "http://127.0.0.1:1" });
  });

  it("names each missing or bad variable and what to set", () => {
    expect(() => loadAuthConfig({ TOKEN_SIGNING_KEY_ID: "k" })).toThrow(
      /USERS_TABLE_NAME is required: the users table's name .*; LOGIN_ATTEMPTS_TABLE_NAME is required: the login-attempts table's name/,
    );
    expect(() => loadAuthConfig({ USERS_TABLE_NAME: "u", LOGIN_ATTEMPTS_TABLE_NAME: "a", TOKEN_SIGNING_KEY_ID: "k", DYNAMODB_ENDPOINT: "nope" })).toThrow(
      /DYNAMODB_ENDPOINT must be a URL/,
    );
    expect(() => loadAuthConfig({ USERS_TABLE_NAME: "u", LOGIN_ATTEMPTS_TABLE_NAME: "a" })).toThrow(/exactly one of TOKEN_SIGNING_KEY_ID/);
  });
});
