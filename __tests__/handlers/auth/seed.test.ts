import { spawn } from "node:child_process";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher } from "../../../handlers/auth/passwords";
import { createUser } from "../../../handlers/auth/seed";
import type { AccountDeps } from "../../../handlers/auth/service";
import { dynamoUsersStore } from "../../../handlers/auth/users-store";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";

/** Runs the seed CLI the way an operator would, password on stdin. */
function runSeedCli(args: readonly string[], env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "handlers/auth/seed.ts", ...args], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "", AWS_REGION: "ap-northeast-2", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("seed: creating the first supervisor outside the API", () => {
  let dynamo: DynaliteHandle;
  let deps: AccountDeps;
  beforeAll(async () => {
    dynamo = await startDynalite();
    deps = {
      users: dynamoUsersStore(DynamoDBDocumentClient.from(dynamo.client), dynamo.tableNames.users ?? ""),
      passwords: createPasswordHasher(),
      clock: () => new Date("2026-11-21T09:00:00.000Z"),
    };
  });
  afterAll(async () => dynamo.stop());

  it("createUser validates with the API's schema, hashes the password, and returns no hash", async () => {
    const outcome = await createUser(deps, { email: "Boss@Example.com", name: "Boss", password: "a long password", role: "supervisor" });
    expect(outcome).toEqual({
      created: true,
      user: { email: "boss@example.com", name: "Boss", role: "supervisor", createdAt: "2026-11-21T09:00:00.000Z", updatedAt: "2026-11-21T09:00:00.000Z" },
    });
    const stored = await deps.users.get("boss@example.com");
    expect(await deps.passwords.verify("a long password", stored?.passwordHash ?? "")).toBe(true);
    await expect(createUser(deps, { email: "x", name: "", password: "short" })).rejects.toThrow(/cannot create user: email must be an email address; name is required; password must be at least 10/);
  });

  it("createUser fails on an existing email unless asked to skip, and skipping changes nothing", async () => {
    await expect(createUser(deps, { email: "boss@example.com", name: "Other", password: "another password" })).rejects.toMatchObject({ status: 409 });
    const before = await deps.users.get("boss@example.com");
    const skipped = await createUser(deps, { email: "boss@example.com", name: "Other", password: "another password" }, { ifExists: "skip" });
    expect(skipped.created).toBe(false);
    expect(skipped.user.name).toBe("Boss");
    expect(await deps.users.get("boss@example.com")).toEqual(before);
  });

  it("the CLI reads the password from stdin (not argv) and creates a supervisor", async () => {
    const env = { USERS_TABLE_NAME: dynamo.tableNames.users ?? "", DYNAMODB_ENDPOINT: dynamo.endpoint };
    const run = await runSeedCli(["--email", "first@example.com", "--name", "First Boss"], env, "a very long secret\n");
    expect(run.stderr).not.toMatch(/seed:/); // the AWS SDK may warn about the Node version here
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ created: true, user: { email: "first@example.com", role: "supervisor" } });
    expect(run.stdout).not.toContain("a very long secret");
    const stored = await deps.users.get("first@example.com");
    expect(await deps.passwords.verify("a very long secret", stored?.passwordHash ?? "")).toBe(true);

    const again = await runSeedCli(["--email", "first@example.com", "--name", "First Boss"], env, "a very long secret\n");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/seed: a user with email first@example.com already exists/);

    const missingTable = await runSeedCli(["--email", "x@example.com", "--name", "X"], { DYNAMODB_ENDPOINT: dynamo.endpoint }, "a very long secret");
    expect(missingTable.code).toBe(1);
    expect(missingTable.stderr).toMatch(/USERS_TABLE_NAME is required/);
  });
});
