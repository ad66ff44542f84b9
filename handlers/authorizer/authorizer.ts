/**
 * The API Gateway HTTP API Lambda authorizer (payload 2.0, simple responses):
 * verifies the `Authorization: Bearer <token>` header and hands the backends
 * the principal as `context` (`$context.authorizer.email`, `.role`, `.name`).
 */
import { AUTHORIZER_CONTEXT_KEYS } from "../../contracts/auth";
import { describeError, type AuthorizerSimpleResultV2, type HttpApiAuthorizerEventV2, type Logger } from "../lib/apigw";
import { TokenRejectedError, type TokenVerifier } from "../lib/tokens";

export interface AuthorizerDeps {
  readonly verifier: TokenVerifier;
  readonly log: Logger;
}

const DENY: AuthorizerSimpleResultV2 = { isAuthorized: false };

/**
 * A bad token is a `{ isAuthorized: false }` (API Gateway answers 403), never a
 * throw. Only an outage, such as KMS refusing GetPublicKey, throws: API
 * Gateway then answers 500 and the Lambda's error metric shows it.
 */
export function createAuthorizerHandler(deps: AuthorizerDeps): (event: HttpApiAuthorizerEventV2) => Promise<AuthorizerSimpleResultV2> {
  return async (event) => {
    const header = event.headers.authorization ?? event.identitySource[0];
    try {
      const principal = await deps.verifier.authenticate(header);
      return {
        isAuthorized: true,
        context: {
          [AUTHORIZER_CONTEXT_KEYS.email]: principal.email,
          [AUTHORIZER_CONTEXT_KEYS.role]: principal.role,
          [AUTHORIZER_CONTEXT_KEYS.name]: principal.name,
        },
      };
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        // The reason only: the token itself is a credential.
        deps.log.info("token_rejected", { requestId: event.requestContext.requestId, reason: error.reason, routeKey: event.routeKey });
        return DENY;
      }
      deps.log.error("authorizer_failed", { requestId: event.requestContext.requestId, ...describeError(error) });
      throw error;
    }
  };
}
