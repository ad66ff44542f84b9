import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { EcsService as AwsEcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { PlatformContext } from "../core/context";
import { ServiceRole } from "../iam-role";
import { LogGroup } from "../log-group";
import { SecurityGroup, type IConnectable } from "../security-group";
import type { EcsCluster } from "../ecs-cluster";
import type { ContainerRepository } from "../ecr";
import { CONTAINER_HEALTH_CHECK, SERVICE_DEFAULTS, TASK_MEMORY_BY_CPU } from "./defaults";
import { nodeHealthCheckCommand, type ContainerDefinition } from "./private/container-definition";

/** A Secrets Manager secret given to the container as an environment variable. */
export interface ContainerSecret {
  /** The secret's full ARN (with its random suffix), as `aws_secretsmanager_secret.arn` gives it. */
  readonly secretArn: string;
  /**
   * A key of the secret's JSON value; the variable then holds only that key's value.
   * @default - the whole secret string
   */
  readonly jsonKey?: string;
}

export interface EcsServiceProps {
  /** What the service is; names the service, task family, roles and log group (`taskboard-dev-<purpose>`). */
  readonly purpose: string;
  readonly cluster: EcsCluster;
  /** The repository `image` comes from; the execution role may pull from it and from nothing else. */
  readonly repository: ContainerRepository;
  /** The image, pinned by digest: `${repository.repositoryUrl}@sha256:<64 hex>`. */
  readonly image: string;
  readonly vpcId: string;
  /** Private subnets the tasks' network interfaces are placed in. */
  readonly subnetIds: readonly string[];
  /** Task CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384. */
  readonly cpu: number;
  /** Task memory; must be a valid combination with `cpu` (e.g. 256 CPU: 512, 1024 or 2048 MiB). */
  readonly memoryMiB: number;
  /** Port the application listens on; 1024 or higher, since the container does not run as root. */
  readonly containerPort: number;
  /** Target group (type `ip`) the tasks register in. */
  readonly targetGroupArn: string;
  /** Days container logs are kept; one of the CloudWatch Logs retention values. */
  readonly logRetentionDays: number;
  /** Fewest running tasks; also the initial desired count. */
  readonly minTasks: number;
  /** Most tasks autoscaling may run. */
  readonly maxTasks: number;
  /**
   * Average service CPU utilisation (percent) that target tracking holds.
   * @default 60
   */
  readonly targetCpuPercent?: number;
  /**
   * Plain configuration as environment variables. Never secrets: values are visible in the task definition.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Secrets Manager when the task starts, by ARN; the values never enter Terraform.
   * A string is a secret ARN. If a secret uses a customer managed key, grant its decrypt to `executionRole`.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string | ContainerSecret>>;
  /**
   * `uid:gid` (or `uid`) the container runs as; root (`0`, `root`) is rejected.
   * @default "1000:1000" - the `node` user of the official Node.js images
   */
  readonly user?: string;
  /**
   * Name of the container in the task definition and in the load balancer mapping.
   * @default "app"
   */
  readonly containerName?: string;
  /**
   * Path the container health check requests on `containerPort`.
   * @default "/health"
   */
  readonly healthCheckPath?: string;
  /**
   * The container health check command, for images without Node.js (`["CMD", "/bin/healthcheck"]`).
   * @default - `node -e` with fetch to `http://127.0.0.1:<containerPort><healthCheckPath>`
   */
  readonly healthCheckCommand?: readonly string[];
  /**
   * Seconds after a task starts during which failing load balancer health checks are ignored.
   * @default 60
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Seconds between SIGTERM and SIGKILL; keep it above the target group's deregistration delay.
   * @default 30
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Size of the writable tmpfs on /tmp (the root filesystem is read-only).
   * @default 64
   */
  readonly tmpfsSizeMiB?: number;
  /**
   * The listener forwarding to `targetGroupArn`. ECS refuses a target group no
   * load balancer uses yet, so the service waits for it.
   * @default - no explicit dependency
   */
  readonly listener?: ITerraformDependable;
}

/**
 * An ECS service on the cluster's EC2 capacity provider: one hardened
 * container (non-root, read-only root filesystem, no capabilities, not
 * privileged) in awsvpc mode behind a target group, deployments guarded by the
 * circuit breaker with rollback, and target-tracking autoscaling on CPU.
 *
 * The task role starts empty (grant to `taskRole`); the execution role may
 * pull from `repository` only, write to the service's log group only and read
 * only the secrets named in `secrets`. The tasks' security group admits
 * nothing until `allowFrom` and sends nothing until a peer's `allowFrom` or
 * `securityGroup.allowEgressTo*` opens it.
 */
export class EcsService extends Construct implements IConnectable {
  readonly service: AwsEcsService;
  readonly serviceName: string;
  /** The service's ARN (its Terraform id). */
  readonly serviceArn: string;
  readonly clusterName: string;
  readonly taskDefinition: EcsTaskDefinition;
  readonly taskDefinitionArn: string;
  /** The task definition family, which every revision shares (for RunTask permissions). */
  readonly taskDefinitionFamily: string;
  /** The role the application's code runs as; starts with no permissions. */
  readonly taskRole: ServiceRole;
  /** The role ECS uses to start the task: image pull, log delivery, secrets. */
  readonly executionRole: ServiceRole;
  /** The tasks' own security group (awsvpc), separate from the instances'. */
  readonly securityGroup: SecurityGroup;
  readonly logGroup: LogGroup;
  readonly containerName: string;
  readonly scalableTarget: AppautoscalingTarget;
  readonly cpuScalingPolicy: AppautoscalingPolicy;
  private readonly containerPort: number;

  constructor(scope: Construct, id: string, props: EcsServiceProps) {
    super(scope, id);
    const user = props.user ?? SERVICE_DEFAULTS.user;
    const targetCpuPercent = props.targetCpuPercent ?? SERVICE_DEFAULTS.targetCpuPercent;
    const healthCheckPath = props.healthCheckPath ?? SERVICE_DEFAULTS.healthCheckPath;
    const healthCheckGracePeriodSeconds = props.healthCheckGracePeriodSeconds ?? SERVICE_DEFAULTS.healthCheckGracePeriodSeconds;
    const stopTimeoutSeconds = props.stopTimeoutSeconds ?? SERVICE_DEFAULTS.stopTimeoutSeconds;
    const tmpfsSizeMiB = props.tmpfsSizeMiB ?? SERVICE_DEFAULTS.tmpfsSizeMiB;
    const environment = props.environment ?? {};
    const secrets = normalizeSecrets(props.secrets ?? {});
    this.validate(props, { user, targetCpuPercent, healthCheckPath, healthCheckGracePeriodSeconds, stopTimeoutSeconds, tmpfsSizeMiB });
    this.validateVariables(environment, secrets);

    const platform = PlatformContext.of(this);
    const name = platform.name(props.purpose, { maxLength: 255 });
    this.containerName = props.containerName ?? SERVICE_DEFAULTS.containerName;
    this.containerPort = props.containerPort;
    this.clusterName = props.cluster.clusterName;

    this.logGroup = new LogGroup(this, "logs", { name: `/ecs/${name}`, retentionDays: props.logRetentionDays });

    this.executionRole = new ServiceRole(this, "execution-role", {
      purpose: `${props.purpose}-execution`,
      assumedBy: ["ecs-tasks.amazonaws.com"],
      description: `Starts ${name} tasks: image pull, logs, secrets`,
    });
    props.repository.grantPull(this.executionRole, "PullImage");
    this.logGroup.grantWrite(this.executionRole, "WriteLogs");
    const secretArns = [...new Set(Object.values(secrets).map((secret) => secret.secretArn))];
    if (secretArns.length > 0) {
      this.executionRole.addToPolicy({ sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: secretArns });
    }

    this.taskRole = new ServiceRole(this, "task-role", {
      purpose: `${props.purpose}-task`,
      assumedBy: ["ecs-tasks.amazonaws.com"],
      description: `Application role of ${name} tasks`,
    });

    const container: ContainerDefinition = {
      name: this.containerName,
      image: props.image,
      essential: true,
      user,
      readonlyRootFilesystem: true,
      privileged: false,
      portMappings: [{ containerPort: props.containerPort, hostPort: props.containerPort, protocol: "tcp" }],
      environment: nonEmpty(sortedEntries(environment).map(([key, value]) => ({ name: key, value }))),
      secrets: nonEmpty(
        sortedEntries(secrets).map(([key, secret]) => ({
          name: key,
          valueFrom: secret.jsonKey === undefined ? secret.secretArn : `${secret.secretArn}:${secret.jsonKey}::`,
        })),
      ),
      linuxParameters: {
        // tini as PID 1: forwards SIGTERM to the app and reaps zombies.
        initProcessEnabled: true,
        capabilities: { drop: ["ALL"] },
        // The only writable path; noexec so nothing downloaded there can run.
        tmpfs: [{ containerPath: "/tmp", size: tmpfsSizeMiB, mountOptions: ["noexec", "nosuid", "nodev"] }],
      },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": this.logGroup.logGroupName,
          "awslogs-region": platform.region,
          "awslogs-stream-prefix": this.containerName,
          // A slow CloudWatch Logs must not block the application's writes to
          // stdout; the buffer absorbs bursts (AWS's default since 2025).
          mode: "non-blocking",
          "max-buffer-size": "25m",
        },
      },
      healthCheck: {
        command: props.healthCheckCommand
          ? [...props.healthCheckCommand]
          : nodeHealthCheckCommand(props.containerPort, healthCheckPath, (CONTAINER_HEALTH_CHECK.timeoutSeconds - 1) * 1000),
        interval: CONTAINER_HEALTH_CHECK.intervalSeconds,
        timeout: CONTAINER_HEALTH_CHECK.timeoutSeconds,
        retries: CONTAINER_HEALTH_CHECK.retries,
        startPeriod: CONTAINER_HEALTH_CHECK.startPeriodSeconds,
      },
      stopTimeout: stopTimeoutSeconds,
    };

    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: name,
      networkMode: "awsvpc",
      requiresCompatibilities: ["EC2"],
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      executionRoleArn: this.executionRole.roleArn,
      taskRoleArn: this.taskRole.roleArn,
      containerDefinitions: JSON.stringify([container]),
    });
    this.taskDefinitionArn = this.taskDefinition.arn;
    this.taskDefinitionFamily = this.taskDefinition.family;

    this.securityGroup = new SecurityGroup(this, "tasks-sg", {
      vpcId: props.vpcId,
      purpose: `${props.purpose}-tasks`,
      description: `Tasks of ${name}; ingress only from allowed peers`,
    });

    this.service = new AwsEcsService(this, "service", {
      name,
      cluster: props.cluster.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.minTasks,
      capacityProviderStrategy: [{ capacityProvider: props.cluster.capacityProviderName, weight: 1, base: 0 }],
      orderedPlacementStrategy: [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "binpack", field: "memory" },
      ],
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [this.securityGroup.securityGroupId],
        assignPublicIp: false,
      },
      loadBalancer: [
        { targetGroupArn: props.targetGroupArn, containerName: this.containerName, containerPort: props.containerPort },
      ],
      healthCheckGracePeriodSeconds,
      deploymentController: { type: "ECS" },
      // A deployment whose tasks keep failing stops and returns to the last
      // working task definition on its own.
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // New tasks start and pass health checks before old ones stop.
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // No interactive shell into production containers.
      enableExecuteCommand: false,
      waitForSteadyState: false,
      // Application Auto Scaling owns the running count after the first apply.
      lifecycle: { ignoreChanges: ["desired_count"] },
      dependsOn: [props.cluster.clusterCapacityProviders, ...(props.listener ? [props.listener] : [])],
    });
    this.serviceName = this.service.name;
    this.serviceArn = this.service.id;

    this.scalableTarget = new AppautoscalingTarget(this, "scalable-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.clusterName}/${this.service.name}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    this.cpuScalingPolicy = new AppautoscalingPolicy(this, "cpu-scaling", {
      name: platform.name(`${props.purpose}-cpu`, { maxLength: 255 }),
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.scalableTarget.serviceNamespace,
      scalableDimension: this.scalableTarget.scalableDimension,
      resourceId: this.scalableTarget.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: targetCpuPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleOutCooldown: SERVICE_DEFAULTS.scaleOutCooldownSeconds,
        scaleInCooldown: SERVICE_DEFAULTS.scaleInCooldownSeconds,
      },
    });
  }

  /** Lets `peer` (the load balancer) reach the tasks on the container port. */
  allowFrom(peer: IConnectable, description: string): void {
    this.securityGroup.allowFrom(peer, this.containerPort, description);
  }

  private validate(
    props: EcsServiceProps,
    resolved: {
      user: string;
      targetCpuPercent: number;
      healthCheckPath: string;
      healthCheckGracePeriodSeconds: number;
      stopTimeoutSeconds: number;
      tmpfsSizeMiB: number;
    },
  ): void {
    const path = this.node.path;
    if (props.minTasks > props.maxTasks) {
      throw new Error(`${path}: minTasks ${props.minTasks} is greater than maxTasks ${props.maxTasks}; raise maxTasks or lower minTasks`);
    }
    if (!Number.isInteger(props.minTasks) || props.minTasks < 1) {
      throw new Error(`${path}: minTasks must be a whole number, at least 1 (0 tasks behind a load balancer is an outage); got ${props.minTasks}`);
    }
    if (!Number.isInteger(props.maxTasks)) {
      throw new Error(`${path}: maxTasks must be a whole number; got ${props.maxTasks}`);
    }
    const memoryOptions = TASK_MEMORY_BY_CPU[props.cpu];
    if (!memoryOptions) {
      throw new Error(`${path}: cpu ${props.cpu} is not a task CPU value; use one of ${Object.keys(TASK_MEMORY_BY_CPU).join(", ")}`);
    }
    if (!memoryOptions.includes(props.memoryMiB)) {
      throw new Error(
        `${path}: memoryMiB ${props.memoryMiB} does not go with cpu ${props.cpu}; use one of ${memoryOptions.join(", ")} MiB, or change cpu`,
      );
    }
    if (!Number.isInteger(props.containerPort) || props.containerPort < 1024 || props.containerPort > 65535) {
      throw new Error(
        `${path}: containerPort ${props.containerPort} is invalid; use a whole number from 1024 to 65535 ` +
          "(a non-root process cannot bind ports below 1024)",
      );
    }
    const [uid = "", gid] = resolved.user.split(":");
    if (uid === "" || gid === "" || resolved.user.split(":").length > 2) {
      throw new Error(`${path}: user "${resolved.user}" is not "uid", "uid:gid" or "name:group"; use e.g. "1000:1000"`);
    }
    if (uid === "0" || uid === "root") {
      throw new Error(`${path}: user "${resolved.user}" runs the container as root; use a non-root user such as "1000:1000"`);
    }
    if (resolved.targetCpuPercent < 10 || resolved.targetCpuPercent > 90) {
      throw new Error(`${path}: targetCpuPercent ${resolved.targetCpuPercent} is out of range; use 10 to 90`);
    }
    if (props.subnetIds.length === 0) {
      throw new Error(`${path}: subnetIds is empty; pass the VPC's private subnet ids`);
    }
    checkImagePinned(path, props.image);
    if (!resolved.healthCheckPath.startsWith("/")) {
      throw new Error(`${path}: healthCheckPath "${resolved.healthCheckPath}" must start with "/", e.g. "/health"`);
    }
    if (props.healthCheckCommand && !["CMD", "CMD-SHELL"].includes(props.healthCheckCommand[0] ?? "")) {
      throw new Error(`${path}: healthCheckCommand must start with "CMD" or "CMD-SHELL", e.g. ["CMD", "/bin/healthcheck"]`);
    }
    if (!Number.isInteger(resolved.healthCheckGracePeriodSeconds) || resolved.healthCheckGracePeriodSeconds < 0) {
      throw new Error(
        `${path}: healthCheckGracePeriodSeconds must be a whole number, 0 or more; got ${resolved.healthCheckGracePeriodSeconds}`,
      );
    }
    if (!Number.isInteger(resolved.stopTimeoutSeconds) || resolved.stopTimeoutSeconds < 2 || resolved.stopTimeoutSeconds > 120) {
      throw new Error(`${path}: stopTimeoutSeconds ${resolved.stopTimeoutSeconds} is out of range; use a whole number from 2 to 120`);
    }
    if (!Number.isInteger(resolved.tmpfsSizeMiB) || resolved.tmpfsSizeMiB < 1) {
      throw new Error(`${path}: tmpfsSizeMiB must be a whole number, at least 1; got ${resolved.tmpfsSizeMiB}`);
    }
  }

  private validateVariables(environment: Readonly<Record<string, string>>, secrets: Readonly<Record<string, ContainerSecret>>): void {
    const path = this.node.path;
    for (const key of [...Object.keys(environment), ...Object.keys(secrets)]) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        throw new Error(`${path}: environment variable name "${key}" is invalid; use letters, digits and _, not starting with a digit`);
      }
    }
    for (const key of Object.keys(secrets)) {
      if (key in environment) {
        throw new Error(`${path}: "${key}" is both in environment and in secrets; keep it in secrets only`);
      }
    }
    for (const [key, value] of Object.entries(environment)) {
      // Terraform would read a literal ${...} or %{...} in the task definition as its own template syntax.
      if (!Token.isUnresolved(value) && /[$%]\{/.test(value)) {
        throw new Error(`${path}: environment ${key} contains "\${" or "%{", which Terraform would interpolate; remove it`);
      }
    }
    for (const [key, secret] of Object.entries(secrets)) {
      if (!Token.isUnresolved(secret.secretArn) && !SECRET_ARN.test(secret.secretArn)) {
        throw new Error(
          `${path}: secrets ${key} is "${secret.secretArn}", not a Secrets Manager secret ARN ` +
            "(arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>); put a JSON key in jsonKey, not in the ARN",
        );
      }
      if (secret.jsonKey !== undefined && !/^[^:\s]+$/.test(secret.jsonKey)) {
        throw new Error(`${path}: secrets ${key} has jsonKey "${secret.jsonKey}"; use a non-empty key without ":" or spaces`);
      }
    }
  }
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** Deploy by digest: a tag can be moved in a mutable registry, a digest always names the same bytes. */
function checkImagePinned(path: string, image: string): void {
  const at = image.lastIndexOf("@");
  const digest = at === -1 ? "" : image.slice(at + 1);
  if (at === -1 || (!Token.isUnresolved(digest) && !/^sha256:[0-9a-f]{64}$/.test(digest))) {
    throw new Error(
      `${path}: image "${image}" is not pinned by digest; use "<repositoryUrl>@sha256:<64 hex digits>" so every task runs the same image`,
    );
  }
}

function normalizeSecrets(secrets: Readonly<Record<string, string | ContainerSecret>>): Record<string, ContainerSecret> {
  return Object.fromEntries(
    Object.entries(secrets).map(([key, value]) => [key, typeof value === "string" ? { secretArn: value } : value]),
  );
}

/** Sorted, so reordering props never changes the task definition (a new revision and a deployment). */
function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** ECS omits empty lists when it returns a task definition; writing them would show a diff forever. */
function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
