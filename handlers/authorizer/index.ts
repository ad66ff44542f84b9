/**
 * Lambda entry of the API Gateway authorizer (bundle entry
 * `handlers/authorizer/index.ts`, export `handler`). Configuration:
 * `TOKEN_SIGNING_KEY_ID` (KMS; needs kms:GetPublicKey) or `LOCAL_TOKEN_KEY_FILE`,
 * and optionally `KMS_ENDPOINT`. The public key is fetched once per cold start.
 */
import { jsonLineLogger, type AuthorizerSimpleResultV2, type HttpApiAuthorizerEventV2 } from "../lib/apigw";
import { createTokenVerifierFor, tokenKeySourceFromEnv } from "../lib/tokens";
import { createAuthorizerHandler } from "./authorizer";

let cold: ((event: HttpApiAuthorizerEventV2) => Promise<AuthorizerSimpleResultV2>) | undefined;

export async function handler(event: HttpApiAuthorizerEventV2): Promise<AuthorizerSimpleResultV2> {
  cold ??= createAuthorizerHandler({ verifier: createTokenVerifierFor(tokenKeySourceFromEnv(process.env)), log: jsonLineLogger });
  return cold(event);
}
