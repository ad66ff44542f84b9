import { describe, expect, it } from "vitest";
import { ContainerRepository } from "../../modules/ecr";
import { EncryptionKey } from "../../modules/kms";
import { ServiceRole } from "../../modules/iam-role";
import { synth, testStack } from "../support/synth";

describe("ContainerRepository", () => {
  it("makes tags immutable, scans on push and refuses to delete a repository that holds images", () => {
    const stack = testStack();
    new ContainerRepository(stack, "repo", { purpose: "api" });
    expect(synth(stack).resource("aws_ecr_repository")).toMatchObject({
      name: "taskboard-test-api",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      force_delete: false,
    });
  });

  it("encrypts images with a customer managed key of its own by default", () => {
    const stack = testStack();
    new ContainerRepository(stack, "repo", { purpose: "api" });
    const out = synth(stack);
    expect(out.resource("aws_ecr_repository").encryption_configuration).toEqual([
      { encryption_type: "KMS", kms_key: expect.stringMatching(/^\$\{aws_kms_key\.repo_[A-Za-z0-9_-]+\.arn\}$/) },
    ]);
    expect(out.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
  });

  it("uses a given key instead of creating one", () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, "images-key", { purpose: "images" });
    new ContainerRepository(stack, "repo", { purpose: "api", encryptionKey: key });
    const out = synth(stack);
    expect(Object.keys(out.resources("aws_kms_key"))).toHaveLength(1);
    expect(out.resource("aws_ecr_repository").encryption_configuration).toEqual([
      { encryption_type: "KMS", kms_key: expect.stringMatching(/^\$\{aws_kms_key\.images-key_/) },
    ]);
  });

  it("expires untagged images after N days and keeps the newest N tagged images", () => {
    const stack = testStack();
    new ContainerRepository(stack, "repo", { purpose: "api", untaggedExpiryDays: 3, keepTaggedImages: 15 });
    const lifecycle = synth(stack).resource("aws_ecr_lifecycle_policy");
    expect(lifecycle.repository).toMatch(/^\$\{aws_ecr_repository\.repo_repository_[A-Z0-9]+\.name\}$/);
    expect(JSON.parse(lifecycle.policy as string)).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: "Expire untagged images 3 days after push",
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "Keep the newest 15 tagged images",
          selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 15 },
          action: { type: "expire" },
        },
      ],
    });
  });

  it("defaults to 7 days for untagged images and 30 tagged images", () => {
    const stack = testStack();
    new ContainerRepository(stack, "repo", { purpose: "api" });
    const policy = JSON.parse(synth(stack).resource("aws_ecr_lifecycle_policy").policy as string) as {
      rules: { selection: { countNumber: number } }[];
    };
    expect(policy.rules.map((rule) => rule.selection.countNumber)).toEqual([7, 30]);
  });

  it("grants pull on this repository only, plus the registry token that supports no resource scoping", () => {
    const stack = testStack();
    const repo = new ContainerRepository(stack, "repo", { purpose: "api" });
    const role = new ServiceRole(stack, "puller", { purpose: "puller", assumedBy: ["ecs-tasks.amazonaws.com"] });
    repo.grantPull(role, "PullApi");
    const statements = synth(stack).policyStatements("puller/grant-");
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: "PullApi",
          effect: "Allow",
          actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          resources: [expect.stringMatching(/^\$\{aws_ecr_repository\.repo_repository_[A-Z0-9]+\.arn\}$/)],
        },
        { sid: "PullApiAuthToken", effect: "Allow", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      ]),
    );
  });

  it("grants push on this repository only", () => {
    const stack = testStack();
    const repo = new ContainerRepository(stack, "repo", { purpose: "api" });
    const role = new ServiceRole(stack, "ci", { purpose: "ci", assumedBy: ["codebuild.amazonaws.com"] });
    repo.grantPush(role, "PushApi");
    const statements = synth(stack).policyStatements("ci/grant-");
    const push = statements.find((s) => s.sid === "PushApi");
    expect(push).toMatchObject({
      actions: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
      ],
      resources: [expect.stringMatching(/^\$\{aws_ecr_repository\.repo_repository_[A-Z0-9]+\.arn\}$/)],
    });
    expect(statements.find((s) => s.sid === "PushApiAuthToken")).toMatchObject({ resources: ["*"] });
    expect(statements.flatMap((s) => s.actions as string[]).filter((a) => a.startsWith("ecr:Delete"))).toEqual([]);
  });

  it("throws when untaggedExpiryDays is not a positive whole number", () => {
    expect(() => new ContainerRepository(testStack(), "repo", { purpose: "api", untaggedExpiryDays: 0 })).toThrow(
      /test\/repo: untaggedExpiryDays must be a whole number of days, at least 1; got 0/,
    );
  });

  it("throws when keepTaggedImages is not a positive whole number", () => {
    expect(() => new ContainerRepository(testStack(), "repo", { purpose: "api", keepTaggedImages: 2.5 })).toThrow(
      /test\/repo: keepTaggedImages must be a whole number, at least 1; got 2\.5/,
    );
  });
});
