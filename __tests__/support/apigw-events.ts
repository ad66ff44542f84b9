/**
 * API Gateway HTTP API (payload 2.0) events for tests, built by the same
 * factory the local stack uses (`handlers/lib/apigw.ts`), plus shorthands for
 * the common cases.
 */
import { AUTHORIZER_CONTEXT_KEYS, type Principal } from "../../contracts/auth";
import { buildHttpApiEvent, type HttpApiEventV2, type HttpApiResultV2, type HttpRequestSpec } from "../../handlers/lib/apigw";

export { buildAuthorizerEvent, buildHttpApiEvent, type HttpRequestSpec } from "../../handlers/lib/apigw";

/** The authorizer context API Gateway passes on for a signed-in principal. */
export function authorizerContextFor(principal: Principal): Record<string, string> {
  return {
    [AUTHORIZER_CONTEXT_KEYS.email]: principal.email,
    [AUTHORIZER_CONTEXT_KEYS.role]: principal.role,
    [AUTHORIZER_CONTEXT_KEYS.name]: principal.name,
  };
}

export interface RequestOptions extends Omit<HttpRequestSpec, "method" | "path" | "body" | "authorizerContext"> {
  /** Who the authorizer said is calling. @default - anonymous (no authorizer context) */
  readonly as?: Principal;
  /** Sent as JSON with `content-type: application/json` unless it is already a string or bytes. */
  readonly body?: unknown;
}

/** An event for `method path`, with a JSON body and an authorizer context when given. */
export function apiEvent(method: string, path: string, options: RequestOptions = {}): HttpApiEventV2 {
  const { as, body, headers, ...rest } = options;
  const raw = body === undefined || typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const withType = body !== undefined && !(typeof body === "string" || body instanceof Uint8Array) ? { "content-type": "application/json" } : {};
  return buildHttpApiEvent({
    ...rest,
    method,
    path,
    headers: { ...withType, ...headers },
    ...(raw === undefined ? {} : { body: raw }),
    ...(as === undefined ? {} : { authorizerContext: authorizerContextFor(as) }),
  });
}

/** The parsed JSON body of a result. */
export function bodyOf(result: HttpApiResultV2): unknown {
  return result.body === "" ? undefined : JSON.parse(result.body);
}
