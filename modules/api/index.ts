import { Token } from "cdktf";
import { Construct } from "constructs";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { PlatformContext } from "../core/context";
import type { NodejsFunction } from "../lambda";
import { LogGroup } from "../log-group";
import { SecurityGroup, type IConnectable } from "../security-group";
import { API_ROUTES, type ApiRoute, type RouteBackend } from "../../contracts/routes";
import {
  ACCESS_LOG_FIELDS,
  AUTHORIZER_IDENTITY_SOURCE,
  AUTHORIZER_RESULT_TTL_RANGE_SECONDS,
  CORS,
  DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
  METRIC_NAMESPACE,
  STAGE_NAME,
  TASK_SERVICE_REQUEST_PARAMETERS,
} from "./defaults";
import { originProblem } from "./private/origins";

/** What the API needs of the internal load balancer; `InternalLoadBalancer` satisfies it. */
export interface ApiLoadBalancer extends IConnectable {
  /** The listener the VPC link integration targets. */
  readonly listenerArn: string;
  readonly listenerProtocol: "HTTP" | "HTTPS";
  /** Opens the listener port to `peer` (ingress on the ALB's group, egress on the peer's). */
  allowFrom(peer: IConnectable, description: string): void;
}

/** Stage-wide request limits (API Gateway's token bucket). */
export interface ThrottlingLimits {
  /** Requests that may arrive at once (the bucket size); a whole number, at least `rateLimit`. */
  readonly burstLimit: number;
  /** Steady requests per second (the refill rate); greater than 0. */
  readonly rateLimit: number;
}

/** CloudWatch dimensions of the API's metrics (namespace `AWS/ApiGateway`). */
export interface ApiMetricDimensions {
  readonly ApiId: string;
  readonly Stage: string;
}

export interface HttpApiProps {
  /**
   * What the API serves; names the API, its log group, authorizer, VPC link and security group.
   * @default "api"
   */
  readonly purpose?: string;
  /** The auth Lambda: sign-in (public) and account management (authorized). */
  readonly authFunction: NodejsFunction;
  /** The Lambda authorizer (payload 2.0, simple responses) that guards every route but login. */
  readonly authorizerFunction: NodejsFunction;
  /** The internal ALB in front of the tasks-api; only this API's VPC link is let in. */
  readonly loadBalancer: ApiLoadBalancer;
  /** The VPC of the load balancer; the VPC link's security group lives there. */
  readonly vpcId: string;
  /** Private subnets for the VPC link's network interfaces (one per AZ the ALB uses). */
  readonly subnetIds: readonly string[];
  /** Days the stage's access log keeps events; a CloudWatch Logs retention value. */
  readonly logRetentionDays: number;
  /** Stage-wide throttling, applied to every route. */
  readonly throttling: ThrottlingLimits;
  /**
   * Exact `https://` origins allowed to call the API from a browser on another
   * origin. No wildcard, no `http://`, no `null`, no path.
   * @default [] - no CORS configuration at all: the site calls the API on its own origin through CloudFront
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * Seconds API Gateway reuses an authorizer decision for the same Authorization
   * header, 0 to 300. A cached allow outlives the token's expiry (and a
   * user's removal) by up to this long; 0 asks the authorizer every time.
   * @default 0 - no caching
   */
  readonly authorizerResultTtlSeconds?: number;
  /**
   * Host name API Gateway checks the ALB's certificate against; required when
   * the listener is HTTPS, refused when it is HTTP (nothing to verify).
   * @default - none: the listener is HTTP inside the VPC
   */
  readonly tlsServerNameToVerify?: string;
}

/**
 * An API Gateway HTTP API for the task board: the auth Lambda for sign-in and
 * accounts, the tasks-api through a VPC link to the internal ALB, a Lambda
 * authorizer on every route but `POST /api/auth/login`, JSON access logs and
 * stage throttling.
 *
 * @example
 * const api = new HttpApi(this, "api", {
 *   authFunction: auth, authorizerFunction: authorizer, loadBalancer: alb,
 *   vpcId: network.vpcId, subnetIds: network.privateSubnetIds,
 *   logRetentionDays: config.logRetentionDays, throttling: { burstLimit: 100, rateLimit: 50 },
 * });
 * // CloudFront origin: api.apiDomainName, behaviour /api/*
 */
export class HttpApi extends Construct {
  /** The API (escape hatch). */
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly authorizer: Apigatewayv2Authorizer;
  readonly vpcLink: Apigatewayv2VpcLink;
  readonly authIntegration: Apigatewayv2Integration;
  readonly tasksIntegration: Apigatewayv2Integration;
  /** Every route, by route key (`POST /api/auth/login`). */
  readonly routes: ReadonlyMap<string, Apigatewayv2Route>;

  readonly apiId: string;
  /** `https://<api id>.execute-api.<region>.amazonaws.com` */
  readonly apiEndpoint: string;
  /** The endpoint's host name without scheme: a CloudFront origin's `domain_name`. */
  readonly apiDomainName: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>`, the prefix of invoke permissions' source ARNs. */
  readonly executionArn: string;
  readonly stageName: string;
  readonly accessLogGroup: LogGroup;
  /** The VPC link's group: it may reach the ALB's listener and nothing else. */
  readonly vpcLinkSecurityGroup: SecurityGroup;
  readonly vpcLinkId: string;
  readonly metricNamespace = METRIC_NAMESPACE;
  /** `{ ApiId, Stage }`, the dimensions of the API's CloudWatch metrics. */
  readonly metricDimensions: ApiMetricDimensions;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const authorizerResultTtlSeconds = props.authorizerResultTtlSeconds ?? DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS;
    const corsAllowedOrigins = props.corsAllowedOrigins ?? [];
    this.validate(props, { authorizerResultTtlSeconds, corsAllowedOrigins });
    const platform = PlatformContext.of(this);
    const purpose = props.purpose ?? "api";
    const apiName = platform.name(purpose, { maxLength: 128 });

    this.api = new Apigatewayv2Api(this, "api", {
      name: apiName,
      description: "Task board API: sign-in and accounts (auth Lambda), tasks (tasks-api through a VPC link)",
      protocolType: "HTTP",
      // The CloudFront distribution's origin: the default endpoint must stay on.
      disableExecuteApiEndpoint: false,
      corsConfiguration:
        corsAllowedOrigins.length > 0
          ? {
              allowOrigins: [...corsAllowedOrigins],
              allowMethods: [...CORS.allowMethods],
              allowHeaders: [...CORS.allowHeaders],
              // Auth is a bearer header, never a cookie: browsers need no credentials mode.
              allowCredentials: false,
              maxAge: CORS.maxAgeSeconds,
            }
          : undefined,
    });
    this.apiId = this.api.id;
    this.apiEndpoint = this.api.apiEndpoint;
    this.executionArn = this.api.executionArn;
    this.apiDomainName = `${this.api.id}.execute-api.${platform.region}.amazonaws.com`;

    this.accessLogGroup = new LogGroup(this, "access-logs", {
      name: `/aws/apigateway/${apiName}`,
      retentionDays: props.logRetentionDays,
    });

    this.stage = new Apigatewayv2Stage(this, "stage", {
      apiId: this.api.id,
      name: STAGE_NAME,
      autoDeploy: true,
      accessLogSettings: {
        destinationArn: this.accessLogGroup.logGroupArn,
        format: JSON.stringify(ACCESS_LOG_FIELDS),
      },
      defaultRouteSettings: {
        throttlingBurstLimit: props.throttling.burstLimit,
        throttlingRateLimit: props.throttling.rateLimit,
        detailedMetricsEnabled: true,
      },
    });
    this.stageName = this.stage.name;
    this.metricDimensions = { ApiId: this.api.id, Stage: this.stage.name };

    // ---- authorizer -----------------------------------------------------
    this.authorizer = new Apigatewayv2Authorizer(this, "authorizer", {
      apiId: this.api.id,
      name: platform.name(`${purpose}-authorizer`, { maxLength: 128 }),
      authorizerType: "REQUEST",
      authorizerUri: props.authorizerFunction.invokeArn,
      authorizerPayloadFormatVersion: "2.0",
      enableSimpleResponses: true,
      identitySources: [AUTHORIZER_IDENTITY_SOURCE],
      // Always explicit: the provider's default is 300, and 0 is what turns caching off.
      authorizerResultTtlInSeconds: authorizerResultTtlSeconds,
    });
    props.authorizerFunction.grantInvoke(
      "apigateway.amazonaws.com",
      `${this.api.executionArn}/authorizers/${this.authorizer.id}`,
      `${purpose}-authorizer`,
    );

    // ---- auth Lambda ----------------------------------------------------
    this.authIntegration = new Apigatewayv2Integration(this, "auth-integration", {
      apiId: this.api.id,
      description: "auth Lambda",
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: props.authFunction.invokeArn,
      payloadFormatVersion: "2.0",
    });

    // ---- tasks-api through the VPC link ------------------------------------
    this.vpcLinkSecurityGroup = new SecurityGroup(this, "vpc-link-security-group", {
      vpcId: props.vpcId,
      purpose: `${purpose}-vpc-link`,
      description: `API Gateway VPC link of ${apiName}; reaches only the internal ALB listener`,
    });
    props.loadBalancer.allowFrom(this.vpcLinkSecurityGroup, `API Gateway VPC link of ${apiName} to the internal ALB`);
    this.vpcLink = new Apigatewayv2VpcLink(this, "vpc-link", {
      name: platform.name(`${purpose}-vpc-link`, { maxLength: 128 }),
      securityGroupIds: [this.vpcLinkSecurityGroup.securityGroupId],
      subnetIds: [...props.subnetIds],
    });
    this.vpcLinkId = this.vpcLink.id;
    this.tasksIntegration = new Apigatewayv2Integration(this, "tasks-integration", {
      apiId: this.api.id,
      description: "tasks-api through the VPC link to the internal ALB",
      integrationType: "HTTP_PROXY",
      connectionType: "VPC_LINK",
      connectionId: this.vpcLink.id,
      integrationMethod: "ANY",
      integrationUri: props.loadBalancer.listenerArn,
      // HTTP proxy integrations support only 1.0.
      payloadFormatVersion: "1.0",
      requestParameters: { ...TASK_SERVICE_REQUEST_PARAMETERS },
      tlsConfig: props.tlsServerNameToVerify ? { serverNameToVerify: props.tlsServerNameToVerify } : undefined,
    });

    // ---- routes ---------------------------------------------------------
    // Exactly the shared route table: no `$default` route, so any other path is API Gateway's 404.
    const integrations: Readonly<Record<RouteBackend, Apigatewayv2Integration>> = {
      auth: this.authIntegration,
      tasks: this.tasksIntegration,
    };
    const routes = new Map<string, Apigatewayv2Route>();
    const apiRoutes: readonly ApiRoute[] = API_ROUTES;
    for (const route of apiRoutes) {
      routes.set(
        route.routeKey,
        new Apigatewayv2Route(this, `route-${slug(route.routeKey)}`, {
          apiId: this.api.id,
          routeKey: route.routeKey,
          target: `integrations/${integrations[route.backend].id}`,
          ...(route.authorized
            ? { authorizationType: "CUSTOM", authorizerId: this.authorizer.id }
            : { authorizationType: "NONE" }),
        }),
      );
      // One invoke permission per Lambda route, scoped to this API, the route's method and its path.
      if (route.backend === "auth") {
        props.authFunction.grantInvoke(
          "apigateway.amazonaws.com",
          `${this.api.executionArn}/*/${sourceArnRoute(route.routeKey)}`,
          `${purpose}-${slug(route.routeKey)}`,
        );
      }
    }
    this.routes = routes;
  }

  private validate(
    props: HttpApiProps,
    values: { authorizerResultTtlSeconds: number; corsAllowedOrigins: readonly string[] },
  ): void {
    const path = this.node.path;
    const listenerIsHttps = props.loadBalancer.listenerProtocol === "HTTPS";
    if (listenerIsHttps && props.tlsServerNameToVerify === undefined) {
      throw new Error(
        `${path}: the load balancer's listener is HTTPS but tlsServerNameToVerify is not set; pass the host name on the ` +
          "ALB's certificate (e.g. api.internal.example.com) so API Gateway verifies whom it talks to",
      );
    }
    if (!listenerIsHttps && props.tlsServerNameToVerify !== undefined) {
      throw new Error(
        `${path}: tlsServerNameToVerify "${props.tlsServerNameToVerify}" is set but the load balancer's listener is HTTP; ` +
          "give the ALB a certificateArn (HTTPS listener) or drop tlsServerNameToVerify",
      );
    }
    const { burstLimit, rateLimit } = props.throttling;
    if (!Number.isInteger(burstLimit) || burstLimit < 1) {
      throw new Error(`${path}: throttling.burstLimit ${burstLimit} must be a whole number, at least 1 (requests admitted at once, e.g. 100)`);
    }
    if (!Number.isFinite(rateLimit) || rateLimit <= 0) {
      throw new Error(`${path}: throttling.rateLimit ${rateLimit} must be greater than 0 (steady requests per second, e.g. 50)`);
    }
    if (burstLimit < rateLimit) {
      throw new Error(
        `${path}: throttling.burstLimit ${burstLimit} is below throttling.rateLimit ${rateLimit}; the burst (bucket size) ` +
          "must hold at least one second of the rate, or a one-second spike at the configured rate is refused. " +
          "Raise burstLimit (or check the two are not swapped)",
      );
    }
    const ttl = values.authorizerResultTtlSeconds;
    const range = AUTHORIZER_RESULT_TTL_RANGE_SECONDS;
    if (!Number.isInteger(ttl) || ttl < range.min || ttl > range.max) {
      throw new Error(
        `${path}: authorizerResultTtlSeconds ${ttl} is out of range; use a whole number from ${range.min} to ${range.max} ` +
          "(a cached allow outlives an expired token by up to this long; 0 turns caching off)",
      );
    }
    const seen = new Set<string>();
    for (const origin of values.corsAllowedOrigins) {
      const problem = originProblem(origin);
      if (problem !== undefined) {
        throw new Error(`${path}: corsAllowedOrigins entry "${origin}" ${problem}`);
      }
      if (seen.has(origin)) {
        throw new Error(`${path}: corsAllowedOrigins lists "${origin}" twice; list each origin once`);
      }
      seen.add(origin);
    }
    if (!Token.isUnresolved(props.subnetIds)) {
      if (props.subnetIds.length === 0) {
        throw new Error(`${path}: subnetIds is empty; pass the private subnets the VPC link should use (one per AZ of the ALB)`);
      }
      if (new Set(props.subnetIds).size !== props.subnetIds.length) {
        throw new Error(`${path}: subnetIds [${props.subnetIds.join(", ")}] lists a subnet twice; pass each subnet once`);
      }
    }
  }
}

/** `PATCH /api/users/{email}` → `patch-api-users-email`: construct ids and permission statement ids. */
function slug(routeKey: string): string {
  return routeKey
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * `PATCH /api/users/{email}` → `PATCH/api/users/*`: the `<method>/<path>` tail of
 * the source ARN API Gateway presents when it invokes the route's Lambda. Path
 * variables become `*` (the ARN carries the request's own value there), and
 * `ANY` becomes `*` (it carries the request's method).
 */
function sourceArnRoute(routeKey: string): string {
  const [method = "", routePath = ""] = routeKey.split(" ");
  const pathPattern = routePath.replace(/\{[^}]+\}/g, "*");
  return `${method === "ANY" ? "*" : method}${pathPattern}`;
}
