/**
 * Opinionated settings of `HttpApi`, kept as data so a reviewer reads every
 * choice in one place. The routes themselves are the shared contract
 * `contracts/routes.ts` (`API_ROUTES`), which the local gateway uses too.
 */

/** Where the authorizer finds the token; a request without it gets 401 without invoking the authorizer. */
export const AUTHORIZER_IDENTITY_SOURCE = "$request.header.Authorization";

/** Seconds API Gateway may reuse an authorizer decision; at most 300 (a cached allow outlives its token by that much). */
export const AUTHORIZER_RESULT_TTL_RANGE_SECONDS = { min: 0, max: 300 } as const;

/** No caching by default: every request is checked against the token's own expiry. */
export const DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS = 0;

/**
 * The authorizer's context (`contracts/auth.ts` `AUTHORIZER_CONTEXT_KEYS`) as request
 * headers for the tasks-api. `overwrite:` (not `append:`) so a value a client
 * sends under the same name is replaced, never joined with the verified one.
 * The display name is left out: it is free text (possibly non-ASCII) and the
 * service reads it from the token it verifies anyway.
 */
export const TASK_SERVICE_REQUEST_PARAMETERS: Readonly<Record<string, string>> = {
  "overwrite:header.x-taskboard-email": "$context.authorizer.email",
  "overwrite:header.x-taskboard-role": "$context.authorizer.role",
  "overwrite:header.x-request-id": "$context.requestId",
};

/**
 * Stage access log fields, one JSON object per request. Enough to trace a
 * request (requestId is the Lambda's `requestContext.requestId` and the
 * `x-request-id` header the tasks-api receives) and to tell an authorizer refusal from an
 * integration failure; no headers, bodies or tokens.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  path: "$context.path",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationStatus: "$context.integrationStatus",
  integrationError: "$context.integrationErrorMessage",
  authorizerError: "$context.authorizer.error",
  userAgent: "$context.identity.userAgent",
};

/** CORS, when origins are configured: only what the site's requests use. */
export const CORS = {
  allowMethods: ["GET", "POST", "PATCH", "DELETE"],
  allowHeaders: ["authorization", "content-type"],
  /** Seconds a browser may cache a preflight answer. */
  maxAgeSeconds: 600,
} as const;

/** The stage every route is served from: no stage segment in the URL, so the paths match CloudFront's `/api/*`. */
export const STAGE_NAME = "$default";

/** CloudWatch namespace of HTTP API metrics; dimensions are `ApiId` and `Stage`. */
export const METRIC_NAMESPACE = "AWS/ApiGateway";
