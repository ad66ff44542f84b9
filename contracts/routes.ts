/**
 * The API's routes as API Gateway declares them: which backend serves each,
 * and whether the authorizer runs first. The api module creates exactly these
 * routes; the local gateway (`npm start`) routes with the same table; the auth
 * Lambda's own router is tested against it.
 */

export type RouteBackend =
  /** The auth Lambda, through a Lambda proxy integration (payload 2.0). */
  | "auth"
  /** The tasks-api service, through the VPC link to the internal ALB. */
  | "tasks";

export interface ApiRoute {
  /** API Gateway route key: `<METHOD> <path>`, path parameters in braces, `{proxy+}` greedy. */
  readonly routeKey: string;
  readonly backend: RouteBackend;
  /** False only where a caller cannot have a token yet. */
  readonly authorized: boolean;
}

export const API_ROUTES = [
  { routeKey: "POST /api/auth/login", backend: "auth", authorized: false },
  { routeKey: "GET /api/auth/me", backend: "auth", authorized: true },
  { routeKey: "GET /api/users", backend: "auth", authorized: true },
  { routeKey: "POST /api/users", backend: "auth", authorized: true },
  { routeKey: "PATCH /api/users/{email}", backend: "auth", authorized: true },
  { routeKey: "DELETE /api/users/{email}", backend: "auth", authorized: true },
  { routeKey: "ANY /api/tasks", backend: "tasks", authorized: true },
  { routeKey: "ANY /api/tasks/{proxy+}", backend: "tasks", authorized: true },
] as const satisfies readonly ApiRoute[];

export interface RouteMatch {
  readonly route: ApiRoute;
  /** Path parameters by name; `proxy` holds the greedy remainder. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

/**
 * Selects the route for a request the way HTTP APIs do: an exact method beats
 * `ANY`, and a path without a greedy parameter beats one with it.
 * Returns undefined when no route matches (API Gateway answers 404).
 */
export function matchApiRoute(method: string, path: string, routes: readonly ApiRoute[] = API_ROUTES): RouteMatch | undefined {
  const candidates: { match: RouteMatch; score: number }[] = [];
  for (const route of routes) {
    const [routeMethod, routePath] = route.routeKey.split(" ") as [string, string];
    if (routeMethod !== "ANY" && routeMethod !== method.toUpperCase()) continue;
    const pathParameters = matchPath(routePath, path);
    if (!pathParameters) continue;
    const greedy = routePath.includes("+}");
    candidates.push({ match: { route, pathParameters }, score: (routeMethod === "ANY" ? 0 : 2) + (greedy ? 0 : 1) });
  }
  candidates.sort((a, b) => b.score - a.score);
  return candidates[0]?.match;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const templateParts = template.split("/").filter(Boolean);
  const pathParts = path.split("/").filter(Boolean);
  const parameters: Record<string, string> = {};
  for (let index = 0; index < templateParts.length; index += 1) {
    const part = templateParts[index]!;
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy) {
      if (index >= pathParts.length) return undefined;
      parameters[greedy[1]!] = pathParts.slice(index).map(decodeURIComponent).join("/");
      return parameters;
    }
    const value = pathParts[index];
    if (value === undefined) return undefined;
    const parameter = /^\{(\w+)\}$/.exec(part);
    if (parameter) parameters[parameter[1]!] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return pathParts.length === templateParts.length ? parameters : undefined;
}
