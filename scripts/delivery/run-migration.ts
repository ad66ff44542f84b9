/**
 * Runs the database migrations of a new tasks-api image as a one-off ECS
 * task, before `terraform apply` rolls the service onto that image, and fails
 * (stopping the rollout) unless the task exits 0.
 *
 *   node --import tsx scripts/delivery/run-migration.ts --outputs outputs.json --image-digest sha256:... [--dry-run]
 *
 * `--outputs` is `terraform output -json` of the environment's stack (read
 * with the deploy role before the apply).
 *
 * RunTask cannot override a container's image, so the task runs from a task
 * definition of its own family, `<service family>-migrate`: a copy of the
 * service's current definition (same roles, secrets, network, logs) with the
 * new image and `node main.mjs migrate` as its command. The service's own
 * family stays Terraform's alone; the migrate family is registered here and
 * its revision deregistered after the run. Migrations must be backward
 * compatible (expand first, contract in a later release): the old tasks keep
 * serving until the apply replaces them.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { awsCli, commandOf, type AwsCli } from "./lib/aws";

export const MIGRATE_COMMAND = ["node", "main.mjs", "migrate"] as const;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The stack outputs the migration needs (`terraform output -json` has `{ name: { value } }`). */
export interface MigrationTarget {
  readonly cluster: string;
  readonly family: string;
  readonly repositoryUrl: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
}

export function targetFromOutputs(outputs: Readonly<Record<string, { readonly value: unknown }>>): MigrationTarget {
  const text = (name: string): string => {
    const value = outputs[name]?.value;
    if (typeof value !== "string" || value.length === 0) throw new Error(`stack output ${name} is missing: has the stack been applied?`);
    return value;
  };
  const cluster = text("ecs_cluster_name");
  const family = text("tasks_api_task_definition_family");
  const repositoryUrl = text("tasks_api_repository_url");
  const securityGroupId = text("tasks_api_security_group_id");
  const subnets = outputs.private_subnet_ids?.value;
  if (!Array.isArray(subnets) || subnets.length === 0 || !subnets.every((id) => typeof id === "string")) {
    throw new Error("stack output private_subnet_ids is missing or empty");
  }
  return { cluster, family, repositoryUrl, subnetIds: subnets as string[], securityGroupId };
}

/** A container definition as `describe-task-definition` returns it (the fields this script touches). */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential?: boolean;
  readonly command?: readonly string[];
  readonly portMappings?: readonly unknown[];
  readonly healthCheck?: unknown;
  readonly [key: string]: unknown;
}

export interface TaskDefinition {
  readonly family: string;
  readonly taskRoleArn?: string;
  readonly executionRoleArn?: string;
  readonly networkMode?: string;
  readonly containerDefinitions: readonly ContainerDefinition[];
  readonly volumes?: readonly unknown[];
  readonly placementConstraints?: readonly unknown[];
  readonly requiresCompatibilities?: readonly string[];
  readonly cpu?: string;
  readonly memory?: string;
  readonly runtimePlatform?: unknown;
  readonly ephemeralStorage?: unknown;
  readonly [key: string]: unknown;
}

/** The fields `register-task-definition` accepts that a copy should keep. */
const REGISTERABLE = [
  "taskRoleArn",
  "executionRoleArn",
  "networkMode",
  "volumes",
  "placementConstraints",
  "requiresCompatibilities",
  "cpu",
  "memory",
  "runtimePlatform",
  "ephemeralStorage",
  "pidMode",
  "ipcMode",
] as const;

/**
 * The migration task definition: the service's container (the first
 * essential one) with the new image and the migrate command, no ports (it
 * serves nothing) and no health check (it is not a server).
 */
export function migrationTaskDefinition(current: TaskDefinition, image: string, family = `${current.family}-migrate`): Record<string, unknown> {
  const app = current.containerDefinitions.find((container) => container.essential !== false) ?? current.containerDefinitions[0];
  if (!app) throw new Error(`task definition ${current.family} has no containers`);
  const { portMappings: _ports, healthCheck: _health, ...rest } = app;
  const copy: Record<string, unknown> = { family };
  for (const field of REGISTERABLE) if (current[field] !== undefined) copy[field] = current[field];
  copy.containerDefinitions = [{ ...rest, image, command: [...MIGRATE_COMMAND], essential: true }];
  copy.tags = [{ key: "Purpose", value: "migration" }];
  return copy;
}

export interface StoppedTask {
  readonly lastStatus?: string;
  readonly stoppedReason?: string;
  readonly containers?: readonly { readonly name: string; readonly exitCode?: number; readonly reason?: string }[];
}

/** Exit 0 of the migrate container, or what went wrong in words an operator can act on. */
export function migrationOutcome(task: StoppedTask, containerName: string): { ok: boolean; detail: string } {
  const container = task.containers?.find((c) => c.name === containerName);
  if (task.lastStatus !== "STOPPED") return { ok: false, detail: `task is ${task.lastStatus ?? "unknown"}, not STOPPED` };
  if (!container || container.exitCode === undefined) {
    return { ok: false, detail: `container ${containerName} never ran: ${task.stoppedReason ?? container?.reason ?? "no reason given"}` };
  }
  if (container.exitCode !== 0) {
    return { ok: false, detail: `migrate exited ${container.exitCode} (${task.stoppedReason ?? "see the tasks-api log group, stream prefix app"})` };
  }
  return { ok: true, detail: "migrate exited 0" };
}

export interface MigrationOptions {
  readonly target: MigrationTarget;
  readonly imageDigest: string;
  readonly aws: AwsCli;
  readonly startedBy: string;
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly log?: (line: string) => void;
}

export async function runMigration(options: MigrationOptions): Promise<{ ok: boolean; detail: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { aws, target } = options;
  if (!DIGEST.test(options.imageDigest)) throw new Error(`--image-digest ${options.imageDigest} is not sha256:<64 hex>`);
  const image = `${target.repositoryUrl}@${options.imageDigest}`;

  const described = await aws.json<{ taskDefinition: TaskDefinition }>(["ecs", "describe-task-definition", "--task-definition", target.family]);
  const definition = migrationTaskDefinition(described.taskDefinition, image);
  const containerName = (definition.containerDefinitions as ContainerDefinition[])[0]?.name ?? "app";
  const registered = await aws.json<{ taskDefinition: { taskDefinitionArn: string } }>([
    "ecs", "register-task-definition", "--cli-input-json", JSON.stringify(definition),
  ]);
  const taskDefinitionArn = registered.taskDefinition.taskDefinitionArn;
  log(`registered ${taskDefinitionArn} with ${image}`);
  try {
    const network = { awsvpcConfiguration: { subnets: target.subnetIds, securityGroups: [target.securityGroupId], assignPublicIp: "DISABLED" } };
    const started = await aws.json<{ tasks: { taskArn: string }[]; failures?: { reason?: string }[] }>([
      "ecs", "run-task",
      "--cluster", target.cluster,
      "--task-definition", taskDefinitionArn,
      "--count", "1",
      "--started-by", options.startedBy.slice(0, 128),
      "--network-configuration", JSON.stringify(network),
      "--overrides", JSON.stringify({ containerOverrides: [{ name: containerName, command: [...MIGRATE_COMMAND] }] }),
    ]);
    const taskArn = started.tasks[0]?.taskArn;
    if (!taskArn) return { ok: false, detail: `run-task started nothing: ${started.failures?.map((f) => f.reason).join(", ") ?? "no reason"}` };
    log(`started ${taskArn}; waiting up to ${options.timeoutSeconds} s`);

    const deadline = Date.now() + options.timeoutSeconds * 1000;
    for (;;) {
      const answer = await aws.json<{ tasks: StoppedTask[] }>(["ecs", "describe-tasks", "--cluster", target.cluster, "--tasks", taskArn]);
      const task = answer.tasks[0] ?? {};
      if (task.lastStatus === "STOPPED") return migrationOutcome(task, containerName);
      if (Date.now() > deadline) {
        await aws.json(["ecs", "stop-task", "--cluster", target.cluster, "--task", taskArn, "--reason", "migration timed out"]);
        return { ok: false, detail: `migration still ${task.lastStatus ?? "pending"} after ${options.timeoutSeconds} s; stopped it` };
      }
      await new Promise((done) => setTimeout(done, options.pollSeconds * 1000));
    }
  } finally {
    await aws.json(["ecs", "deregister-task-definition", "--task-definition", taskDefinitionArn]);
  }
}

/** Answers for --dry-run: a recorded describe-task-definition (or a minimal one) and a task that exits 0. */
function dryRunResponses(recorded: TaskDefinition | undefined, family: string) {
  return (args: readonly string[]): unknown => {
    switch (commandOf(args)) {
      case "ecs describe-task-definition":
        return { taskDefinition: recorded ?? { family, networkMode: "awsvpc", containerDefinitions: [{ name: "app", image: "<current>", essential: true }] } };
      case "ecs register-task-definition":
        return { taskDefinition: { taskDefinitionArn: `arn:aws:ecs:<region>:<account>:task-definition/${family}-migrate:1` } };
      case "ecs run-task":
        return { tasks: [{ taskArn: "arn:aws:ecs:<region>:<account>:task/<cluster>/dry-run" }] };
      case "ecs describe-tasks":
        return { tasks: [{ lastStatus: "STOPPED", containers: [{ name: "app", exitCode: 0 }] }] };
      default:
        return {};
    }
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      outputs: { type: "string" },
      "image-digest": { type: "string" },
      "started-by": { type: "string", default: "deploy" },
      "timeout-seconds": { type: "string", default: "900" },
      "task-definition": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!values.outputs || !values["image-digest"]) {
    console.error("usage: run-migration.ts --outputs outputs.json --image-digest sha256:... [--dry-run [--task-definition recorded.json]]");
    return 2;
  }
  const target = targetFromOutputs(JSON.parse(readFileSync(values.outputs, "utf8")) as Record<string, { value: unknown }>);
  const recorded = values["task-definition"]
    ? (JSON.parse(readFileSync(values["task-definition"], "utf8")) as { taskDefinition: TaskDefinition }).taskDefinition
    : undefined;
  const aws = awsCli({ dryRun: values["dry-run"], responses: dryRunResponses(recorded, target.family) });
  const outcome = await runMigration({
    target,
    imageDigest: values["image-digest"],
    aws,
    startedBy: values["started-by"],
    timeoutSeconds: Number(values["timeout-seconds"]),
    pollSeconds: values["dry-run"] ? 0 : 6,
  });
  console.log(`${outcome.ok ? "migrations applied" : "MIGRATION FAILED"}: ${outcome.detail}`);
  return outcome.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
