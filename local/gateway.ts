import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { matchApiRoute } from "../contracts/routes";
import { AUTHORIZER_CONTEXT_KEYS } from "../contracts/auth";
import {
  buildAuthorizerEvent,
  buildHttpApiEvent,
  type AuthorizerSimpleResultV2,
  type HttpApiAuthorizerEventV2,
  type HttpApiEventV2,
  type HttpApiResultV2,
} from "../handlers/lib/apigw";

/**
 * The local stand-in for CloudFront + API Gateway: serves the built site the
 * way the distribution does, and routes `/api` with the same route table,
 * the same authorizer and the same integrations as the HTTP API:
 * auth routes invoke the auth Lambda handler with a payload 2.0 event; task
 * routes are proxied to the tasks-api process as the VPC link does.
 */
export interface GatewayDeps {
  /** Directory of the built site (`dist/site`); undefined serves only the API. */
  readonly siteDir?: string;
  readonly auth: (event: HttpApiEventV2) => Promise<HttpApiResultV2>;
  readonly authorizer: (event: HttpApiAuthorizerEventV2) => Promise<AuthorizerSimpleResultV2>;
  /** Base URL of the tasks-api (`http://127.0.0.1:<port>`). */
  readonly tasksApiUrl: string;
  /** Response headers the distribution adds to every response (CSP, HSTS...). */
  readonly securityHeaders?: Readonly<Record<string, string>>;
  readonly log?: (line: Record<string, unknown>) => void;
}

/** API Gateway's own payload limit for HTTP APIs; the backends enforce their smaller ones. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"]);

/** Headers the HTTP API sets on task requests from the authorizer's context (see modules/api). */
export const FORWARDED_IDENTITY_HEADERS = { email: "x-taskboard-email", role: "x-taskboard-role", requestId: "x-request-id" } as const;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

export function createGatewayHandler(deps: GatewayDeps): (request: IncomingMessage, response: ServerResponse) => void {
  const log = deps.log ?? (() => undefined);
  return (request, response) => {
    for (const [name, value] of Object.entries(deps.securityHeaders ?? {})) response.setHeader(name, value);
    const url = new URL(request.url ?? "/", "http://localhost");
    const started = Date.now();
    const handled = url.pathname === "/api" || url.pathname.startsWith("/api/") ? handleApi(deps, request, response, url) : serveSite(deps, request, response, url);
    handled
      .catch((error: unknown) => {
        log({ event: "gateway.error", path: url.pathname, error: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent) sendJson(response, 500, { message: "Internal Server Error" });
        else response.destroy();
      })
      .finally(() => log({ event: "gateway.request", method: request.method, path: url.pathname, status: response.statusCode, ms: Date.now() - started }));
  };
}

async function handleApi(deps: GatewayDeps, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const method = (request.method ?? "GET").toUpperCase();
  const match = matchApiRoute(method, url.pathname);
  if (!match) return sendJson(response, 404, { message: "Not Found" });
  const body = await readBody(request);
  if (body === "too-large") return sendJson(response, 413, { message: "Request Entity Too Large" });
  const headers = flatHeaders(request);
  const spec = {
    method,
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    routeKey: match.route.routeKey,
    pathParameters: match.pathParameters,
    sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
  };

  let authorizerContext: Readonly<Record<string, string | number | boolean>> | undefined;
  if (match.route.authorized) {
    // HTTP APIs answer 401 without calling the authorizer when the identity source is absent.
    if (!headers.authorization) return sendJson(response, 401, { message: "Unauthorized" });
    const decision = await deps.authorizer(buildAuthorizerEvent(spec));
    if (!decision.isAuthorized) return sendJson(response, 403, { message: "Forbidden" });
    authorizerContext = decision.context ?? {};
  }

  if (match.route.backend === "auth") {
    const event = buildHttpApiEvent({
      ...spec,
      ...(body.length > 0 ? { body: isText(headers["content-type"]) ? body.toString("utf8") : body } : {}),
      ...(authorizerContext ? { authorizerContext } : {}),
    });
    return writeLambdaResult(response, await deps.auth(event));
  }
  return proxyToTasksApi(deps.tasksApiUrl, request, response, url, body, authorizerContext);
}

function proxyToTasksApi(
  baseUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: Buffer,
  authorizerContext: Readonly<Record<string, string | number | boolean>> | undefined,
): Promise<void> {
  const target = new URL(`${url.pathname}${url.search}`, baseUrl);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(flatHeaders(request))) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  // `overwrite:` in the integration's request parameters: a client cannot smuggle its own identity headers.
  delete headers[FORWARDED_IDENTITY_HEADERS.email];
  delete headers[FORWARDED_IDENTITY_HEADERS.role];
  if (authorizerContext) {
    headers[FORWARDED_IDENTITY_HEADERS.email] = String(authorizerContext[AUTHORIZER_CONTEXT_KEYS.email] ?? "");
    headers[FORWARDED_IDENTITY_HEADERS.role] = String(authorizerContext[AUTHORIZER_CONTEXT_KEYS.role] ?? "");
  }
  headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(target, { method: request.method, headers }, (upstreamResponse) => {
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstreamResponse.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) responseHeaders[name] = value;
      }
      response.writeHead(upstreamResponse.statusCode ?? 502, responseHeaders);
      upstreamResponse.pipe(response);
      upstreamResponse.on("end", resolve);
      upstreamResponse.on("error", reject);
    });
    upstream.on("error", () => {
      // What API Gateway answers when the integration is unreachable.
      if (!response.headersSent) sendJson(response, 503, { message: "Service Unavailable" });
      resolve();
    });
    upstream.end(body);
  });
}

/**
 * Serves the built site like the distribution: hashed assets cached for a
 * year, `index.html` never cached, and extension-less paths (deep links)
 * answered with `index.html`, as the site behaviour's CloudFront Function does.
 */
async function serveSite(deps: GatewayDeps, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  if (!deps.siteDir) return sendJson(response, 404, { message: "the site is not built; run `npm run build:site`" });
  if (request.method !== "GET" && request.method !== "HEAD") return sendJson(response, 405, { message: "Method Not Allowed" });
  const decoded = decodeURIComponent(url.pathname);
  const wanted = decoded.endsWith("/") || extname(decoded) === "" ? "/index.html" : decoded;
  const file = normalize(join(deps.siteDir, wanted));
  if (!file.startsWith(normalize(deps.siteDir) + sep)) return sendJson(response, 404, { message: "Not Found" });
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return sendJson(response, 404, { message: "Not Found" });
    size = stats.size;
  } catch {
    return sendJson(response, 404, { message: "Not Found" });
  }
  response.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": String(size),
    "cache-control": wanted === "/index.html" ? "no-cache" : wanted.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=300",
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on("error", reject).on("end", resolve).pipe(response);
  });
}

function writeLambdaResult(response: ServerResponse, result: HttpApiResultV2): void {
  const headers: Record<string, string> = { ...(result.headers ?? {}) };
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  headers["content-length"] = String(body.length);
  response.writeHead(result.statusCode, headers);
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > MAX_PAYLOAD_BYTES) return "too-large";
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function flatHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

function isText(contentType: string | undefined): boolean {
  return contentType === undefined || /^(text\/|application\/(json|x-www-form-urlencoded))/i.test(contentType);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  response.end(text);
}
