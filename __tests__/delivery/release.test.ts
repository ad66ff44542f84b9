import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MIGRATE_COMMAND,
  migrationOutcome,
  migrationTaskDefinition,
  runMigration,
  targetFromOutputs,
  type TaskDefinition,
} from "../../scripts/delivery/run-migration";
import { decidePromotion, ociArchiveDigest, parseRepositoryUrl, pushImage } from "../../scripts/delivery/promote-image";
import { lastSuccessful } from "../../scripts/delivery/deployed-commit";
import { awsCli, commandOf } from "../../scripts/delivery/lib/aws";

const FIXTURES = join(__dirname, "..", "fixtures", "delivery");
const DIGEST = `sha256:${"ab".repeat(32)}`;
const recorded = JSON.parse(readFileSync(join(FIXTURES, "describe-task-definition.json"), "utf8")) as { taskDefinition: TaskDefinition };
const outputs = JSON.parse(readFileSync(join(FIXTURES, "terraform-outputs.json"), "utf8")) as Record<string, { value: unknown }>;

describe("migration task", () => {
  it("copies the service's task definition into its own family with the new image and the migrate command", () => {
    const image = `111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/taskboard-dev-tasks-api@${DIGEST}`;
    const definition = migrationTaskDefinition(recorded.taskDefinition, image);
    expect(definition).toMatchObject({
      family: "taskboard-dev-tasks-api-migrate",
      taskRoleArn: "arn:aws:iam::111111111111:role/taskboard-dev-tasks-api-task",
      executionRoleArn: "arn:aws:iam::111111111111:role/taskboard-dev-tasks-api-execution",
      networkMode: "awsvpc",
      requiresCompatibilities: ["EC2"],
      cpu: "256",
      memory: "512",
      tags: [{ key: "Purpose", value: "migration" }],
    });
    const [container] = definition.containerDefinitions as Record<string, unknown>[];
    expect(container).toMatchObject({ name: "app", image, command: [...MIGRATE_COMMAND], essential: true, user: "1000:1000", readonlyRootFilesystem: true });
    // Same secrets and logs as the service; nothing a one-off task must not have.
    expect(container!.secrets).toEqual(recorded.taskDefinition.containerDefinitions[0]!.secrets);
    expect(container!.logConfiguration).toEqual(recorded.taskDefinition.containerDefinitions[0]!.logConfiguration);
    expect(container).not.toHaveProperty("portMappings");
    expect(container).not.toHaveProperty("healthCheck");
    // register-task-definition rejects the read-only fields describe returns.
    for (const field of ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy"]) {
      expect(definition).not.toHaveProperty(field);
    }
  });

  it("reads what it needs from the stack outputs, and says what is missing before the first apply", () => {
    expect(targetFromOutputs(outputs)).toEqual({
      cluster: "taskboard-dev-cluster",
      family: "taskboard-dev-tasks-api",
      repositoryUrl: "111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/taskboard-dev-tasks-api",
      subnetIds: ["subnet-0aaa", "subnet-0bbb"],
      securityGroupId: "sg-0123456789abcdef0",
    });
    expect(() => targetFromOutputs({})).toThrow(/stack output ecs_cluster_name is missing: has the stack been applied\?/);
  });

  it("succeeds only on exit 0 of the migrate container", () => {
    expect(migrationOutcome({ lastStatus: "STOPPED", containers: [{ name: "app", exitCode: 0 }] }, "app")).toEqual({ ok: true, detail: "migrate exited 0" });
    expect(migrationOutcome({ lastStatus: "STOPPED", containers: [{ name: "app", exitCode: 1 }] }, "app").ok).toBe(false);
    expect(migrationOutcome({ lastStatus: "STOPPED", stoppedReason: "CannotPullContainerError: not found", containers: [{ name: "app" }] }, "app")).toEqual({
      ok: false,
      detail: "container app never ran: CannotPullContainerError: not found",
    });
  });

  it("registers, runs with the command override, waits, fails on a non-zero exit and deregisters the revision anyway", async () => {
    const calls: string[][] = [];
    let polls = 0;
    const aws = awsCli({
      dryRun: true,
      log: () => undefined,
      responses: (args) => {
        calls.push([...args]);
        switch (commandOf(args)) {
          case "ecs describe-task-definition":
            return recorded;
          case "ecs register-task-definition":
            return { taskDefinition: { taskDefinitionArn: "arn:aws:ecs:ap-northeast-2:111111111111:task-definition/taskboard-dev-tasks-api-migrate:3" } };
          case "ecs run-task":
            return { tasks: [{ taskArn: "arn:aws:ecs:ap-northeast-2:111111111111:task/taskboard-dev-cluster/abc" }] };
          case "ecs describe-tasks":
            polls += 1;
            return { tasks: [polls < 2 ? { lastStatus: "RUNNING" } : { lastStatus: "STOPPED", containers: [{ name: "app", exitCode: 3 }] }] };
          default:
            return {};
        }
      },
    });
    const outcome = await runMigration({ target: targetFromOutputs(outputs), imageDigest: DIGEST, aws, startedBy: "deploy-1", timeoutSeconds: 60, pollSeconds: 0, log: () => undefined });
    expect(outcome).toEqual({ ok: false, detail: "migrate exited 3 (see the tasks-api log group, stream prefix app)" });
    expect(calls.map(commandOf)).toEqual([
      "ecs describe-task-definition",
      "ecs register-task-definition",
      "ecs run-task",
      "ecs describe-tasks",
      "ecs describe-tasks",
      "ecs deregister-task-definition",
    ]);
    const runTask = calls[2]!;
    expect(runTask.slice(runTask.indexOf("--cluster"), runTask.indexOf("--cluster") + 2)).toEqual(["--cluster", "taskboard-dev-cluster"]);
    expect(JSON.parse(runTask[runTask.indexOf("--overrides") + 1]!)).toEqual({ containerOverrides: [{ name: "app", command: ["node", "main.mjs", "migrate"] }] });
    expect(JSON.parse(runTask[runTask.indexOf("--network-configuration") + 1]!)).toEqual({
      awsvpcConfiguration: { subnets: ["subnet-0aaa", "subnet-0bbb"], securityGroups: ["sg-0123456789abcdef0"], assignPublicIp: "DISABLED" },
    });
  });

  it("refuses an image reference that is not a digest", async () => {
    const aws = awsCli({ dryRun: true, log: () => undefined });
    await expect(runMigration({ target: targetFromOutputs(outputs), imageDigest: "latest", aws, startedBy: "x", timeoutSeconds: 1, pollSeconds: 0 })).rejects.toThrow(
      /--image-digest latest is not sha256:<64 hex>/,
    );
  });
});

describe("image promotion", () => {
  /** An OCI layout archive like `docker buildx build --output type=oci` writes (only index.json matters here). */
  function ociArchive(manifests: { digest: string }[]): string {
    const dir = mkdtempSync(join(tmpdir(), "oci-"));
    mkdirSync(join(dir, "layout", "blobs", "sha256"), { recursive: true });
    writeFileSync(join(dir, "layout", "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(dir, "layout", "blobs", "sha256", "ab".repeat(32)), "{}");
    writeFileSync(join(dir, "layout", "index.json"), JSON.stringify({ schemaVersion: 2, manifests: manifests.map((m) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", size: 2, ...m })) }));
    const archive = join(dir, "image.tar");
    execFileSync("tar", ["-cf", archive, "-C", join(dir, "layout"), "oci-layout", "blobs", "index.json"]);
    return archive;
  }

  it("reads the image digest out of the OCI archive's index.json", () => {
    expect(ociArchiveDigest(ociArchive([{ digest: DIGEST }]))).toBe(DIGEST);
  });

  it("refuses an archive with several manifests (multi-platform or attestations)", () => {
    expect(() => ociArchiveDigest(ociArchive([{ digest: DIGEST }, { digest: `sha256:${"cd".repeat(32)}` }]))).toThrow(/names 2 manifests; build one platform/);
  });

  it("pushes when the tag is new, skips when it already holds the digest, and refuses to move an immutable tag", () => {
    expect(decidePromotion(undefined, DIGEST, "abc")).toEqual({ kind: "push" });
    expect(decidePromotion(DIGEST, DIGEST, "abc")).toEqual({ kind: "present" });
    expect(() => decidePromotion(`sha256:${"0".repeat(64)}`, DIGEST, "abc")).toThrow(/tag abc already names sha256:0+ .*tags are immutable/);
  });

  it("parses ECR repository URLs", () => {
    expect(parseRepositoryUrl("111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/taskboard-dev-tasks-api")).toEqual({
      registry: "111111111111.dkr.ecr.ap-northeast-2.amazonaws.com",
      region: "ap-northeast-2",
      repositoryName: "taskboard-dev-tasks-api",
    });
    expect(() => parseRepositoryUrl("docker.io/library/node")).toThrow(/is not an ECR repository URL/);
  });

  it("prints the skopeo copy it would run (digests preserved), and refuses an archive that is not the recorded image", async () => {
    const lines: string[] = [];
    const archive = ociArchive([{ digest: DIGEST }]);
    const aws = awsCli({ dryRun: true, log: (line) => lines.push(line) });
    const repositoryUrl = "111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/taskboard-dev-tasks-api";
    await pushImage({ archive, digest: DIGEST, repositoryUrl, tag: "c0ffee", aws, log: (line) => lines.push(line) });
    expect(lines).toEqual([
      "[dry-run] aws ecr describe-images --repository-name taskboard-dev-tasks-api --image-ids imageTag=c0ffee",
      "[dry-run] aws ecr get-login-password --region ap-northeast-2 | skopeo login --username AWS --password-stdin 111111111111.dkr.ecr.ap-northeast-2.amazonaws.com",
      `[dry-run] skopeo copy --preserve-digests --retry-times 3 oci-archive:${archive} docker://${repositoryUrl}:c0ffee`,
    ]);
    await expect(pushImage({ archive, digest: `sha256:${"0".repeat(64)}`, repositoryUrl, tag: "c0ffee", aws })).rejects.toThrow(/the artifact is not the one built/);
  });
});

describe("deployed commit", () => {
  it("is the newest deployment whose latest status is success", () => {
    const deployment = (id: number, sha: string, created: string, states: string[]) => ({
      id,
      sha,
      environment: "prod",
      created_at: created,
      statuses: states.map((state, i) => ({ state: state as "success", created_at: `${created.slice(0, 11)}1${i}:00:00Z` })),
    });
    expect(
      lastSuccessful([
        deployment(3, "ccc", "2025-11-03T00:00:00Z", ["in_progress"]),
        deployment(2, "bbb", "2025-11-02T00:00:00Z", ["in_progress", "failure"]),
        deployment(1, "aaa", "2025-11-01T00:00:00Z", ["in_progress", "success"]),
      ])?.sha,
    ).toBe("aaa");
    expect(lastSuccessful([])).toBeUndefined();
  });
});
