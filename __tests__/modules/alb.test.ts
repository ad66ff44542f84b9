import { describe, expect, it } from "vitest";
import { App, Testing, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PlatformContext } from "../../modules/core/context";
import { InternalLoadBalancer, type InternalLoadBalancerProps } from "../../modules/alb";
import { SecureBucket } from "../../modules/bucket";
import { SecurityGroup } from "../../modules/security-group";
import { TEST_ACCOUNT, synth, testStack } from "../support/synth";

const SUBNETS = ["subnet-aaa", "subnet-bbb"];
const CERT = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab";

function build(props: Partial<InternalLoadBalancerProps> = {}, stack: TerraformStack = testStack()) {
  const alb = new InternalLoadBalancer(stack, "alb", { vpcId: "vpc-1", subnetIds: SUBNETS, ...props });
  return { stack, alb };
}

/** A stack in a Region launched after August 2022 (or unknown to the map). */
function stackInRegion(region: string): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "test");
  PlatformContext.set(stack, { app: "taskboard", environment: "test", accountId: TEST_ACCOUNT, region });
  new AwsProvider(stack, "aws", { region });
  return stack;
}

function logStatement(stack: TerraformStack): Record<string, unknown> | undefined {
  return synth(stack)
    .policyStatements("alb/access-logs/policy")
    .find((s) => s.sid === "AlbAccessLogsApi");
}

describe("InternalLoadBalancer", () => {
  it("is an internal application load balancer that drops invalid headers and mitigates desync strictly", () => {
    const { stack } = build();
    const lb = synth(stack).resource("aws_lb");
    expect(lb).toMatchObject({
      name: "taskboard-test-api",
      internal: true,
      load_balancer_type: "application",
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
      enable_http2: true,
      enable_deletion_protection: true,
      idle_timeout: 60,
      subnets: SUBNETS,
      security_groups: [expect.stringContaining("aws_security_group.alb_security-group_")],
    });
  });

  it("follows the deletionProtection and idleTimeoutSeconds props", () => {
    const { stack } = build({ deletionProtection: false, idleTimeoutSeconds: 120 });
    expect(synth(stack).resource("aws_lb")).toMatchObject({ enable_deletion_protection: false, idle_timeout: 120 });
  });

  it("delivers access logs to its own SSE-S3 bucket, after the bucket policy exists, and expires them", () => {
    const { stack } = build();
    const out = synth(stack);
    const lb = out.resource("aws_lb");
    expect(lb.access_logs).toEqual({
      bucket: expect.stringContaining("aws_s3_bucket.alb_access-logs_bucket"),
      prefix: "alb",
      enabled: true,
    });
    expect(lb.depends_on).toEqual([expect.stringContaining("aws_s3_bucket_policy.alb_access-logs_bucket-policy")]);
    expect(Object.keys(out.resources("aws_kms_key"))).toHaveLength(0);
    const rule = (out.resource("aws_s3_bucket_server_side_encryption_configuration").rule as Record<string, unknown>[])[0];
    expect(rule).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } });
    const lifecycle = (out.resource("aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[])[0];
    expect(lifecycle).toMatchObject({ expiration: [{ days: 90 }] });
    expect(out.resource("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_policy: true, restrict_public_buckets: true });
  });

  it("takes the log expiry and prefix from accessLogs", () => {
    const { stack } = build({ accessLogs: { expireAfterDays: 30, prefix: "alb/api" } });
    const out = synth(stack);
    expect(out.resource("aws_lb").access_logs).toMatchObject({ prefix: "alb/api" });
    const lifecycle = (out.resource("aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[])[0];
    expect(lifecycle).toMatchObject({ expiration: [{ days: 30 }] });
    expect(logStatement(stack)?.resources).toEqual([expect.stringMatching(/\.arn\}\/alb\/api\/AWSLogs\/123456789012\/\*$/)]);
  });

  it("admits only Seoul's Elastic Load Balancing account, only under <prefix>/AWSLogs/<account>/ in ap-northeast-2", () => {
    const { stack } = build();
    const statement = logStatement(stack);
    expect(statement).toEqual({
      sid: "AlbAccessLogsApi",
      effect: "Allow",
      actions: ["s3:PutObject"],
      resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.alb_access-logs_bucket_[A-Z0-9]+\.arn\}\/alb\/AWSLogs\/123456789012\/\*$/)],
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::600734575887:root"] }],
    });
  });

  it("admits the log delivery service principal in a Region launched after August 2022", () => {
    const { stack } = build({}, stackInRegion("ap-southeast-4"));
    const statement = logStatement(stack);
    expect(statement?.principals).toEqual([{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }]);
    expect(statement?.resources).toEqual([expect.stringMatching(/\.arn\}\/alb\/AWSLogs\/123456789012\/\*$/)]);
    expect(JSON.stringify(statement)).not.toContain(":root");
  });

  it("adds its delivery statement to a log bucket it is given", () => {
    const stack = testStack();
    const shared = new SecureBucket(stack, "shared-logs", { purpose: "logs", encryption: { type: "s3-managed" } });
    const { alb } = build({ accessLogs: { bucket: shared } }, stack);
    const out = synth(stack);
    expect(alb.accessLogsBucket).toBe(shared);
    expect(Object.keys(out.resources("aws_s3_bucket"))).toHaveLength(1);
    expect(out.policyStatements("shared-logs/policy").map((s) => s.sid)).toContain("AlbAccessLogsApi");
  });

  it("listens on HTTP 80 without a certificate", () => {
    const { stack, alb } = build();
    const listener = synth(stack).resource("aws_lb_listener");
    expect(listener).toMatchObject({
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "forward", target_group_arn: expect.stringContaining("aws_lb_target_group.alb_target-group") }],
    });
    expect(listener).not.toHaveProperty("certificate_arn");
    expect(alb.listenerPort).toBe(80);
    expect(alb.listenerProtocol).toBe("HTTP");
  });

  it("listens on HTTPS 443 with a TLS 1.2/1.3 policy when given a certificate", () => {
    const { stack, alb } = build({ certificateArn: CERT });
    expect(synth(stack).resource("aws_lb_listener")).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      certificate_arn: CERT,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(alb.listenerPort).toBe(443);
  });

  it("forwards to IP targets over HTTPS on the container port with a health check and a short deregistration delay", () => {
    const { stack, alb } = build({ targetPort: 3000, healthCheckPath: "/healthz" });
    expect(alb.targetProtocol).toBe("HTTPS");
    expect(synth(stack).resource("aws_lb_target_group")).toMatchObject({
      name: "taskboard-test-api-tls-3000",
      target_type: "ip",
      protocol: "HTTPS",
      port: 3000,
      vpc_id: "vpc-1",
      deregistration_delay: "30",
      health_check: {
        enabled: true,
        path: "/healthz",
        matcher: "200",
        protocol: "HTTPS",
        port: "traffic-port",
        interval: 15,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
      lifecycle: { create_before_destroy: true },
    });
  });

  it("speaks plain HTTP to targets only when asked, under another group name (so the replacement can be created first)", () => {
    const { stack, alb } = build({ targetProtocol: "HTTP" });
    expect(alb.targetProtocol).toBe("HTTP");
    expect(synth(stack).resource("aws_lb_target_group")).toMatchObject({
      name: "taskboard-test-api-8080",
      protocol: "HTTP",
      health_check: { protocol: "HTTP" },
    });
  });

  it("defaults to port 8080 and /health", () => {
    const { stack, alb } = build();
    expect(synth(stack).resource("aws_lb_target_group")).toMatchObject({ port: 8080, health_check: { path: "/health" } });
    expect(alb.targetPort).toBe(8080);
  });

  it("admits nobody until allowFrom, then only the peer on the listener port", () => {
    const closed = build();
    const before = synth(closed.stack);
    expect(Object.keys(before.resources("aws_vpc_security_group_ingress_rule"))).toHaveLength(0);
    expect(Object.keys(before.resources("aws_vpc_security_group_egress_rule"))).toHaveLength(0);
    expect(before.resource("aws_security_group")).not.toHaveProperty("ingress");

    const { stack, alb } = build({ certificateArn: CERT });
    const vpcLink = new SecurityGroup(stack, "vpc-link", { vpcId: "vpc-1", purpose: "vpc-link", description: "VPC link" });
    alb.allowFrom(vpcLink, "API Gateway VPC link to ALB");
    const service = new SecurityGroup(stack, "service", { vpcId: "vpc-1", purpose: "svc", description: "service" });
    service.allowFrom(alb, alb.targetPort, "ALB to task API");
    const out = synth(stack);
    const ingress = Object.values(out.resources("aws_vpc_security_group_ingress_rule"));
    expect(ingress).toContainEqual(
      expect.objectContaining({
        security_group_id: expect.stringContaining("aws_security_group.alb_security-group_"),
        referenced_security_group_id: expect.stringContaining("aws_security_group.vpc-link_group"),
        from_port: 443,
        to_port: 443,
        ip_protocol: "tcp",
      }),
    );
    const albEgress = Object.values(out.resources("aws_vpc_security_group_egress_rule")).filter((rule) =>
      String(rule.security_group_id).includes("alb_security-group_"),
    );
    expect(albEgress).toEqual([
      expect.objectContaining({
        referenced_security_group_id: expect.stringContaining("aws_security_group.service_group"),
        from_port: 8080,
        to_port: 8080,
      }),
    ]);
  });

  it("exposes ARN suffixes for CloudWatch metrics", () => {
    const { stack, alb } = build();
    new TerraformOutput(stack, "lb-suffix", { value: alb.loadBalancerArnSuffix });
    new TerraformOutput(stack, "tg-suffix", { value: alb.targetGroupArnSuffix });
    const outputs = synth(stack).json.output ?? {};
    expect(outputs["lb-suffix"]?.value).toMatch(/^\$\{aws_lb\.alb_load-balancer_[A-Z0-9]+\.arn_suffix\}$/);
    expect(outputs["tg-suffix"]?.value).toMatch(/^\$\{aws_lb_target_group\.alb_target-group_[A-Z0-9]+\.arn_suffix\}$/);
  });

  it("throws when accessLogs names a bucket and an expiry together", () => {
    const stack = testStack();
    const shared = new SecureBucket(stack, "shared-logs", { purpose: "logs", encryption: { type: "s3-managed" } });
    expect(() => build({ accessLogs: { bucket: shared, expireAfterDays: 30 } }, stack)).toThrow(
      /accessLogs.expireAfterDays applies only to the bucket this construct creates/,
    );
  });

  it("throws when accessLogs names a bucket and forceDestroy together", () => {
    const stack = testStack();
    const shared = new SecureBucket(stack, "shared-logs", { purpose: "logs", encryption: { type: "s3-managed" } });
    expect(() => build({ accessLogs: { bucket: shared, forceDestroy: true } }, stack)).toThrow(
      /accessLogs.forceDestroy applies only to the bucket this construct creates/,
    );
  });

  it("throws when the given log bucket is SSE-KMS encrypted", () => {
    const stack = testStack();
    const kmsBucket = new SecureBucket(stack, "kms-logs", { purpose: "logs" });
    expect(() => build({ accessLogs: { bucket: kmsBucket } }, stack)).toThrow(/is SSE-KMS encrypted.*SSE-S3/);
  });

  it("throws when fewer than 2 subnets are given", () => {
    expect(() => build({ subnetIds: ["subnet-aaa"] })).toThrow(/test\/alb: subnetIds has 1 subnet\(s\).*at least 2 Availability Zones/);
  });

  it("throws when a subnet is listed twice", () => {
    expect(() => build({ subnetIds: ["subnet-aaa", "subnet-aaa"] })).toThrow(/lists a subnet twice/);
  });

  it("throws when targetPort is not a TCP port", () => {
    expect(() => build({ targetPort: 70000 })).toThrow(/targetPort 70000 is not a TCP port; use a whole number from 1 to 65535/);
  });

  it("throws when healthCheckPath does not start with /", () => {
    expect(() => build({ healthCheckPath: "health" })).toThrow(/healthCheckPath "health" must start with "\/"/);
  });

  it("throws when idleTimeoutSeconds is out of range", () => {
    expect(() => build({ idleTimeoutSeconds: 0 })).toThrow(/idleTimeoutSeconds 0 is out of range; use a whole number from 1 to 4000/);
  });

  it("throws when the access log prefix contains AWSLogs or a leading slash", () => {
    expect(() => build({ accessLogs: { prefix: "/alb" } })).toThrow(/accessLogs.prefix "\/alb"/);
    expect(() => build({ accessLogs: { prefix: "alb/AWSLogs" } })).toThrow(/without "AWSLogs"/);
  });

  it("throws when accessLogs.expireAfterDays is not a positive whole number", () => {
    expect(() => build({ accessLogs: { expireAfterDays: 0 } })).toThrow(/accessLogs.expireAfterDays 0 must be a whole number of days/);
  });

  it("throws when certificateArn is not an ACM certificate in the stack's Region", () => {
    expect(() => build({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc-123" })).toThrow(
      /certificateArn ".*" is not an ACM certificate in ap-northeast-2/,
    );
  });
});
