/**
 * An auth service wired to dynalite and a local signing key, with a clock the
 * test moves and a logger that keeps what it wrote.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Principal } from "../../../contracts/auth";
import type { Logger, LogFields } from "../../../handlers/lib/apigw";
import { LocalTokenSigner, createTokenVerifier, type TokenSigner, type TokenVerifier } from "../../../handlers/lib/tokens";
import { createAuthHandler } from "../../../handlers/auth/app";
import { dynamoLoginThrottle, type LoginThrottle, type ThrottlePolicy } from "../../../handlers/auth/login-throttle";
import { createPasswordHasher, type PasswordHasher, type ScryptCost } from "../../../handlers/auth/passwords";
import { createUser } from "../../../handlers/auth/seed";
import type { AuthDeps } from "../../../handlers/auth/service";
import { dynamoUsersStore, type UsersStore } from "../../../handlers/auth/users-store";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";

export const SUPERVISOR: Principal = { email: "sue@example.com", role: "supervisor", name: "Sue Visor" };
export const PIC: Principal = { email: "pat@example.com", role: "pic", name: "Pat Incharge" };
export const OTHER_PIC: Principal = { email: "kim@example.com", role: "pic", name: "Kim Other" };
/** Every seeded account's password. */
export const PASSWORD = "correct horse battery";

export interface LogLine extends Record<string, unknown> {
  readonly level: string;
  readonly message: string;
}

/** Writes the same JSON lines as the real logger, into an array. */
export function capturingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) => lines.push(JSON.stringify({ level, message, ...fields }));
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

export interface AuthFixture {
  readonly dynamo: DynaliteHandle;
  readonly documents: DynamoDBDocumentClient;
  readonly users: UsersStore;
  readonly throttle: LoginThrottle;
  readonly passwords: PasswordHasher;
  readonly signer: LocalTokenSigner;
  readonly deps: AuthDeps;
  readonly handler: ReturnType<typeof createAuthHandler>;
  /** Accepts this fixture's tokens at the fixture's current time. */
  readonly verifier: TokenVerifier;
  readonly logLines: string[];
  now(): Date;
  advanceSeconds(seconds: number): void;
  stop(): Promise<void>;
}

export interface AuthFixtureOptions {
  /** Lower scrypt cost for tests that create many users. @default the production cost */
  readonly cost?: ScryptCost;
  readonly policy?: ThrottlePolicy;
  readonly passwords?: (real: PasswordHasher) => PasswordHasher;
  readonly signer?: TokenSigner;
}

export async function startAuthFixture(options: AuthFixtureOptions = {}): Promise<AuthFixture> {
  const dynamo = await startDynalite();
  const documents = DynamoDBDocumentClient.from(dynamo.client);
  let now = new Date("2026-11-21T09:00:00.000Z");
  const clock = () => now;
  const real = createPasswordHasher(options.cost);
  const passwords = options.passwords ? options.passwords(real) : real;
  const signer = LocalTokenSigner.generate();
  const users = dynamoUsersStore(documents, dynamo.tableNames.users ?? "");
  const throttle = dynamoLoginThrottle(documents, dynamo.tableNames["login-attempts"] ?? "", options.policy);
  const logLines: string[] = [];
  const deps: AuthDeps = { users, throttle, passwords, signer: options.signer ?? signer, clock, log: capturingLogger(logLines) };
  for (const principal of [SUPERVISOR, PIC, OTHER_PIC]) {
    await createUser(deps, { ...principal, password: PASSWORD });
  }
  return {
    dynamo,
    documents,
    users,
    throttle,
    passwords,
    signer,
    deps,
    handler: createAuthHandler(deps),
    verifier: createTokenVerifier({ publicKey: signer.publicKey, clock }),
    logLines,
    now: clock,
    advanceSeconds: (seconds) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
    stop: () => dynamo.stop(),
  };
}
