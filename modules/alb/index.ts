import { Token } from "cdktf";
import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { PlatformContext } from "../core/context";
import { SecureBucket } from "../bucket";
import { SecurityGroup, type IConnectable } from "../security-group";
import {
  DEFAULT_ACCESS_LOG_EXPIRE_DAYS,
  DEFAULT_ACCESS_LOG_PREFIX,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  DEFAULT_TARGET_PORT,
  DEREGISTRATION_DELAY_SECONDS,
  HEALTH_CHECK,
  IDLE_TIMEOUT_RANGE_SECONDS,
  LISTENER_PORTS,
  TLS_SECURITY_POLICY,
} from "./defaults";
import { logDeliveryPrincipal } from "./private/log-delivery";

/** What the ALB speaks to its targets. */
export type TargetProtocol = "HTTP" | "HTTPS";

export interface AccessLogsOptions {
  /**
   * Deliver into this bucket instead of creating one. It must use SSE-S3
   * (`{ type: "s3-managed" }`): ALB log delivery cannot write to SSE-KMS buckets.
   * @default - a new SSE-S3 `SecureBucket` of this load balancer's own
   */
  readonly bucket?: SecureBucket;
  /**
   * Key prefix, without leading or trailing `/`; ELB appends `/AWSLogs/<account id>/...`.
   * @default "alb"
   */
  readonly prefix?: string;
  /**
   * Days before log objects expire. Only for the bucket this construct creates
   * (a bucket you pass keeps its own lifecycle).
   * @default 90
   */
  readonly expireAfterDays?: number;
  /**
   * Let `terraform destroy` delete the created log bucket while it still holds logs.
   * @default false - destroy fails until the logs are removed by hand
   */
  readonly forceDestroy?: boolean;
}

export interface InternalLoadBalancerProps {
  readonly vpcId: string;
  /** Private subnets in at least two Availability Zones (ALB requires two). */
  readonly subnetIds: readonly string[];
  /**
   * What the load balancer fronts; names the ALB, its target group and security group.
   * @default "api"
   */
  readonly purpose?: string;
  /**
   * Container port the targets (ECS awsvpc task IPs) listen on.
   * @default 8080
   */
  readonly targetPort?: number;
  /**
   * How the ALB talks to the targets, health checks included. `HTTPS`
   * encrypts the last hop; the target may serve any certificate, even a
   * self-signed one made at start, because an ALB verifies none.
   * @default "HTTPS"
   */
  readonly targetProtocol?: TargetProtocol;
  /**
   * Path the target health check requests; only HTTP 200 counts as healthy.
   * @default "/health"
   */
  readonly healthCheckPath?: string;
  /**
   * Refuse API deletion of the load balancer. Turn off only where the
   * environment is disposable (dev).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * ACM certificate (same Region) for an HTTPS listener on 443 with TLS 1.2/1.3.
   * Without one the listener is plain HTTP on 80: traffic from API Gateway's
   * VPC link into the ALB is then unencrypted inside the VPC (guardrail
   * TB-ALB-5 fails it unless waived).
   * @default - HTTP listener on port 80
   */
  readonly certificateArn?: string;
  /** @default - logs to a new SSE-S3 bucket under `alb/`, expired after 90 days */
  readonly accessLogs?: AccessLogsOptions;
  /**
   * Seconds an idle connection stays open.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
}

/**
 * An internal Application Load Balancer for one ECS service, reached only from
 * inside the VPC (API Gateway's VPC link).
 *
 * Hardened beyond AWS defaults: invalid header fields dropped, strictest
 * desync mitigation, access logs always on, deletion protection on unless
 * turned off, and a security group that admits nobody until `allowFrom`.
 *
 * @example
 * const alb = new InternalLoadBalancer(this, "api-alb", { vpcId, subnetIds: privateSubnetIds });
 * alb.allowFrom(vpcLink, "API Gateway VPC link to ALB");
 * service.securityGroup.allowFrom(alb, alb.targetPort, "ALB to task API");
 */
export class InternalLoadBalancer extends Construct implements IConnectable {
  readonly loadBalancer: Lb;
  readonly listener: LbListener;
  readonly targetGroup: LbTargetGroup;
  readonly securityGroup: SecurityGroup;
  readonly accessLogsBucket: SecureBucket;

  readonly loadBalancerArn: string;
  /** `app/<name>/<id>`, the `LoadBalancer` dimension of CloudWatch metrics. */
  readonly loadBalancerArnSuffix: string;
  readonly loadBalancerDnsName: string;
  readonly listenerArn: string;
  readonly listenerPort: number;
  readonly listenerProtocol: "HTTP" | "HTTPS";
  readonly targetGroupArn: string;
  /** `targetgroup/<name>/<id>`, the `TargetGroup` dimension of CloudWatch metrics. */
  readonly targetGroupArnSuffix: string;
  /** The port targets listen on; the service's security group must admit it from this ALB. */
  readonly targetPort: number;
  /** What the targets must serve on `targetPort`. */
  readonly targetProtocol: TargetProtocol;

  constructor(scope: Construct, id: string, props: InternalLoadBalancerProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    const purpose = props.purpose ?? "api";
    const targetPort = props.targetPort ?? DEFAULT_TARGET_PORT;
    const healthCheckPath = props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
    const idleTimeoutSeconds = props.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
    const logs = props.accessLogs ?? {};
    const logPrefix = logs.prefix ?? DEFAULT_ACCESS_LOG_PREFIX;
    this.validate(props, { targetPort, healthCheckPath, idleTimeoutSeconds, logPrefix }, platform.region);

    this.targetPort = targetPort;
    this.targetProtocol = props.targetProtocol ?? "HTTPS";
    this.listenerProtocol = props.certificateArn ? "HTTPS" : "HTTP";
    this.listenerPort = props.certificateArn ? LISTENER_PORTS.https : LISTENER_PORTS.http;

    this.securityGroup = new SecurityGroup(this, "security-group", {
      vpcId: props.vpcId,
      purpose: `${purpose}-alb`,
      description: `Internal ALB for ${purpose}; admits only peers added with allowFrom`,
    });

    this.accessLogsBucket =
      logs.bucket ??
      new SecureBucket(this, "access-logs", {
        purpose: `${purpose}-alb-logs`,
        encryption: { type: "s3-managed" },
        expireAfterDays: logs.expireAfterDays ?? DEFAULT_ACCESS_LOG_EXPIRE_DAYS,
        forceDestroy: logs.forceDestroy ?? false,
      });
    this.accessLogsBucket.addToResourcePolicy({
      sid: `AlbAccessLogs${pascalCase(purpose)}`,
      actions: ["s3:PutObject"],
      resources: [`${this.accessLogsBucket.bucketArn}/${logPrefix}/AWSLogs/${platform.accountId}/*`],
      principals: [logDeliveryPrincipal(platform.region, platform.partition)],
    });

    this.loadBalancer = new Lb(this, "load-balancer", {
      name: platform.name(purpose, { maxLength: 32 }),
      internal: true,
      loadBalancerType: "application",
      ipAddressType: "ipv4",
      subnets: [...props.subnetIds],
      securityGroups: [this.securityGroup.securityGroupId],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: props.deletionProtection ?? true,
      enableHttp2: true,
      idleTimeout: idleTimeoutSeconds,
      accessLogs: { bucket: this.accessLogsBucket.bucketName, prefix: logPrefix, enabled: true },
      // ELB test-writes to the bucket when logging is enabled; without the
      // policy in place first, creating the load balancer fails with Access Denied.
      dependsOn: [this.accessLogsBucket.bucketPolicy],
    });

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      // Port and protocol are part of the name so a change of either (which replaces
      // the group) can create the new group before the listener lets go of the old.
      name: platform.name(`${purpose}-${this.targetProtocol === "HTTPS" ? "tls-" : ""}${targetPort}`, { maxLength: 32 }),
      vpcId: props.vpcId,
      targetType: "ip",
      protocol: this.targetProtocol,
      port: targetPort,
      deregistrationDelay: String(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        enabled: true,
        protocol: this.targetProtocol,
        port: "traffic-port",
        path: healthCheckPath,
        matcher: HEALTH_CHECK.matcher,
        interval: HEALTH_CHECK.intervalSeconds,
        timeout: HEALTH_CHECK.timeoutSeconds,
        healthyThreshold: HEALTH_CHECK.healthyThreshold,
        unhealthyThreshold: HEALTH_CHECK.unhealthyThreshold,
      },
      lifecycle: { createBeforeDestroy: true },
    });

    this.listener = new LbListener(this, "listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: this.listenerPort,
      protocol: this.listenerProtocol,
      ...(props.certificateArn ? { certificateArn: props.certificateArn, sslPolicy: TLS_SECURITY_POLICY } : {}),
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });

    this.loadBalancerArn = this.loadBalancer.arn;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.loadBalancerDnsName = this.loadBalancer.dnsName;
    this.listenerArn = this.listener.arn;
    this.targetGroupArn = this.targetGroup.arn;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
  }

  /** Lets `peer` (API Gateway's VPC link) connect to the listener port. */
  allowFrom(peer: IConnectable, description: string): void {
    this.securityGroup.allowFrom(peer, this.listenerPort, description);
  }

  private validate(
    props: InternalLoadBalancerProps,
    values: { targetPort: number; healthCheckPath: string; idleTimeoutSeconds: number; logPrefix: string },
    region: string,
  ): void {
    const path = this.node.path;
    const logs = props.accessLogs ?? {};
    if (logs.bucket && logs.expireAfterDays !== undefined) {
      throw new Error(
        `${path}: accessLogs.expireAfterDays applies only to the bucket this construct creates; ` +
          "set the expiry on the bucket you pass (SecureBucket expireAfterDays) or drop accessLogs.bucket",
      );
    }
    if (logs.bucket && logs.forceDestroy !== undefined) {
      throw new Error(
        `${path}: accessLogs.forceDestroy applies only to the bucket this construct creates; ` +
          "set forceDestroy on the bucket you pass or drop accessLogs.bucket",
      );
    }
    if (logs.bucket?.encryptionKey) {
      throw new Error(
        `${path}: accessLogs.bucket ${logs.bucket.node.path} is SSE-KMS encrypted, and ALB access logs can only be ` +
          'delivered to SSE-S3 buckets; create it with encryption: { type: "s3-managed" } or omit accessLogs.bucket',
      );
    }
    if (!Token.isUnresolved(props.subnetIds)) {
      if (props.subnetIds.length < 2) {
        throw new Error(
          `${path}: subnetIds has ${props.subnetIds.length} subnet(s); an Application Load Balancer needs ` +
            "private subnets in at least 2 Availability Zones, pass one private subnet per AZ",
        );
      }
      if (new Set(props.subnetIds).size !== props.subnetIds.length) {
        throw new Error(`${path}: subnetIds [${props.subnetIds.join(", ")}] lists a subnet twice; pass each subnet once`);
      }
    }
    const port = values.targetPort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${path}: targetPort ${port} is not a TCP port; use a whole number from 1 to 65535 (the container port, e.g. 8080)`);
    }
    const healthCheckPath = values.healthCheckPath;
    if (!/^\/[\x21-\x7e]*$/.test(healthCheckPath) || healthCheckPath.length > 1024) {
      throw new Error(
        `${path}: healthCheckPath "${healthCheckPath}" must start with "/" and hold at most 1024 printable characters ` +
          'without spaces; use a path such as "/health"',
      );
    }
    const idle = values.idleTimeoutSeconds;
    if (!Number.isInteger(idle) || idle < IDLE_TIMEOUT_RANGE_SECONDS.min || idle > IDLE_TIMEOUT_RANGE_SECONDS.max) {
      throw new Error(
        `${path}: idleTimeoutSeconds ${idle} is out of range; use a whole number from ` +
          `${IDLE_TIMEOUT_RANGE_SECONDS.min} to ${IDLE_TIMEOUT_RANGE_SECONDS.max} (default ${DEFAULT_IDLE_TIMEOUT_SECONDS})`,
      );
    }
    const prefix = values.logPrefix;
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix) || /AWSLogs/i.test(prefix)) {
      throw new Error(
        `${path}: accessLogs.prefix "${prefix}" must be S3 key-safe words joined by "/", with no leading or trailing "/" ` +
          'and without "AWSLogs" (ELB adds that part itself); use a prefix such as "alb/api"',
      );
    }
    const expire = logs.expireAfterDays;
    if (expire !== undefined && (!Number.isInteger(expire) || expire < 1)) {
      throw new Error(`${path}: accessLogs.expireAfterDays ${expire} must be a whole number of days, at least 1 (default ${DEFAULT_ACCESS_LOG_EXPIRE_DAYS})`);
    }
    const cert = props.certificateArn;
    if (cert !== undefined && !Token.isUnresolved(cert)) {
      const pattern = new RegExp(`^arn:aws:acm:${region}:\\d{12}:certificate/[0-9a-f-]+$`);
      if (!pattern.test(cert)) {
        throw new Error(
          `${path}: certificateArn "${cert}" is not an ACM certificate in ${region}; an ALB listener needs a certificate ` +
            `from the load balancer's own Region, e.g. arn:aws:acm:${region}:111122223333:certificate/<id>`,
        );
      }
    }
  }
}

function pascalCase(word: string): string {
  return word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
