/**
 * The auth Lambda's HTTP surface: API Gateway payload 2.0 events in, results
 * out. It routes on the request's method and path itself (not on `routeKey`),
 * so it answers the same whether API Gateway has one route per endpoint or a
 * `{proxy+}` route, and it can tell 404 from 405.
 */
import { z } from "zod";
import { createUserRequestSchema, loginRequestSchema, roleSchema, updateUserRequestSchema } from "../../contracts/api";
import {
  describeError,
  errorResult,
  jsonResult,
  matchRoute,
  noContentResult,
  parseJsonBody,
  parseQuery,
  parseWith,
  principalFromAuthorizer,
  requestPath,
  type HttpApiEventV2,
  type HttpApiResultV2,
  type Route,
} from "../lib/apigw";
import type { Principal } from "../../contracts/auth";
import { ApiError } from "../lib/errors";
import { createAuthService, type AuthDeps, type AuthService } from "./service";

type Action = (service: AuthService, event: HttpApiEventV2, params: Readonly<Record<string, string>>) => Promise<HttpApiResultV2>;

const listUsersQuerySchema = z.strictObject({ role: roleSchema.optional() });
const emailParamSchema = z.strictObject({ email: createUserRequestSchema.shape.email });

/** The caller, who must be a supervisor; checked before the input, so a PIC learns nothing from validation messages. */
function supervisorFrom(event: HttpApiEventV2): Principal {
  const principal = principalFromAuthorizer(event);
  if (principal.role !== "supervisor") throw new ApiError("forbidden", "only a supervisor can manage users");
  return principal;
}

const userPath = (email: string): string => `/api/users/${encodeURIComponent(email)}`;

/** The routes exactly as API Gateway exposes them; `login` is the only one without the authorizer. */
export const AUTH_ROUTES: readonly Route<Action>[] = [
  {
    path: "/api/auth/login",
    methods: {
      POST: async (service, event) => jsonResult(200, await service.login(parseJsonBody(event, loginRequestSchema))),
    },
  },
  {
    path: "/api/auth/me",
    methods: {
      GET: async (service, event) => jsonResult(200, await service.me(principalFromAuthorizer(event))),
    },
  },
  {
    path: "/api/users",
    methods: {
      GET: async (service, event) => {
        const principal = principalFromAuthorizer(event);
        return jsonResult(200, await service.listUsers(principal, parseQuery(event, listUsersQuerySchema)));
      },
      POST: async (service, event) => {
        const principal = supervisorFrom(event);
        const user = await service.createUser(principal, parseJsonBody(event, createUserRequestSchema));
        return jsonResult(201, user, { location: userPath(user.email) });
      },
    },
  },
  {
    path: "/api/users/{email}",
    methods: {
      PATCH: async (service, event, params) => {
        const principal = supervisorFrom(event);
        const { email } = parseWith(emailParamSchema, params);
        return jsonResult(200, await service.updateUser(principal, email, parseJsonBody(event, updateUserRequestSchema)));
      },
      DELETE: async (service, event, params) => {
        const principal = supervisorFrom(event);
        const { email } = parseWith(emailParamSchema, params);
        await service.deleteUser(principal, email);
        return noContentResult();
      },
    },
  },
];

/** Builds the Lambda handler around its dependencies: the exported `handler`, the local stack and tests all use this. */
export function createAuthHandler(deps: AuthDeps): (event: HttpApiEventV2) => Promise<HttpApiResultV2> {
  const service = createAuthService(deps);
  return async (event) => {
    const started = Date.now();
    const method = event.requestContext.http.method;
    const path = requestPath(event);
    let result: HttpApiResultV2;
    try {
      const { action, params } = matchRoute(AUTH_ROUTES, method, path);
      result = await action(service, event, params);
    } catch (error) {
      if (!(error instanceof ApiError)) deps.log.error("unhandled_error", { requestId: event.requestContext.requestId, ...describeError(error) });
      result = errorResult(error);
    }
    // The path, never the body or headers: those carry passwords and tokens.
    deps.log.info("request", {
      requestId: event.requestContext.requestId,
      method,
      path,
      status: result.statusCode,
      durationMs: Date.now() - started,
    });
    return result;
  };
}

/**
 * The API Gateway route keys this Lambda serves, for the local stack's router
 * (the infrastructure declares the same list). Every one needs the authorizer
 * except {@link PUBLIC_ROUTE_KEYS}.
 */
export const AUTH_ROUTE_KEYS: readonly string[] = AUTH_ROUTES.flatMap((route) => Object.keys(route.methods).map((method) => `${method} ${route.path}`));

/** Routes API Gateway must not put behind the authorizer: signing in is how a caller gets a token. */
export const PUBLIC_ROUTE_KEYS: readonly string[] = ["POST /api/auth/login"];
