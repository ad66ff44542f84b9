import { describe, expect, it } from "vitest";
import { API_ROUTES, matchApiRoute } from "../../contracts/routes";
import { AUTH_ROUTE_KEYS, PUBLIC_ROUTE_KEYS } from "../../handlers/auth/app";

describe("API route table", () => {
  it("lists exactly the routes the auth Lambda serves, behind the authorizer except sign-in", () => {
    const authRoutes = API_ROUTES.filter((r) => r.backend === "auth");
    expect(authRoutes.map((r) => r.routeKey).sort()).toEqual([...AUTH_ROUTE_KEYS].sort());
    expect(API_ROUTES.filter((r) => !r.authorized).map((r) => r.routeKey)).toEqual([...PUBLIC_ROUTE_KEYS]);
  });

  it("matches path parameters and the greedy proxy", () => {
    expect(matchApiRoute("PATCH", "/api/users/pic%40example.com")).toEqual({
      route: { routeKey: "PATCH /api/users/{email}", backend: "auth", authorized: true },
      pathParameters: { email: "pic@example.com" },
    });
    expect(matchApiRoute("GET", "/api/tasks/42/events")?.pathParameters).toEqual({ proxy: "42/events" });
    expect(matchApiRoute("POST", "/api/tasks")?.route.routeKey).toBe("ANY /api/tasks");
  });

  it("finds no route for unknown paths or methods the table lacks, as API Gateway answers 404", () => {
    expect(matchApiRoute("GET", "/api/nothing")).toBeUndefined();
    expect(matchApiRoute("PUT", "/api/auth/login")).toBeUndefined();
    expect(matchApiRoute("GET", "/api/users/a/b")).toBeUndefined();
  });
});
