import { createTokenVerifierFor, tokenKeySourceFromEnv } from "../lib/tokens";
import type { Authenticate } from "./http/app";

/**
 * The tasks-api's own token check, the same one the API Gateway authorizer
 * runs: the service trusts no header it did not verify, so a request that
 * reaches it around the authorizer still needs a valid token.
 *
 * The key comes from `TOKEN_SIGNING_KEY_ID` (the KMS key's public half,
 * fetched once) or, locally, `LOCAL_TOKEN_KEY_FILE`.
 */
export function createProductionAuthenticate(env: Readonly<Record<string, string | undefined>>): Authenticate {
  const verifier = createTokenVerifierFor(tokenKeySourceFromEnv(env));
  return (authorizationHeader) => verifier.authenticate(authorizationHeader);
}
