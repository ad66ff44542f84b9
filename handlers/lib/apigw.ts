/**
 * API Gateway HTTP API (payload format 2.0) shapes and helpers shared by the
 * Lambdas behind it and by the local stack, which builds the same events.
 *
 * The types are written here rather than taken from `@types/aws-lambda` to keep
 * the runtime free of a dependency that only ships types; they follow
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * and .../http-api-lambda-authorizer.html field for field.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { AUTHORIZER_CONTEXT_KEYS, type Principal } from "../../contracts/auth";
import { LIMITS, fieldProblems, roleSchema } from "../../contracts/api";
import { ApiError, errorResponse } from "./errors";

// ---- event and result shapes ---------------------------------------------

export interface HttpApiRequestContextV2 {
  readonly accountId: string;
  readonly apiId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly http: {
    readonly method: string;
    readonly path: string;
    readonly protocol: string;
    readonly sourceIp: string;
    readonly userAgent: string;
  };
  readonly requestId: string;
  readonly routeKey: string;
  readonly stage: string;
  /** `12/Mar/2020:19:03:58 +0000` */
  readonly time: string;
  readonly timeEpoch: number;
}

/** What a Lambda authorizer with simple responses hands the integration: its `context`, under `lambda`. */
export interface LambdaAuthorizerContextV2 {
  readonly lambda?: Readonly<Record<string, unknown>>;
}

/** The request as payload format 2.0 describes it, to a Lambda integration and to an authorizer alike. */
interface HttpApiRequestV2 {
  readonly version: "2.0";
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: readonly string[];
  /** Lower-case names; repeated headers are joined with commas. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly stageVariables?: Readonly<Record<string, string | undefined>>;
}

/** An HTTP API request delivered to a Lambda integration with payload format 2.0. */
export interface HttpApiEventV2 extends HttpApiRequestV2 {
  readonly requestContext: HttpApiRequestContextV2 & { readonly authorizer?: LambdaAuthorizerContextV2 };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** What a Lambda integration returns; API Gateway turns it into the HTTP response. */
export interface HttpApiResultV2 {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded?: boolean;
}

/** A Lambda authorizer's input (payload format 2.0, `REQUEST` type). */
export interface HttpApiAuthorizerEventV2 extends HttpApiRequestV2 {
  readonly type: "REQUEST";
  /** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` */
  readonly routeArn: string;
  /** The values of the configured identity sources, e.g. the Authorization header. */
  readonly identitySource: readonly string[];
  readonly requestContext: HttpApiRequestContextV2;
}

/** A Lambda authorizer's simple response (`enable_simple_responses`). */
export interface AuthorizerSimpleResultV2 {
  readonly isAuthorized: boolean;
  readonly context?: Readonly<Record<string, string | number | boolean>>;
}

// ---- building events (local stack, tests) --------------------------------

export interface HttpRequestSpec {
  readonly method: string;
  /** The path as the client sent it, without the query string (`/api/users/a%40b.c`). */
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** A string body is passed as text; bytes are base64-encoded as API Gateway does for binary bodies. */
  readonly body?: string | Uint8Array;
  /** The matched route (`PATCH /api/users/{email}`). @default - `<METHOD> <path>` */
  readonly routeKey?: string;
  /** Values of the matched route's `{name}` segments, decoded. @default - none */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The authorizer's `context` for this request. @default - no authorizer ran */
  readonly authorizerContext?: Readonly<Record<string, string | number | boolean>>;
  /** @default "$default" - a named stage prefixes rawPath with `/<stage>` */
  readonly stage?: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
  /** @default - now */
  readonly time?: Date;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** API Gateway's `requestContext.time` format: `12/Mar/2020:19:03:58 +0000`. */
function requestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Lower-cases names, drops undefined values and splits out cookies, as API Gateway does. */
function normaliseHeaders(headers: Readonly<Record<string, string | undefined>>): { headers: Record<string, string>; cookies?: string[] } {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    result[key] = result[key] === undefined ? value : `${result[key]},${value}`;
  }
  const cookieHeader = result.cookie;
  delete result.cookie;
  return cookieHeader === undefined ? { headers: result } : { headers: result, cookies: cookieHeader.split(/;\s*/).filter((c) => c.length > 0) };
}

/** `a=1&a=2&b=x` → `{ a: "1,2", b: "x" }` (API Gateway joins repeated parameters with commas). */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === "") return undefined;
  const result: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    result[name] = result[name] === undefined ? value : `${result[name]},${value}`;
  }
  return result;
}

function requestContext(spec: HttpRequestSpec, rawPath: string, routeKey: string): HttpApiRequestContextV2 {
  const time = spec.time ?? new Date();
  const apiId = "local";
  return {
    accountId: "000000000000",
    apiId,
    domainName: `${apiId}.execute-api.localhost`,
    domainPrefix: apiId,
    http: {
      method: spec.method.toUpperCase(),
      path: rawPath,
      protocol: "HTTP/1.1",
      sourceIp: spec.sourceIp ?? "127.0.0.1",
      userAgent: spec.headers?.["user-agent"] ?? spec.headers?.["User-Agent"] ?? "",
    },
    requestId: spec.requestId ?? randomUUID(),
    routeKey,
    stage: spec.stage ?? "$default",
    time: requestTime(time),
    timeEpoch: time.getTime(),
  };
}

function rawPathOf(spec: HttpRequestSpec): string {
  const stage = spec.stage ?? "$default";
  return stage === "$default" ? spec.path : `/${stage}${spec.path}`;
}

/** Builds the event API Gateway sends a Lambda integration (payload format 2.0) for one request. */
export function buildHttpApiEvent(spec: HttpRequestSpec): HttpApiEventV2 {
  const method = spec.method.toUpperCase();
  const rawPath = rawPathOf(spec);
  const routeKey = spec.routeKey ?? `${method} ${spec.path}`;
  const { headers, cookies } = normaliseHeaders(spec.headers ?? {});
  const rawQueryString = spec.query ?? "";
  const query = queryParameters(rawQueryString);
  const body =
    spec.body === undefined
      ? undefined
      : typeof spec.body === "string"
        ? { body: spec.body, isBase64Encoded: false }
        : { body: Buffer.from(spec.body).toString("base64"), isBase64Encoded: true };
  const context = requestContext(spec, rawPath, routeKey);
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(spec.pathParameters && Object.keys(spec.pathParameters).length > 0 ? { pathParameters: spec.pathParameters } : {}),
    requestContext: spec.authorizerContext ? { ...context, authorizer: { lambda: spec.authorizerContext } } : context,
    ...(body ? { body: body.body } : {}),
    isBase64Encoded: body?.isBase64Encoded ?? false,
  };
}

/**
 * Builds the event API Gateway sends a Lambda authorizer for one request, with
 * the `Authorization` header as the identity source (`$request.header.Authorization`).
 */
export function buildAuthorizerEvent(spec: Omit<HttpRequestSpec, "body" | "authorizerContext">): HttpApiAuthorizerEventV2 {
  const method = spec.method.toUpperCase();
  const rawPath = rawPathOf(spec);
  const routeKey = spec.routeKey ?? `${method} ${spec.path}`;
  const { headers, cookies } = normaliseHeaders(spec.headers ?? {});
  const rawQueryString = spec.query ?? "";
  const query = queryParameters(rawQueryString);
  const context = requestContext(spec, rawPath, routeKey);
  const authorization = headers.authorization;
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: `arn:aws:execute-api:local:${context.accountId}:${context.apiId}/${context.stage}/${method}${spec.path}`,
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(spec.pathParameters && Object.keys(spec.pathParameters).length > 0 ? { pathParameters: spec.pathParameters } : {}),
    requestContext: context,
  };
}

// ---- reading requests -----------------------------------------------------

/** The request path without a named stage's prefix (`/dev/api/users` → `/api/users`). */
export function requestPath(event: HttpApiEventV2): string {
  const { stage } = event.requestContext;
  const prefix = `/${stage}`;
  if (stage !== "$default" && (event.rawPath === prefix || event.rawPath.startsWith(`${prefix}/`))) {
    return event.rawPath.slice(prefix.length) || "/";
  }
  return event.rawPath;
}

/** Decoded body size without decoding it: base64 carries 3 bytes per 4 characters. */
function bodyBytes(event: HttpApiEventV2): number {
  const body = event.body ?? "";
  if (!event.isBase64Encoded) return Buffer.byteLength(body, "utf8");
  const padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/**
 * Reads a JSON body and validates it with a contract schema, in the order that
 * keeps bad input cheap: size (413, before anything is decoded), content type
 * (415), JSON syntax (400), then the schema (400 naming each field).
 */
export function parseJsonBody<S extends z.ZodType>(event: HttpApiEventV2, schema: S, maxBytes: number = LIMITS.bodyBytes): z.output<S> {
  if (bodyBytes(event) > maxBytes) {
    throw new ApiError("payload_too_large", `request body must be at most ${maxBytes} bytes`);
  }
  if (event.body === undefined || event.body === "") {
    throw new ApiError("bad_request", "request body is required: a JSON object");
  }
  if (!isJsonContentType(event.headers["content-type"])) {
    throw new ApiError("unsupported_media_type", "send the body as JSON with content-type: application/json");
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "request body is not valid JSON");
  }
  return parseWith(schema, json);
}

/** Validates the query string parameters with a contract schema. */
export function parseQuery<S extends z.ZodType>(event: HttpApiEventV2, schema: S): z.output<S> {
  return parseWith(schema, { ...(event.queryStringParameters ?? {}) });
}

/** Validates any input with a schema; a failure is a 400 naming each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ApiError.validation(fieldProblems(result.error));
  return result.data;
}

/**
 * The signed-in user as the authorizer described them. API Gateway only
 * invokes a protected route after the authorizer allowed it, but a route wired
 * without the authorizer must not become an open door: no context, no access.
 */
export function principalFromAuthorizer(event: HttpApiEventV2): Principal {
  const context = event.requestContext.authorizer?.lambda;
  const email = context?.[AUTHORIZER_CONTEXT_KEYS.email];
  const role = roleSchema.safeParse(context?.[AUTHORIZER_CONTEXT_KEYS.role]);
  const name = context?.[AUTHORIZER_CONTEXT_KEYS.name];
  if (typeof email !== "string" || email === "" || !role.success || typeof name !== "string") {
    throw new ApiError("unauthorized", "sign in first", undefined, { "WWW-Authenticate": "Bearer" });
  }
  return { email, role: role.data, name };
}

// ---- routing --------------------------------------------------------------

/** One path (API Gateway's `{name}` template syntax) and what each method does on it. */
export interface Route<A> {
  readonly path: string;
  readonly methods: Readonly<Partial<Record<string, A>>>;
}

export interface RouteMatch<A> {
  readonly action: A;
  /** Decoded values of the path's `{name}` segments. */
  readonly params: Readonly<Record<string, string>>;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split("/");
  const actual = path.split("/");
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] ?? "";
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (name === undefined) {
      if (segment !== value) return undefined;
      continue;
    }
    if (value === "") return undefined;
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** Finds the route for a request: 404 when no path matches, 405 with `Allow` when the method does not. */
export function matchRoute<A>(routes: readonly Route<A>[], method: string, path: string): RouteMatch<A> {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    const action = route.methods[method.toUpperCase()];
    if (action === undefined) throw ApiError.methodNotAllowed(Object.keys(route.methods));
    return { action, params };
  }
  throw new ApiError("not_found", `no route for ${method.toUpperCase()} ${path}`);
}

// ---- responses ------------------------------------------------------------

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  // Responses carry tokens and account data: no shared or browser cache may keep them.
  "cache-control": "no-store",
} as const;

export function jsonResult(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): HttpApiResultV2 {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function noContentResult(): HttpApiResultV2 {
  return { statusCode: 204, headers: { "cache-control": "no-store" }, body: "" };
}

/** The response for any thrown value; a non-ApiError is a 500 that reveals nothing. */
export function errorResult(error: unknown): HttpApiResultV2 {
  const { status, body, headers } = errorResponse(error);
  return jsonResult(status, body, headers);
}

// ---- logging --------------------------------------------------------------

/** One structured log event; callers must never put secrets, passwords, tokens or hashes in it. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Writes one JSON line per event to stdout/stderr, which Lambda ships to CloudWatch Logs. */
export const jsonLineLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: "info", message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: "warn", message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: "error", message, ...fields })),
};

/** What to log about an unexpected error: its kind and message, never the request. */
export function describeError(error: unknown): LogFields {
  return error instanceof Error ? { errorName: error.name, errorMessage: error.message } : { errorName: typeof error };
}
