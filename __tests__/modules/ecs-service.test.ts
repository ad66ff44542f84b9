import { describe, expect, it } from "vitest";
import { Lazy, type TerraformStack } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { ContainerRepository } from "../../modules/ecr";
import { EcsService, type EcsServiceProps } from "../../modules/ecs-service";
import { SecurityGroup } from "../../modules/security-group";
import { synth, testStack, TEST_REGION, type Synthesized } from "../support/synth";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const DB_SECRET = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:taskboard-test-db-AbCdEf";
const SESSION_SECRET = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:taskboard-test-session-XyZ123";
const TARGET_GROUP = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/taskboard-test-api/0123456789abcdef";

type Overrides = Partial<Omit<EcsServiceProps, "cluster" | "repository">>;

function build(overrides: Overrides = {}): { stack: TerraformStack; service: EcsService } {
  const stack = testStack();
  const cluster = new EcsCluster(stack, "cluster", {
    purpose: "app",
    vpcId: "vpc-0123",
    subnetIds: ["subnet-a", "subnet-b"],
    instanceType: "t4g.small",
    minInstances: 1,
    maxInstances: 2,
  });
  const repository = new ContainerRepository(stack, "repo", { purpose: "api" });
  const service = new EcsService(stack, "api", {
    purpose: "api",
    cluster,
    repository,
    image: `${repository.repositoryUrl}@${DIGEST}`,
    vpcId: "vpc-0123",
    subnetIds: ["subnet-a", "subnet-b"],
    cpu: 256,
    memoryMiB: 512,
    containerPort: 3000,
    targetGroupArn: TARGET_GROUP,
    logRetentionDays: 30,
    minTasks: 2,
    maxTasks: 6,
    targetCpuPercent: 55,
    environment: { NODE_ENV: "production", PORT: "3000" },
    secrets: {
      SESSION_SECRET,
      DATABASE_PASSWORD: { secretArn: DB_SECRET, jsonKey: "password" },
      DATABASE_USER: { secretArn: DB_SECRET, jsonKey: "username" },
    },
    ...overrides,
  });
  return { stack, service };
}

interface Container {
  name: string;
  image: string;
  user: string;
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  essential: boolean;
  portMappings: unknown[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  linuxParameters: Record<string, unknown>;
  logConfiguration: { logDriver: string; options: Record<string, string> };
  healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  stopTimeout: number;
}

function containers(out: Synthesized): Container[] {
  const raw = out.resource("aws_ecs_task_definition").container_definitions;
  expect(typeof raw).toBe("string");
  return JSON.parse(raw as string) as Container[];
}

function container(out: Synthesized): Container {
  const all = containers(out);
  expect(all).toHaveLength(1);
  return all[0] as Container;
}

describe("EcsService", () => {
  it("defines an awsvpc task for EC2 with the given size, an execution role and a task role", () => {
    const out = synth(build().stack);
    expect(out.resource("aws_ecs_task_definition")).toMatchObject({
      family: "taskboard-test-api",
      network_mode: "awsvpc",
      requires_compatibilities: ["EC2"],
      cpu: "256",
      memory: "512",
      execution_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.api_execution-role_/),
      task_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.api_task-role_/),
    });
  });

  it("writes container definitions as valid JSON with one essential container running the pinned image", () => {
    const c = container(synth(build().stack));
    expect(c).toMatchObject({
      name: "app",
      essential: true,
      image: expect.stringMatching(new RegExp(`^\\$\\{aws_ecr_repository\\.repo_repository_[A-Z0-9]+\\.repository_url\\}@${DIGEST}$`)),
      portMappings: [{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }],
      stopTimeout: 30,
    });
  });

  it("runs the container as a non-root user on a read-only root filesystem, unprivileged, with no capabilities", () => {
    const c = container(synth(build().stack));
    expect(c.user).toBe("1000:1000");
    expect(c.readonlyRootFilesystem).toBe(true);
    expect(c.privileged).toBe(false);
    expect(c.linuxParameters).toEqual({
      initProcessEnabled: true,
      capabilities: { drop: ["ALL"] },
      tmpfs: [{ containerPath: "/tmp", size: 64, mountOptions: ["noexec", "nosuid", "nodev"] }],
    });
  });

  it("ships logs to its own log group with retention and the logs key", () => {
    const out = synth(build().stack);
    expect(out.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs/taskboard-test-api",
      retention_in_days: 30,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs-key_/),
    });
    expect(container(out).logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.api_logs_[A-Za-z0-9_-]+\.name\}$/),
        "awslogs-region": TEST_REGION,
        "awslogs-stream-prefix": "app",
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    });
  });

  it("references secrets by ARN (whole or one JSON key) and never holds a secret value", () => {
    const c = container(synth(build().stack));
    expect(c.secrets).toEqual([
      { name: "DATABASE_PASSWORD", valueFrom: `${DB_SECRET}:password::` },
      { name: "DATABASE_USER", valueFrom: `${DB_SECRET}:username::` },
      { name: "SESSION_SECRET", valueFrom: SESSION_SECRET },
    ]);
    expect(c.environment).toEqual([
      { name: "NODE_ENV", value: "production" },
      { name: "PORT", value: "3000" },
    ]);
  });

  it("omits empty environment and secrets lists, which ECS would not echo back", () => {
    const c = container(synth(build({ environment: {}, secrets: {} }).stack));
    expect(c).not.toHaveProperty("environment");
    expect(c).not.toHaveProperty("secrets");
  });

  it("health-checks the container with node's fetch against the health path, aborting before ECS times out", () => {
    const c = container(synth(build({ healthCheckPath: "/api/health" }).stack));
    expect(c.healthCheck).toEqual({
      command: [
        "CMD",
        "node",
        "-e",
        'fetch("http://127.0.0.1:3000/api/health",{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))',
      ],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 30,
    });
  });

  it("scopes the execution role to pulling this repository, writing this log group and reading the named secrets", () => {
    const out = synth(build().stack);
    const statements = out.policyStatements("api/execution-role/grant-");
    expect(statements.map((s) => s.sid).sort()).toEqual(["PullImage", "PullImageAuthToken", "ReadSecrets", "WriteLogs"]);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: "PullImage",
          effect: "Allow",
          actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          resources: [expect.stringMatching(/^\$\{aws_ecr_repository\.repo_repository_[A-Z0-9]+\.arn\}$/)],
        },
        { sid: "PullImageAuthToken", effect: "Allow", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          sid: "WriteLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.api_logs_[A-Za-z0-9_-]+\.arn\}:\*$/)],
        },
        { sid: "ReadSecrets", effect: "Allow", actions: ["secretsmanager:GetSecretValue"], resources: [SESSION_SECRET, DB_SECRET] },
      ]),
    );
    const executionAttachments = Object.values(out.resources("aws_iam_role_policy_attachment")).filter((a) =>
      String(a.role).includes("api_execution-role"),
    );
    expect(executionAttachments).toEqual([]);
  });

  it("has no secrets grant when no secrets are given", () => {
    const out = synth(build({ secrets: {} }).stack);
    expect(out.policyStatements("api/execution-role/grant-").map((s) => s.sid)).not.toContain("ReadSecrets");
  });

  it("starts the task role empty, trusted by ECS tasks of this account only, for other modules to grant to", () => {
    const { stack, service } = build();
    const out = synth(stack);
    expect(out.policyStatements("api/task-role/grant-")).toEqual([]);
    const roleKey = Object.keys(out.resources("aws_iam_role")).find((k) => k.startsWith("api_task-role"));
    expect(roleKey).toBeDefined();
    expect(
      Object.values(out.resources("aws_iam_role_policy")).filter((p) => String(p.role).includes(`aws_iam_role.${roleKey}`)),
    ).toEqual([]);
    expect(out.policyStatements("api/task-role/trust")).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
      }),
    ]);
    expect(service.taskRole.roleArn).toMatch(/TfToken/);
  });

  it("runs in private subnets without a public IP, behind its own closed security group", () => {
    const out = synth(build().stack);
    expect(out.resource("aws_ecs_service").network_configuration).toEqual({
      subnets: ["subnet-a", "subnet-b"],
      security_groups: [expect.stringMatching(/^\$\{aws_security_group\.api_tasks-sg_group_/)],
      assign_public_ip: false,
    });
    const taskRules = [
      ...Object.values(out.resources("aws_vpc_security_group_ingress_rule")),
      ...Object.values(out.resources("aws_vpc_security_group_egress_rule")),
    ].filter((rule) => String(rule.security_group_id).includes("api_tasks-sg"));
    expect(taskRules).toEqual([]);
  });

  it("admits a peer on the container port only through allowFrom", () => {
    const { stack, service } = build();
    const alb = new SecurityGroup(stack, "alb-sg", { vpcId: "vpc-0123", purpose: "alb", description: "ALB" });
    service.allowFrom(alb, "ALB to API tasks");
    const ingress = Object.values(synth(stack).resources("aws_vpc_security_group_ingress_rule"));
    expect(ingress).toEqual([
      expect.objectContaining({
        security_group_id: expect.stringMatching(/api_tasks-sg/),
        referenced_security_group_id: expect.stringMatching(/alb-sg/),
        from_port: 3000,
        to_port: 3000,
      }),
    ]);
  });

  it("registers with the target group and deploys with circuit breaker rollback, new tasks before old", () => {
    const out = synth(build().stack);
    expect(out.resource("aws_ecs_service")).toMatchObject({
      name: "taskboard-test-api",
      cluster: expect.stringMatching(/^\$\{aws_ecs_cluster\.cluster_[A-Z0-9]+\.arn\}$/),
      desired_count: 2,
      capacity_provider_strategy: [
        { capacity_provider: expect.stringMatching(/^\$\{aws_ecs_capacity_provider\./), weight: 1, base: 0 },
      ],
      load_balancer: [{ target_group_arn: TARGET_GROUP, container_name: "app", container_port: 3000 }],
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      health_check_grace_period_seconds: 60,
      propagate_tags: "SERVICE",
      enable_execute_command: false,
      wait_for_steady_state: false,
      depends_on: [expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./)],
    });
    expect(out.resource("aws_ecs_service")).not.toHaveProperty("launch_type");
  });

  it("waits for the listener that forwards to its target group", () => {
    const stack = testStack();
    const listenerStandIn = new SecurityGroup(stack, "listener-stand-in", { vpcId: "vpc-0123", purpose: "x", description: "x" });
    const cluster = new EcsCluster(stack, "cluster", {
      purpose: "app", vpcId: "vpc-0123", subnetIds: ["subnet-a"], instanceType: "t4g.small", minInstances: 1, maxInstances: 2,
    });
    const repository = new ContainerRepository(stack, "repo", { purpose: "api" });
    new EcsService(stack, "api", {
      purpose: "api", cluster, repository, image: `${repository.repositoryUrl}@${DIGEST}`, vpcId: "vpc-0123",
      subnetIds: ["subnet-a"], cpu: 256, memoryMiB: 512, containerPort: 3000, targetGroupArn: TARGET_GROUP,
      logRetentionDays: 30, minTasks: 1, maxTasks: 2, listener: listenerStandIn.group,
    });
    expect(synth(stack).resource("aws_ecs_service").depends_on).toEqual([
      expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./),
      expect.stringMatching(/^aws_security_group\.listener-stand-in_group_/),
    ]);
  });

  it("leaves desired_count to autoscaling after the first apply", () => {
    expect(synth(build().stack).resource("aws_ecs_service").lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });

  it("tracks average CPU between minTasks and maxTasks", () => {
    const out = synth(build().stack);
    expect(out.resource("aws_appautoscaling_target")).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: expect.stringMatching(/^service\/\$\{aws_ecs_cluster\.cluster_[A-Z0-9]+\.name\}\/\$\{aws_ecs_service\.api_service_[A-Z0-9]+\.name\}$/),
      min_capacity: 2,
      max_capacity: 6,
    });
    expect(out.resource("aws_appautoscaling_policy")).toMatchObject({
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        target_value: 55,
        predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
      },
    });
  });

  it("accepts a digest that is itself a Terraform reference", () => {
    const digest = Lazy.stringValue({ produce: () => DIGEST });
    expect(() => build({ image: `123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/api@${digest}` })).not.toThrow();
  });

  it("throws when minTasks is greater than maxTasks", () => {
    expect(() => build({ minTasks: 5, maxTasks: 3 })).toThrow(/test\/api: minTasks 5 is greater than maxTasks 3; raise maxTasks or lower minTasks/);
  });

  it("throws when minTasks is below 1", () => {
    expect(() => build({ minTasks: 0 })).toThrow(/minTasks must be a whole number, at least 1/);
  });

  it("throws when maxTasks is fractional", () => {
    expect(() => build({ maxTasks: 6.5 })).toThrow(/maxTasks must be a whole number; got 6\.5/);
  });

  it("throws when cpu is not a task CPU value", () => {
    expect(() => build({ cpu: 300 })).toThrow(/cpu 300 is not a task CPU value; use one of 256, 512, 1024/);
  });

  it("throws when memory does not go with cpu", () => {
    expect(() => build({ cpu: 256, memoryMiB: 4096 })).toThrow(/memoryMiB 4096 does not go with cpu 256; use one of 512, 1024, 2048 MiB/);
    expect(() => build({ cpu: 1024, memoryMiB: 1024 })).toThrow(/memoryMiB 1024 does not go with cpu 1024/);
  });

  it("throws when the container port is privileged or out of range", () => {
    expect(() => build({ containerPort: 80 })).toThrow(/containerPort 80 is invalid; use a whole number from 1024 to 65535/);
    expect(() => build({ containerPort: 70000 })).toThrow(/containerPort 70000 is invalid/);
  });

  it("throws when the user is root", () => {
    for (const user of ["0", "root", "0:0", "root:1000"]) {
      expect(() => build({ user })).toThrow(new RegExp(`user "${user}" runs the container as root; use a non-root user`));
    }
  });

  it("throws when the user is malformed", () => {
    expect(() => build({ user: "1000:" })).toThrow(/user "1000:" is not "uid", "uid:gid" or "name:group"/);
  });

  it("throws when targetCpuPercent is out of range", () => {
    expect(() => build({ targetCpuPercent: 95 })).toThrow(/targetCpuPercent 95 is out of range; use 10 to 90/);
  });

  it("throws when no subnets are given", () => {
    expect(() => build({ subnetIds: [] })).toThrow(/subnetIds is empty/);
  });

  it("throws when the image is not pinned by digest", () => {
    expect(() => build({ image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/api:latest" })).toThrow(
      /image ".*api:latest" is not pinned by digest; use "<repositoryUrl>@sha256:<64 hex digits>"/,
    );
    expect(() => build({ image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/api@sha256:abc" })).toThrow(/is not pinned by digest/);
  });

  it("throws when the health check path does not start with /", () => {
    expect(() => build({ healthCheckPath: "health" })).toThrow(/healthCheckPath "health" must start with "\/"/);
  });

  it("throws when a custom health check command does not start with CMD or CMD-SHELL", () => {
    expect(() => build({ healthCheckCommand: ["/bin/healthcheck"] })).toThrow(/healthCheckCommand must start with "CMD" or "CMD-SHELL"/);
  });

  it("throws when healthCheckGracePeriodSeconds is negative", () => {
    expect(() => build({ healthCheckGracePeriodSeconds: -1 })).toThrow(/healthCheckGracePeriodSeconds must be a whole number, 0 or more; got -1/);
  });

  it("throws when stopTimeoutSeconds is out of range", () => {
    expect(() => build({ stopTimeoutSeconds: 300 })).toThrow(/stopTimeoutSeconds 300 is out of range; use a whole number from 2 to 120/);
  });

  it("throws when tmpfsSizeMiB is not a positive whole number", () => {
    expect(() => build({ tmpfsSizeMiB: 0 })).toThrow(/tmpfsSizeMiB must be a whole number, at least 1; got 0/);
  });

  it("throws when an environment variable name is invalid", () => {
    expect(() => build({ environment: { "1BAD": "x" } })).toThrow(/environment variable name "1BAD" is invalid/);
  });

  it("throws when a variable is both plain and secret", () => {
    expect(() => build({ environment: { SESSION_SECRET: "plain" } })).toThrow(/"SESSION_SECRET" is both in environment and in secrets/);
  });

  it("throws when an environment value holds Terraform template syntax", () => {
    expect(() => build({ environment: { GREETING: "hello ${name}" } })).toThrow(/environment GREETING contains "\$\{" or "%\{"/);
  });

  it("throws when a secret is not a Secrets Manager ARN", () => {
    expect(() => build({ secrets: { TOKEN: "my-plain-secret-value" } })).toThrow(
      /secrets TOKEN is "my-plain-secret-value", not a Secrets Manager secret ARN/,
    );
    expect(() => build({ secrets: { TOKEN: `${DB_SECRET}:password::` } })).toThrow(/put a JSON key in jsonKey, not in the ARN/);
  });

  it("throws when a secret's jsonKey is empty or has a colon", () => {
    expect(() => build({ secrets: { TOKEN: { secretArn: DB_SECRET, jsonKey: "a:b" } } })).toThrow(/secrets TOKEN has jsonKey "a:b"/);
  });
});
