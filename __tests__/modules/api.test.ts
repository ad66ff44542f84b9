import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { HttpApi, type HttpApiProps } from "../../modules/api";
import { InternalLoadBalancer } from "../../modules/alb";
import { NodejsFunction } from "../../modules/lambda";
import { AUTH_ROUTE_KEYS, PUBLIC_ROUTE_KEYS } from "../../handlers/auth/app";
import { API_ROUTES } from "../../contracts/routes";
import { synth, testStack, type Synthesized } from "../support/synth";

const ENTRY = "__tests__/fixtures/lambda/hello/index.ts";
const SUBNETS = ["subnet-aaa", "subnet-bbb"];
const CERT = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab";

const AUTHORIZED_ROUTE_KEYS = [
  "GET /api/auth/me",
  "GET /api/users",
  "POST /api/users",
  "PATCH /api/users/{email}",
  "DELETE /api/users/{email}",
  "ANY /api/tasks",
  "ANY /api/tasks/{proxy+}",
];

interface Built {
  readonly stack: TerraformStack;
  readonly api: HttpApi;
  readonly alb: InternalLoadBalancer;
}

function build(props: Partial<HttpApiProps> = {}, albProps: { certificateArn?: string } = {}): Built {
  const stack = testStack();
  const auth = new NodejsFunction(stack, "auth", { purpose: "auth", entry: ENTRY, logRetentionDays: 30 });
  const authorizer = new NodejsFunction(stack, "authorizer", { purpose: "authorizer", entry: ENTRY, logRetentionDays: 30 });
  const alb = new InternalLoadBalancer(stack, "alb", { vpcId: "vpc-1", subnetIds: SUBNETS, ...albProps });
  const api = new HttpApi(stack, "api", {
    authFunction: auth,
    authorizerFunction: authorizer,
    loadBalancer: alb,
    vpcId: "vpc-1",
    subnetIds: SUBNETS,
    logRetentionDays: 30,
    throttling: { burstLimit: 200, rateLimit: 100 },
    ...props,
  });
  return { stack, api, alb };
}

/** Logical id of the one resource of a type under a construct path. */
function logicalId(out: Synthesized, type: string, path: string): string {
  const prefix = `${path.replaceAll("/", "_")}_`;
  const ids = Object.keys(out.resources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} under ${path}, found ${ids.length}`);
  return ids[0]!;
}

const ref = (type: string, id: string, attribute: string): string => `\${${type}.${id}.${attribute}}`;

function routesByKey(out: Synthesized): Map<string, Record<string, unknown>> {
  return new Map(Object.values(out.resources("aws_apigatewayv2_route")).map((route) => [route.route_key as string, route]));
}

describe("HttpApi", () => {
  it("serves exactly the task board's routes, with no $default catch-all", () => {
    const out = synth(build().stack);
    const keys = [...routesByKey(out).keys()].sort();
    expect(keys).toEqual(["POST /api/auth/login", ...AUTHORIZED_ROUTE_KEYS].sort());
    expect(keys).not.toContain("$default");
  });

  it("creates the shared route table (contracts/routes.ts) route for route: backend and authorizer", () => {
    const out = synth(build().stack);
    const integrationId = (name: string) =>
      ref("aws_apigatewayv2_integration", logicalId(out, "aws_apigatewayv2_integration", `api/${name}-integration`), "id");
    const routes = routesByKey(out);
    expect(routes.size).toBe(API_ROUTES.length);
    for (const route of API_ROUTES) {
      expect(routes.get(route.routeKey), route.routeKey).toMatchObject({
        target: `integrations/${integrationId(route.backend)}`,
        authorization_type: route.authorized ? "CUSTOM" : "NONE",
      });
    }
  });

  it("exposes every route the auth Lambda implements, and only login without the authorizer (contract with handlers/auth)", () => {
    const routes = routesByKey(synth(build().stack));
    for (const key of AUTH_ROUTE_KEYS) expect(routes.has(key), key).toBe(true);
    const publicKeys = [...routes].filter(([, route]) => route.authorization_type === "NONE").map(([key]) => key);
    expect(publicKeys).toEqual([...PUBLIC_ROUTE_KEYS]);
  });

  it("puts the Lambda authorizer on every route but POST /api/auth/login", () => {
    const out = synth(build().stack);
    const authorizerId = ref("aws_apigatewayv2_authorizer", logicalId(out, "aws_apigatewayv2_authorizer", "api/authorizer"), "id");
    const routes = routesByKey(out);
    for (const key of AUTHORIZED_ROUTE_KEYS) {
      expect(routes.get(key), key).toMatchObject({ authorization_type: "CUSTOM", authorizer_id: authorizerId });
    }
    const login = routes.get("POST /api/auth/login");
    expect(login).toMatchObject({ authorization_type: "NONE" });
    expect(login).not.toHaveProperty("authorizer_id");
  });

  it("sends login, account and user routes to the auth Lambda (AWS_PROXY, payload 2.0)", () => {
    const out = synth(build().stack);
    const authIntegration = logicalId(out, "aws_apigatewayv2_integration", "api/auth-integration");
    const functionId = logicalId(out, "aws_lambda_function", "auth/function");
    expect(out.resources("aws_apigatewayv2_integration")[authIntegration]).toMatchObject({
      integration_type: "AWS_PROXY",
      integration_method: "POST",
      integration_uri: ref("aws_lambda_function", functionId, "invoke_arn"),
      payload_format_version: "2.0",
    });
    const target = `integrations/${ref("aws_apigatewayv2_integration", authIntegration, "id")}`;
    const routes = routesByKey(out);
    for (const key of ["POST /api/auth/login", ...AUTHORIZED_ROUTE_KEYS.filter((k) => !k.includes("/api/tasks"))]) {
      expect(routes.get(key)?.target, key).toBe(target);
    }
  });

  it("sends task routes through the VPC link to the ALB listener (HTTP_PROXY, payload 1.0) with the authorizer's verified context as headers", () => {
    const out = synth(build().stack);
    const tasksIntegration = logicalId(out, "aws_apigatewayv2_integration", "api/tasks-integration");
    const vpcLink = logicalId(out, "aws_apigatewayv2_vpc_link", "api/vpc-link");
    const listener = logicalId(out, "aws_lb_listener", "alb/listener");
    const integration = out.resources("aws_apigatewayv2_integration")[tasksIntegration]!;
    expect(integration).toMatchObject({
      integration_type: "HTTP_PROXY",
      connection_type: "VPC_LINK",
      connection_id: ref("aws_apigatewayv2_vpc_link", vpcLink, "id"),
      integration_method: "ANY",
      integration_uri: ref("aws_lb_listener", listener, "arn"),
      payload_format_version: "1.0",
    });
    // overwrite:, never append:, so a client cannot smuggle its own identity header next to the verified one.
    expect(integration.request_parameters).toEqual({
      "overwrite:header.x-taskboard-email": "$context.authorizer.email",
      "overwrite:header.x-taskboard-role": "$context.authorizer.role",
      "overwrite:header.x-request-id": "$context.requestId",
    });
    expect(integration).not.toHaveProperty("tls_config");
    const target = `integrations/${ref("aws_apigatewayv2_integration", tasksIntegration, "id")}`;
    const routes = routesByKey(out);
    expect(routes.get("ANY /api/tasks")?.target).toBe(target);
    expect(routes.get("ANY /api/tasks/{proxy+}")?.target).toBe(target);
  });

  it("verifies the ALB's certificate name when the listener is HTTPS", () => {
    const { stack } = build({ tlsServerNameToVerify: "api.internal.example.com" }, { certificateArn: CERT });
    const out = synth(stack);
    const integration = out.resources("aws_apigatewayv2_integration")[logicalId(out, "aws_apigatewayv2_integration", "api/tasks-integration")];
    expect(integration?.tls_config).toEqual({ server_name_to_verify: "api.internal.example.com" });
  });

  it("uses a REQUEST authorizer with simple responses, payload 2.0, the Authorization header and no caching by default", () => {
    const out = synth(build().stack);
    const functionId = logicalId(out, "aws_lambda_function", "authorizer/function");
    expect(out.resource("aws_apigatewayv2_authorizer")).toMatchObject({
      name: "taskboard-test-api-authorizer",
      authorizer_type: "REQUEST",
      authorizer_uri: ref("aws_lambda_function", functionId, "invoke_arn"),
      authorizer_payload_format_version: "2.0",
      enable_simple_responses: true,
      identity_sources: ["$request.header.Authorization"],
      authorizer_result_ttl_in_seconds: 0,
    });
  });

  it("caches authorizer decisions for the configured TTL", () => {
    const out = synth(build({ authorizerResultTtlSeconds: 60 }).stack);
    expect(out.resource("aws_apigatewayv2_authorizer")).toMatchObject({ authorizer_result_ttl_in_seconds: 60 });
  });

  it("lets API Gateway invoke the Lambdas only from this API, per route and through the authorizer id", () => {
    const out = synth(build().stack);
    const apiId = logicalId(out, "aws_apigatewayv2_api", "api");
    const executionArn = ref("aws_apigatewayv2_api", apiId, "execution_arn");
    const permissions = Object.values(out.resources("aws_lambda_permission"));
    for (const permission of permissions) {
      expect(permission).toMatchObject({ action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com" });
      // The API id position is this API's execution ARN, never a wildcard.
      expect(permission.source_arn).toMatch(new RegExp(`^${executionArn.replace(/[$.{}]/g, "\\$&")}/`));
    }
    const authFunction = ref("aws_lambda_function", logicalId(out, "aws_lambda_function", "auth/function"), "function_name");
    const authSourceArns = permissions.filter((p) => p.function_name === authFunction).map((p) => p.source_arn);
    expect(authSourceArns.sort()).toEqual(
      [
        "POST/api/auth/login",
        "GET/api/auth/me",
        "GET/api/users",
        "POST/api/users",
        "PATCH/api/users/*",
        "DELETE/api/users/*",
      ]
        .map((tail) => `${executionArn}/*/${tail}`)
        .sort(),
    );
    const authorizerFunction = ref("aws_lambda_function", logicalId(out, "aws_lambda_function", "authorizer/function"), "function_name");
    const authorizerId = ref("aws_apigatewayv2_authorizer", logicalId(out, "aws_apigatewayv2_authorizer", "api/authorizer"), "id");
    expect(permissions.filter((p) => p.function_name === authorizerFunction).map((p) => p.source_arn)).toEqual([
      `${executionArn}/authorizers/${authorizerId}`,
    ]);
  });

  it("auto-deploys the $default stage with JSON access logs to an encrypted log group with retention", () => {
    const out = synth(build().stack);
    const logGroupId = logicalId(out, "aws_cloudwatch_log_group", "api/access-logs");
    const logGroup = out.resources("aws_cloudwatch_log_group")[logGroupId];
    expect(logGroup).toMatchObject({
      name: "/aws/apigateway/taskboard-test-api",
      retention_in_days: 30,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs-key_.*\.arn\}$/),
    });
    const stage = out.resource("aws_apigatewayv2_stage");
    expect(stage).toMatchObject({
      name: "$default",
      auto_deploy: true,
      access_log_settings: { destination_arn: ref("aws_cloudwatch_log_group", logGroupId, "arn") },
    });
    const format = JSON.parse((stage.access_log_settings as { format: string }).format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      requestTime: "$context.requestTime",
      httpMethod: "$context.httpMethod",
      routeKey: "$context.routeKey",
      status: "$context.status",
      protocol: "$context.protocol",
      responseLength: "$context.responseLength",
      responseLatency: "$context.responseLatency",
      integrationError: "$context.integrationErrorMessage",
      authorizerError: "$context.authorizer.error",
    });
    // Nothing that could carry a credential.
    expect(Object.values(format).join(" ")).not.toMatch(/authorization|header|body/i);
  });

  it("throttles every route with the configured limits and turns on detailed metrics", () => {
    const out = synth(build({ throttling: { burstLimit: 50, rateLimit: 20.5 } }).stack);
    expect(out.resource("aws_apigatewayv2_stage").default_route_settings).toEqual({
      throttling_burst_limit: 50,
      throttling_rate_limit: 20.5,
      detailed_metrics_enabled: true,
    });
  });

  it("has no CORS configuration by default (the site is same-origin through CloudFront)", () => {
    const api = synth(build().stack).resource("aws_apigatewayv2_api");
    expect(api).toMatchObject({ name: "taskboard-test-api", protocol_type: "HTTP" });
    expect(api).not.toHaveProperty("cors_configuration");
  });

  it("allows exactly the configured origins, without credentials, and only the methods and headers the site uses", () => {
    const origins = ["https://app.example.com", "https://admin.example.com:8443"];
    const api = synth(build({ corsAllowedOrigins: origins }).stack).resource("aws_apigatewayv2_api");
    expect(api.cors_configuration).toEqual({
      allow_origins: origins,
      allow_methods: ["GET", "POST", "PATCH", "DELETE"],
      allow_headers: ["authorization", "content-type"],
      allow_credentials: false,
      max_age: 600,
    });
  });

  it("gives the VPC link its own security group in the private subnets, the only peer the ALB admits", () => {
    const out = synth(build().stack);
    const linkGroup = ref("aws_security_group", logicalId(out, "aws_security_group", "api/vpc-link-security-group"), "id");
    const albGroup = ref("aws_security_group", logicalId(out, "aws_security_group", "alb/security-group"), "id");
    expect(out.resource("aws_apigatewayv2_vpc_link")).toMatchObject({
      name: "taskboard-test-api-vpc-link",
      security_group_ids: [linkGroup],
      subnet_ids: SUBNETS,
    });
    const ingress = Object.values(out.resources("aws_vpc_security_group_ingress_rule"));
    expect(ingress).toEqual([
      expect.objectContaining({ security_group_id: albGroup, referenced_security_group_id: linkGroup, ip_protocol: "tcp", from_port: 80, to_port: 80 }),
    ]);
    // The link's group may open connections to the ALB's listener and nowhere else, and admits nothing.
    const linkEgress = Object.values(out.resources("aws_vpc_security_group_egress_rule")).filter((r) => r.security_group_id === linkGroup);
    expect(linkEgress).toEqual([
      expect.objectContaining({ referenced_security_group_id: albGroup, ip_protocol: "tcp", from_port: 80, to_port: 80 }),
    ]);
    expect(ingress.filter((r) => r.security_group_id === linkGroup)).toEqual([]);
  });

  it("exposes the endpoint, the host name for a CloudFront origin and the metric dimensions", () => {
    const { api } = build();
    expect(api.apiDomainName).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}\.execute-api\.ap-northeast-2\.amazonaws\.com$/);
    expect(api.metricNamespace).toBe("AWS/ApiGateway");
    expect(Object.keys(api.metricDimensions)).toEqual(["ApiId", "Stage"]);
    expect(api.routes.size).toBe(8);
  });

  describe("validation", () => {
    it.each([
      ["a * origin", "*", /wildcard/],
      ["a wildcard subdomain origin", "https://*.example.com", /wildcard/],
      ["an http:// origin", "http://app.example.com", /plain http/],
      ["an http://localhost origin", "http://localhost:5173", /plain http/],
      ["the null origin", "null", /"null" origin/],
      ["an origin with a trailing slash", "https://app.example.com/", /not an exact origin/],
      ["an origin with a path", "https://app.example.com/app", /not an exact origin/],
      ["an origin with upper-case letters", "https://App.example.com", /not an exact origin/],
      ["an origin with another scheme", "ftp://app.example.com", /not an https:\/\/ origin/],
    ])("throws when corsAllowedOrigins has %s", (_case, origin, message) => {
      expect(() => build({ corsAllowedOrigins: [origin] })).toThrow(message);
    });

    it("throws when corsAllowedOrigins lists an origin twice", () => {
      expect(() => build({ corsAllowedOrigins: ["https://a.example.com", "https://a.example.com"] })).toThrow(/twice/);
    });

    it("throws when throttling.burstLimit is not a positive whole number", () => {
      expect(() => build({ throttling: { burstLimit: 0, rateLimit: 10 } })).toThrow(/api: throttling.burstLimit 0 must be a whole number, at least 1/);
      expect(() => build({ throttling: { burstLimit: 10.5, rateLimit: 10 } })).toThrow(/burstLimit 10.5/);
    });

    it("throws when throttling.rateLimit is not positive", () => {
      expect(() => build({ throttling: { burstLimit: 10, rateLimit: 0 } })).toThrow(/throttling.rateLimit 0 must be greater than 0/);
      expect(() => build({ throttling: { burstLimit: 10, rateLimit: -1 } })).toThrow(/rateLimit -1/);
    });

    it("throws when throttling.burstLimit is below rateLimit", () => {
      expect(() => build({ throttling: { burstLimit: 50, rateLimit: 100 } })).toThrow(/burstLimit 50 is below throttling.rateLimit 100/);
    });

    it("throws when authorizerResultTtlSeconds is above 300 or not a whole number of seconds", () => {
      expect(() => build({ authorizerResultTtlSeconds: 301 })).toThrow(/authorizerResultTtlSeconds 301 is out of range; use a whole number from 0 to 300/);
      expect(() => build({ authorizerResultTtlSeconds: -1 })).toThrow(/authorizerResultTtlSeconds -1/);
      expect(() => build({ authorizerResultTtlSeconds: 1.5 })).toThrow(/authorizerResultTtlSeconds 1.5/);
    });

    it("throws when the listener is HTTPS and tlsServerNameToVerify is missing", () => {
      expect(() => build({}, { certificateArn: CERT })).toThrow(/listener is HTTPS but tlsServerNameToVerify is not set/);
    });

    it("throws when tlsServerNameToVerify is set for an HTTP listener", () => {
      expect(() => build({ tlsServerNameToVerify: "api.internal.example.com" })).toThrow(/listener is HTTP; give the ALB a certificateArn/);
    });

    it("throws when subnetIds is empty", () => {
      expect(() => build({ subnetIds: [] })).toThrow(/subnetIds is empty/);
    });

    it("throws when subnetIds lists a subnet twice", () => {
      expect(() => build({ subnetIds: ["subnet-aaa", "subnet-aaa"] })).toThrow(/lists a subnet twice/);
    });
  });
});
