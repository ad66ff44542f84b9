/**
 * Lambda entry of the auth service (bundle entry `handlers/auth/index.ts`,
 * export `handler`). Wires the real dependencies once per cold start.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { jsonLineLogger, type HttpApiEventV2, type HttpApiResultV2 } from "../lib/apigw";
import { createTokenSigner } from "../lib/tokens";
import { createAuthHandler } from "./app";
import { loadAuthConfig } from "./config";
import { dynamoLoginThrottle } from "./login-throttle";
import { createPasswordHasher } from "./passwords";
import { dynamoUsersStore } from "./users-store";

let cold: ((event: HttpApiEventV2) => Promise<HttpApiResultV2>) | undefined;

function coldStart(): (event: HttpApiEventV2) => Promise<HttpApiResultV2> {
  const config = loadAuthConfig(process.env);
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient(config.dynamodbEndpoint === undefined ? {} : { endpoint: config.dynamodbEndpoint }),
  );
  const passwords = createPasswordHasher();
  // Computed now so the first unknown-email sign-in is not slower than the rest.
  passwords.dummyHash().catch(() => undefined);
  return createAuthHandler({
    users: dynamoUsersStore(documents, config.usersTableName),
    throttle: dynamoLoginThrottle(documents, config.loginAttemptsTableName),
    passwords,
    signer: createTokenSigner(config.tokenKey),
    clock: () => new Date(),
    log: jsonLineLogger,
  });
}

export async function handler(event: HttpApiEventV2): Promise<HttpApiResultV2> {
  cold ??= coldStart();
  return cold(event);
}
