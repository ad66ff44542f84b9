/**
 * Creating accounts outside the API: the local stack's demo users, and the
 * first supervisor of a new environment (the API never creates a supervisor
 * for an anonymous caller, so someone with table access has to).
 *
 * Operator use (the password is read from stdin, never from argv, which other
 * users of the machine can see in `ps`):
 *
 *   read -rs PW && printf '%s' "$PW" | USERS_TABLE_NAME=taskboard-prod-users AWS_REGION=ap-northeast-2 \
 *     node --import tsx handlers/auth/seed.ts --email boss@example.com --name "Boss" --role supervisor
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { createUserRequestSchema, fieldProblems, roleSchema, type CreateUserRequest, type User } from "../../contracts/api";
import { ApiError } from "../lib/errors";
import { createPasswordHasher } from "./passwords";
import { createAccount, type AccountDeps } from "./service";
import { dynamoUsersStore, publicUser } from "./users-store";

export interface CreateUserOptions {
  /** `skip` leaves an existing account untouched (seeding twice is harmless); `fail` throws a 409. @default "fail" */
  readonly ifExists?: "fail" | "skip";
}

export interface CreateUserOutcome {
  readonly user: User;
  readonly created: boolean;
}

/** Validates `input` with the API's own schema and creates the account. */
export async function createUser(deps: AccountDeps, input: CreateUserRequest, options: CreateUserOptions = {}): Promise<CreateUserOutcome> {
  const parsed = createUserRequestSchema.safeParse(input);
  if (!parsed.success) {
    const problems = fieldProblems(parsed.error).map((p) => `${p.field} ${p.message}`).join("; ");
    throw new Error(`cannot create user: ${problems}`);
  }
  try {
    return { user: await createAccount(deps, parsed.data), created: true };
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "conflict" && options.ifExists === "skip")) throw error;
    const existing = await deps.users.get(parsed.data.email);
    if (existing === undefined) throw error; // deleted in between: let the operator retry
    return { user: publicUser(existing), created: false };
  }
}

const cliEnvSchema = z.object({
  USERS_TABLE_NAME: z.string("is required: the users table's name").min(1, "must name the users table"),
  DYNAMODB_ENDPOINT: z.url("must be a URL").optional(),
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  // One trailing newline is how `echo` ends a line, not part of the password.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string", default: "supervisor" },
      "if-exists": { type: "string", default: "fail" },
    },
  });
  const env = cliEnvSchema.safeParse({ USERS_TABLE_NAME: process.env.USERS_TABLE_NAME, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT || undefined });
  if (!env.success) throw new Error(env.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
  const ifExists = values["if-exists"];
  if (ifExists !== "fail" && ifExists !== "skip") throw new Error("--if-exists must be fail or skip");
  const role = roleSchema.safeParse(values.role);
  if (!role.success) throw new Error(`--role ${role.error.issues[0]?.message ?? "is invalid"}`);
  if (process.stdin.isTTY) process.stderr.write("password (then Enter, Ctrl-D): ");
  const password = await readStdin();

  const client = new DynamoDBClient(env.data.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: env.data.DYNAMODB_ENDPOINT });
  try {
    const deps: AccountDeps = {
      users: dynamoUsersStore(DynamoDBDocumentClient.from(client), env.data.USERS_TABLE_NAME),
      passwords: createPasswordHasher(),
      clock: () => new Date(),
    };
    const input = { email: values.email ?? "", name: values.name ?? "", password, role: role.data };
    const { user, created } = await createUser(deps, input, { ifExists });
    process.stdout.write(`${JSON.stringify({ created, user })}\n`);
  } finally {
    client.destroy();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
