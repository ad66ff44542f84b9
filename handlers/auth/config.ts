/**
 * The auth Lambda's configuration, read from the environment once per cold
 * start. A missing or bad variable fails the first request with a message that
 * names it and says what to set.
 */
import { z } from "zod";
import { tokenKeySourceFromEnv, type TokenKeySource } from "../lib/tokens";

export interface AuthConfig {
  readonly usersTableName: string;
  readonly loginAttemptsTableName: string;
  readonly tokenKey: TokenKeySource;
  /** For the local stack and tests (dynalite); unset in AWS. */
  readonly dynamodbEndpoint?: string;
}

const tableName = (what: string) =>
  z.string(`is required: the ${what} table's name (the dynamodb module sets it)`).trim().min(1, `must name the ${what} table`);

const envSchema = z.object({
  USERS_TABLE_NAME: tableName("users"),
  LOGIN_ATTEMPTS_TABLE_NAME: tableName("login-attempts"),
  DYNAMODB_ENDPOINT: z.url("must be a URL such as http://127.0.0.1:8000").optional(),
});

export function loadAuthConfig(env: Readonly<Record<string, string | undefined>>): AuthConfig {
  const parsed = envSchema.safeParse({
    USERS_TABLE_NAME: env.USERS_TABLE_NAME,
    LOGIN_ATTEMPTS_TABLE_NAME: env.LOGIN_ATTEMPTS_TABLE_NAME,
    DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ");
    throw new Error(`invalid auth configuration: ${problems}`);
  }
  const { USERS_TABLE_NAME, LOGIN_ATTEMPTS_TABLE_NAME, DYNAMODB_ENDPOINT } = parsed.data;
  return {
    usersTableName: USERS_TABLE_NAME,
    loginAttemptsTableName: LOGIN_ATTEMPTS_TABLE_NAME,
    tokenKey: tokenKeySourceFromEnv(env),
    ...(DYNAMODB_ENDPOINT === undefined ? {} : { dynamodbEndpoint: DYNAMODB_ENDPOINT }),
  };
}
