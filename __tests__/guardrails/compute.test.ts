import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, type LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { ContainerRepository } from "../../modules/ecr";
import { EcrImmutableTags } from "../../modules/guardrails/rules/ecr/EcrImmutableTags";
import { EcrScanOnPush } from "../../modules/guardrails/rules/ecr/EcrScanOnPush";
import { EcsClusterContainerInsights } from "../../modules/guardrails/rules/ecs/EcsClusterContainerInsights";
import { EcsContainersNonRoot } from "../../modules/guardrails/rules/ecs/EcsContainersNonRoot";
import { EcsContainersNotPrivileged } from "../../modules/guardrails/rules/ecs/EcsContainersNotPrivileged";
import { EcsContainersReadOnlyRootFilesystem } from "../../modules/guardrails/rules/ecs/EcsContainersReadOnlyRootFilesystem";
import { EcsServiceCircuitBreaker } from "../../modules/guardrails/rules/ecs/EcsServiceCircuitBreaker";
import { InstancesRequireImdsv2 } from "../../modules/guardrails/rules/ecs/InstancesRequireImdsv2";
import { LoadBalancerAccessLogs } from "../../modules/guardrails/rules/elb/LoadBalancerAccessLogs";
import { LoadBalancerDeletionProtection } from "../../modules/guardrails/rules/elb/LoadBalancerDeletionProtection";
import { LoadBalancerDropsInvalidHeaders } from "../../modules/guardrails/rules/elb/LoadBalancerDropsInvalidHeaders";
import { LoadBalancerInternal } from "../../modules/guardrails/rules/elb/LoadBalancerInternal";
import { LoadBalancerListenerTls } from "../../modules/guardrails/rules/elb/LoadBalancerListenerTls";
import { LoadBalancerTargetTls } from "../../modules/guardrails/rules/elb/LoadBalancerTargetTls";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { describeRules } from "./cases";
import { expectCompliant, expectNotApplicable, expectViolation } from "./support";

interface LbOptions {
  readonly internal?: boolean;
  readonly dropInvalid?: boolean;
  readonly desync?: string;
  readonly logs?: boolean;
  readonly deletionProtection?: boolean;
  readonly type?: string;
}

function loadBalancer(stack: TerraformStack, o: LbOptions = {}): string {
  new Lb(stack, "alb", {
    name: "api",
    loadBalancerType: o.type ?? "application",
    internal: o.internal ?? true,
    subnets: ["subnet-1", "subnet-2"],
    dropInvalidHeaderFields: o.dropInvalid ?? true,
    desyncMitigationMode: o.desync ?? "strictest",
    enableDeletionProtection: o.deletionProtection ?? true,
    ...(o.logs === false ? {} : { accessLogs: { bucket: "access-logs", prefix: "alb", enabled: true } }),
  });
  return "test/alb";
}

const FORWARD: LbListenerDefaultAction = { type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/api/1" };

function listener(stack: TerraformStack, o: { protocol?: string; sslPolicy?: string; action?: LbListenerDefaultAction } = {}): string {
  const protocol = o.protocol ?? "HTTPS";
  new LbListener(stack, "listener", {
    loadBalancerArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/api/1",
    port: protocol === "HTTP" ? 80 : 443,
    protocol,
    ...(protocol === "HTTP" ? {} : { certificateArn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/1" }),
    ...(o.sslPolicy === undefined && protocol !== "HTTP" ? { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" } : {}),
    ...(o.sslPolicy ? { sslPolicy: o.sslPolicy } : {}),
    defaultAction: [o.action ?? FORWARD],
  });
  return "test/listener";
}

function targetGroup(stack: TerraformStack, o: { protocol?: string; healthCheck?: string; type?: string } = {}): string {
  new LbTargetGroup(stack, "targets", {
    name: "api",
    targetType: o.type ?? "ip",
    ...(o.type === "lambda" ? {} : { protocol: o.protocol ?? "HTTPS", port: 8080, vpcId: "vpc-1" }),
    healthCheck: { enabled: true, path: "/health", ...(o.type === "lambda" ? {} : { protocol: o.healthCheck ?? o.protocol ?? "HTTPS" }) },
  });
  return "test/targets";
}

function taskDefinition(stack: TerraformStack, container: Record<string, unknown> = {}): string {
  new EcsTaskDefinition(stack, "task", {
    family: "api",
    networkMode: "awsvpc",
    containerDefinitions: JSON.stringify([
      { name: "app", image: "repo@sha256:abc", essential: true, user: "1000:1000", readonlyRootFilesystem: true, privileged: false, ...container },
    ]),
  });
  return "test/task";
}

function launchTemplate(stack: TerraformStack, tokens = "required", hops = 1): string {
  new LaunchTemplate(stack, "template", {
    namePrefix: "ecs-",
    imageId: "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: tokens, httpPutResponseHopLimit: hops },
  });
  return "test/template";
}

function cluster(stack: TerraformStack, insights?: string): string {
  new EcsCluster(stack, "cluster", { name: "cluster", ...(insights ? { setting: [{ name: "containerInsights", value: insights }] } : {}) });
  return "test/cluster";
}

function service(stack: TerraformStack, breaker: { enable: boolean; rollback: boolean } | undefined, controller = "ECS"): string {
  new EcsService(stack, "service", {
    name: "api",
    cluster: "arn:aws:ecs:ap-northeast-2:123456789012:cluster/cluster",
    taskDefinition: "api:1",
    desiredCount: 1,
    deploymentController: { type: controller },
    ...(breaker ? { deploymentCircuitBreaker: breaker } : {}),
  });
  return "test/service";
}

function rawRepository(stack: TerraformStack, o: { scan?: boolean; mutability?: string }): string {
  new EcrRepository(stack, "raw", {
    name: "raw",
    imageTagMutability: o.mutability ?? "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: o.scan ?? true },
  });
  return "test/raw";
}

function moduleRepository(stack: TerraformStack): string {
  new ContainerRepository(stack, "repository", { purpose: "api" });
  return "test/repository/repository";
}

describeRules([
  { rule: LoadBalancerInternal, compliant: loadBalancer, noncompliant: (s) => loadBalancer(s, { internal: false }), detail: /public addresses/ },
  {
    rule: LoadBalancerDropsInvalidHeaders,
    compliant: loadBalancer,
    noncompliant: (s) => loadBalancer(s, { dropInvalid: false }),
    detail: /drop_invalid_header_fields is not true/,
  },
  { rule: LoadBalancerAccessLogs, compliant: loadBalancer, noncompliant: (s) => loadBalancer(s, { logs: false }), detail: /access_logs is not enabled/ },
  {
    rule: LoadBalancerDeletionProtection,
    compliant: loadBalancer,
    noncompliant: (s) => loadBalancer(s, { deletionProtection: false }),
    detail: /enable_deletion_protection is not true/,
    environment: "prod",
  },
  {
    rule: LoadBalancerListenerTls,
    compliant: listener,
    noncompliant: (s) => listener(s, { protocol: "HTTP" }),
    detail: /protocol is HTTP and the listener does not redirect to HTTPS/,
    environment: "prod",
  },
  {
    rule: LoadBalancerTargetTls,
    compliant: targetGroup,
    noncompliant: (s) => targetGroup(s, { protocol: "HTTP" }),
    detail: /^protocol is HTTP; health_check protocol is HTTP, so traffic to the targets is plaintext$/,
  },
  {
    rule: EcsContainersNonRoot,
    compliant: taskDefinition,
    noncompliant: (s) => taskDefinition(s, { user: "0:0" }),
    detail: /container\(s\) app \(user 0:0\) run as root/,
  },
  {
    rule: EcsContainersReadOnlyRootFilesystem,
    compliant: taskDefinition,
    noncompliant: (s) => taskDefinition(s, { readonlyRootFilesystem: false }),
    detail: /app have a writable root filesystem/,
  },
  {
    rule: EcsContainersNotPrivileged,
    compliant: taskDefinition,
    noncompliant: (s) => taskDefinition(s, { privileged: true }),
    detail: /app are privileged/,
  },
  { rule: InstancesRequireImdsv2, compliant: launchTemplate, noncompliant: (s) => launchTemplate(s, "optional"), detail: /http_tokens is optional/ },
  {
    rule: EcsClusterContainerInsights,
    compliant: (s) => cluster(s, "enhanced"),
    noncompliant: (s) => cluster(s),
    detail: /containerInsights is unset/,
  },
  {
    rule: EcsServiceCircuitBreaker,
    compliant: (s) => service(s, { enable: true, rollback: true }),
    noncompliant: (s) => service(s, { enable: true, rollback: false }),
    detail: /does not roll back/,
  },
  { rule: EcrScanOnPush, compliant: moduleRepository, noncompliant: (s) => rawRepository(s, { scan: false }), detail: /scan_on_push is not enabled/ },
  {
    rule: EcrImmutableTags,
    compliant: moduleRepository,
    noncompliant: (s) => rawRepository(s, { mutability: "MUTABLE" }),
    detail: /image_tag_mutability is MUTABLE/,
  },
]);

describe("compute rule details", () => {
  it("TB-ALB-2 fails a permissive desync mitigation mode, and does not apply to network load balancers", () => {
    expectViolation(LoadBalancerDropsInvalidHeaders, (s) => loadBalancer(s, { desync: "monitor" }), /desync_mitigation_mode is monitor/);
    expectNotApplicable(LoadBalancerDropsInvalidHeaders, (s) => loadBalancer(s, { type: "network" }));
  });

  it("TB-ALB-5 passes an HTTP listener that only redirects to HTTPS, and fails a policy that admits TLS 1.0", () => {
    expectViolation(
      LoadBalancerListenerTls,
      (s) => listener(s, { protocol: "HTTP", action: { type: "redirect", redirect: { protocol: "HTTP", port: "8080", statusCode: "HTTP_301" } } }),
      /does not redirect to HTTPS/,
      "prod",
    );
    expectViolation(LoadBalancerListenerTls, (s) => listener(s, { sslPolicy: "ELBSecurityPolicy-2016-08" }), /ssl_policy ELBSecurityPolicy-2016-08 admits TLS older than 1\.2/, "prod");
    expectCompliant(
      LoadBalancerListenerTls,
      (s) => listener(s, { protocol: "HTTP", action: { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } } }),
      "prod",
    );
  });

  it("TB-ALB-6 fails a plaintext health check on an HTTPS group, and does not apply to Lambda targets", () => {
    expectViolation(LoadBalancerTargetTls, (s) => targetGroup(s, { healthCheck: "HTTP" }), /^health_check protocol is HTTP, so/);
    expectNotApplicable(LoadBalancerTargetTls, (s) => targetGroup(s, { type: "lambda" }));
  });

  it("TB-ECS-1 fails a container without a user (the image's, root by default)", () => {
    expectViolation(EcsContainersNonRoot, (s) => taskDefinition(s, { user: undefined }), /user unset/);
  });

  it("TB-ECS-4 fails a hop limit that lets containers reach the metadata service", () => {
    expectViolation(InstancesRequireImdsv2, (s) => launchTemplate(s, "required", 2), /hop_limit is 2/);
  });

  it("TB-ECS-6 fails a service without a circuit breaker, and leaves CodeDeploy-driven services alone", () => {
    expectViolation(EcsServiceCircuitBreaker, (s) => service(s, undefined), /not enabled/);
    expectNotApplicable(EcsServiceCircuitBreaker, (s) => service(s, undefined, "CODE_DEPLOY"));
  });
});
