import { describe, expect, it } from "vitest";
import { Testing, type TerraformStack } from "cdktf";
import { SecureBucket } from "../../modules/bucket";
import { GithubCiAccess, type GithubCiAccessProps } from "../../modules/ci-access";
import { DATA_READ_ACTIONS, READ_ONLY_HTTP_ACTIONS, READ_ONLY_VERBS } from "../../modules/ci-access/defaults";
import { EncryptionKey } from "../../modules/kms";
import { loadEnvironments } from "../../config";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { stateLocation } from "../../stacks/platform-stack";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack, type Synthesized } from "../support/synth";

const STATE_KEY = "taskboard/test/terraform.tfstate";
const REPO_ARN = `arn:aws:ecr:${TEST_REGION}:${TEST_ACCOUNT}:repository/taskboard-test-tasks-api`;

interface Statement {
  sid: string;
  effect: string;
  actions: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

function build(overrides: Partial<GithubCiAccessProps> = {}, stack: TerraformStack = testStack()) {
  const key = new EncryptionKey(stack, "state-key", { purpose: "tfstate" });
  const stateBucket = new SecureBucket(stack, "state-bucket", { purpose: "tfstate", encryption: { type: "kms", key } });
  const access = new GithubCiAccess(stack, "ci", {
    repository: "example-org/taskboard",
    stateBucket,
    stateObjectKey: STATE_KEY,
    ...overrides,
  });
  return { stack, access };
}

/** Every statement a role holds: its inline grants and its managed policies (matched by construct path). */
function roleStatements(out: Synthesized, role: "plan" | "deploy"): Statement[] {
  return Object.entries(out.dataSources("aws_iam_policy_document"))
    .filter(([id]) => id.startsWith(`ci_${role}_`) && !id.startsWith(`ci_${role}_trust`))
    .flatMap(([, doc]) => doc.statement as Statement[]);
}

function trustOf(out: Synthesized, role: "plan" | "deploy"): Statement[] {
  return out.policyStatements(`ci/${role}/trust`) as unknown[] as Statement[];
}

/** IAM's action matching: `*` any run of characters, `?` one character, case-insensitive. */
function matches(pattern: string, action: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(action);
}

function isReadOnly(action: string): boolean {
  if ((READ_ONLY_HTTP_ACTIONS as readonly string[]).includes(action)) return true;
  const name = action.split(":")[1] ?? "";
  return READ_ONLY_VERBS.some((verb) => name.startsWith(verb));
}

describe("GithubCiAccess", () => {
  it("creates GitHub's OIDC provider for the sts.amazonaws.com audience, without pinned thumbprints", () => {
    const out = synth(build().stack);
    const provider = out.resource("aws_iam_openid_connect_provider");
    expect(provider).toEqual({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
  });

  it("reuses an existing provider instead of creating a second one", () => {
    const arn = `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const out = synth(build({ existingProviderArn: arn }).stack);
    expect(out.resources("aws_iam_openid_connect_provider")).toEqual({});
    expect(trustOf(out, "plan")[0]!.principals).toEqual([{ type: "Federated", identifiers: [arn] }]);
  });

  it.each([
    ["plan", "repo:example-org/taskboard:environment:test-plan"],
    ["deploy", "repo:example-org/taskboard:environment:test"],
  ] as const)("lets only the repository's %s GitHub environment assume the role, for the STS audience", (role, subject) => {
    const out = synth(build().stack);
    expect(trustOf(out, role)).toEqual([
      {
        sid: "TrustGithubEnvironment",
        effect: "Allow",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: [{ type: "Federated", identifiers: [expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\.ci_github_[A-Z0-9]+\.arn\}$/)] }],
        condition: [
          { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
          { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: [subject] },
        ],
      },
    ]);
  });

  it("names the roles after the environment and bounds their sessions", () => {
    const roles = Object.values(synth(build().stack).resources("aws_iam_role"));
    expect(roles.map((r) => [r.name, r.max_session_duration]).sort()).toEqual([
      ["taskboard-test-ci-deploy", 7200],
      ["taskboard-test-ci-plan", 3600],
    ]);
  });

  it("gives the plan role no write action except the state lock file", () => {
    const statements = roleStatements(synth(build().stack), "plan");
    expect(statements.length).toBeGreaterThan(5);
    const lockFile = expect.stringMatching(new RegExp(`/${STATE_KEY.replaceAll("/", "\\/")}\\.tflock$`));
    const stateKey = expect.stringMatching(/^\$\{aws_kms_key\.state-key_[A-Za-z0-9_]+\.arn\}$/);
    for (const statement of statements) {
      expect(statement.effect, statement.sid).toBe("Allow");
      if (statement.sid === "StateLockFile") {
        expect(statement.actions).toEqual(["s3:PutObject", "s3:DeleteObject"]);
        expect(statement.resources).toEqual([lockFile]);
      } else if (statement.sid === "StateLockFileKey") {
        // The lock file is written encrypted like the state; GenerateDataKey only through S3.
        expect(statement.actions).toEqual(["kms:GenerateDataKey"]);
        expect(statement.resources).toEqual([stateKey]);
        expect(statement.condition).toEqual([{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${TEST_REGION}.amazonaws.com`] }]);
      } else if (statement.sid === "ReadStateKey") {
        expect(statement.actions).toEqual(["kms:Decrypt", "kms:DescribeKey"]);
        expect(statement.resources).toEqual([stateKey]);
      } else {
        const writes = statement.actions.filter((action) => !isReadOnly(action));
        expect(writes, `${statement.sid} holds non-read actions`).toEqual([]);
      }
    }
  });

  it("never lets the plan role read data: no item, secret, message, log event, image layer or object reads beyond the state and the Lambda packages", () => {
    const statements = roleStatements(synth(build().stack), "plan");
    const allowedObjectReads = [/^\$\{aws_s3_bucket\.state-bucket_[A-Za-z0-9_]+\.arn\}\/taskboard\/test\/terraform\.tfstate\*$/, /^arn:aws:s3:::taskboard-test-lambda-artifacts-\*\/lambda\/\*$/];
    for (const statement of statements) {
      for (const pattern of statement.actions) {
        for (const dataAction of DATA_READ_ACTIONS) {
          if (!matches(pattern, dataAction)) continue;
          if (dataAction === "s3:GetObject" || dataAction === "kms:Decrypt") {
            const resources = statement.resources ?? [];
            const ok = resources.every(
              (resource) => allowedObjectReads.some((allowed) => allowed.test(resource)) || /^\$\{aws_kms_key\.state-key_/.test(resource),
            );
            expect(ok, `${statement.sid}: ${pattern} on ${resources.join(", ")}`).toBe(true);
          } else {
            expect.fail(`${statement.sid}: ${pattern} grants the data read ${dataAction}`);
          }
        }
      }
    }
    expect(statements.flatMap((s) => s.actions)).not.toContain("*");
  });

  it("lets the plan role take the lock but never write the state object itself", () => {
    const statements = roleStatements(synth(build().stack), "plan");
    const puts = statements.filter((s) => s.actions.some((a) => matches(a, "s3:PutObject")));
    expect(puts.map((s) => s.resources)).toEqual([[expect.stringMatching(/terraform\.tfstate\.tflock$/)]]);
  });

  it("lets the deploy role write the state and release the lock", () => {
    const statements = roleStatements(synth(build().stack), "deploy");
    expect(statements.find((s) => s.sid === "WriteState")).toMatchObject({
      actions: ["s3:PutObject"],
      resources: [expect.stringMatching(/\/taskboard\/test\/terraform\.tfstate\*$/)],
    });
    expect(statements.find((s) => s.sid === "StateLockFile")!.actions).toContain("s3:DeleteObject");
  });

  it("scopes the deploy role's ECR push to the one tasks-api repository", () => {
    const statements = roleStatements(synth(build().stack), "deploy").filter((s) => s.effect === "Allow");
    const pushActions = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"];
    const pushing = statements.filter((s) => s.actions.some((pattern) => pushActions.some((action) => matches(pattern, action))));
    expect(pushing.map((s) => s.sid)).toEqual(["PushTasksApiImage"]);
    expect(pushing[0]!.resources).toEqual([REPO_ARN]);
    expect(statements.find((s) => s.sid === "RegistryLogin")).toMatchObject({ actions: ["ecr:GetAuthorizationToken"], resources: ["*"] });
  });

  it("lets the deploy role run only the migration family's tasks, in this environment's clusters", () => {
    const statements = roleStatements(synth(build().stack), "deploy");
    const runTask = statements.filter((s) => s.actions.some((a) => matches(a, "ecs:RunTask")));
    expect(runTask).toEqual([
      expect.objectContaining({
        sid: "RunMigrationTask",
        resources: [`arn:aws:ecs:${TEST_REGION}:${TEST_ACCOUNT}:task-definition/taskboard-test-tasks-api-migrate:*`],
        condition: [{ test: "ArnLike", variable: "ecs:cluster", values: [`arn:aws:ecs:${TEST_REGION}:${TEST_ACCOUNT}:cluster/taskboard-test-*`] }],
      }),
    ]);
  });

  it("scopes the deploy role's named resources to the environment's prefix and passes roles only to the stack's services", () => {
    const statements = roleStatements(synth(build().stack), "deploy");
    const named = ["ManageOwnRoles", "ManageOwnFunctions", "ManageOwnTables", "ManageOwnDatabase", "ManageOwnBuckets", "ManageOwnQueuesAndTopics", "ManageOwnLogGroups", "ManageOwnAlarmsAndDashboards", "ManageOwnLoadBalancers", "ManageOwnTrail"];
    for (const sid of named) {
      const statement = statements.find((s) => s.sid === sid)!;
      expect(statement, sid).toBeDefined();
      for (const resource of statement.resources!) expect(resource, sid).toMatch(/taskboard-test-|cluster-snapshot:\*$/);
    }
    const passRole = statements.find((s) => s.sid === "PassOwnRolesToServices")!;
    expect(passRole.resources).toEqual([`arn:aws:iam::${TEST_ACCOUNT}:role/taskboard-test-*`]);
    expect(passRole.condition![0]).toMatchObject({ test: "StringEquals", variable: "iam:PassedToService" });
    expect(statements.find((s) => s.sid === "ManageAndUseOwnKeys")!.condition).toEqual([
      { test: "StringEquals", variable: "aws:ResourceTag/Environment", values: ["test"] },
    ]);
  });

  it("names the deploy role's actions (no `*` or `service:*`) and confines every write on `*` by the Environment tag", () => {
    const allows = roleStatements(synth(build().stack), "deploy").filter((s) => s.effect !== "Deny");
    for (const statement of allows) {
      for (const action of statement.actions) expect(action, statement.sid).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      const onAnything = (statement.resources ?? []).some((r) => r === "*");
      const writes = statement.actions.filter((action) => !isReadOnly(action) && action !== "ecr:GetAuthorizationToken");
      if (!onAnything || writes.length === 0) continue;
      expect(statement.condition ?? [], statement.sid).toContainEqual({
        test: "StringEquals",
        variable: expect.stringMatching(/^aws:(RequestTag|ResourceTag)\/Environment$/),
        values: ["test"],
      });
    }
    const network = allows.filter((s) => s.sid === "CreateTaggedNetwork" || s.sid === "ChangeOwnNetwork");
    expect(network.map((s) => s.condition!.map((c) => c.variable))).toEqual([
      ["aws:RequestTag/Environment", "aws:RequestedRegion"],
      ["aws:ResourceTag/Environment", "aws:RequestedRegion"],
    ]);
  });

  it("stops the deploy role from editing the CI roles, the OIDC provider, the state bucket or the state key", () => {
    const statements = roleStatements(synth(build().stack), "deploy");
    const denies = Object.fromEntries(statements.filter((s) => s.effect === "Deny").map((s) => [s.sid, s]));
    expect(denies.DenyChangingCiAccess!.actions).toEqual(["iam:*"]);
    expect(denies.DenyChangingCiAccess!.resources).toEqual([
      `arn:aws:iam::${TEST_ACCOUNT}:role/taskboard-test-ci-*`,
      `arn:aws:iam::${TEST_ACCOUNT}:policy/taskboard-test-ci-*`,
      `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/*`,
    ]);
    expect(denies.DenyChangingStateBucket!.actions).toEqual(expect.arrayContaining(["s3:DeleteBucket", "s3:PutBucket*", "s3:DeleteObjectVersion"]));
    const stack = testStack();
    const stateAccessLogBucket = new SecureBucket(stack, "state-access-logs", { purpose: "tfstate-access-logs", encryption: { type: "s3-managed" } });
    const withLogs = roleStatements(synth(build({ stateAccessLogBucket }, stack).stack), "deploy").find((s) => s.sid === "DenyChangingStateBucket")!;
    expect(withLogs.resources).toEqual([
      expect.stringMatching(/state-bucket_[0-9A-Fa-z_]+\.arn\}$/),
      expect.stringMatching(/state-bucket_[0-9A-Fa-z_]+\.arn\}\/\*$/),
      expect.stringMatching(/state-access-logs_[0-9A-Fa-z_]+\.arn\}$/),
      expect.stringMatching(/state-access-logs_[0-9A-Fa-z_]+\.arn\}\/\*$/),
    ]);
    expect(denies.DenyChangingStateKey!.actions).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]));
  });

  it("writes Route53 records only in the configured zones, and none without a zone", () => {
    const withZone = roleStatements(synth(build({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] }).stack), "deploy");
    expect(withZone.find((s) => s.sid === "WriteOwnZoneRecords")!.resources).toEqual(["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]);
    const withoutZone = roleStatements(synth(build().stack), "deploy");
    expect(withoutZone.some((s) => s.actions.some((a) => matches(a, "route53:ChangeResourceRecordSets")))).toBe(false);
  });

  it("keeps every managed policy under IAM's 6,144-character limit, and attaches at most 10 per role", () => {
    const out = synth(build({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"], emailIdentities: ["board.example.com"] }).stack);
    const documents = Object.entries(out.dataSources("aws_iam_policy_document")).filter(([id]) => /^ci_(plan|deploy)_[a-z]+-document_/.test(id));
    // plan: refresh; deploy: refresh, compute, network, data, edge, operations, delivery.
    expect(documents.length).toBe(8);
    for (const [id, doc] of documents) {
      const statements = doc.statement as Statement[];
      // Token references are rendered as ~70-character ARNs; IAM counts the policy without whitespace.
      const json = JSON.stringify({ Version: "2012-10-17", Statement: statements }).replace(/\$\{[^}]+\}/g, "x".repeat(70));
      expect(json.length, id).toBeLessThan(6144);
    }
    const attachments = Object.values(out.resources("aws_iam_role_policy_attachment"));
    expect(attachments.filter((a) => String(a.role).includes("ci_deploy")).length).toBeLessThanOrEqual(10);
  });

  it("throws when the repository is not an owner/name slug", () => {
    expect(() => build({ repository: "taskboard" })).toThrow(/ci: repository "taskboard" is not a GitHub repository slug; use "<owner>\/<name>"/);
  });

  it("throws when a GitHub environment name holds an IAM wildcard", () => {
    expect(() => build({ deployEnvironment: "prod*" })).toThrow(/ci: deployEnvironment "prod\*" must be a GitHub environment name/);
  });

  it("throws when plan and deploy share a GitHub environment", () => {
    expect(() => build({ planEnvironment: "test", deployEnvironment: "test" })).toThrow(
      /ci: planEnvironment and deployEnvironment are both "test".*Use two GitHub environments/,
    );
  });

  it("throws when the state key is not a plain object key", () => {
    expect(() => build({ stateObjectKey: "/taskboard/*" })).toThrow(/ci: stateObjectKey "\/taskboard\/\*" must be the backend's key/);
  });

  it("throws when a hosted zone id is malformed", () => {
    expect(() => build({ hostedZoneIds: ["zone-1"] })).toThrow(/ci: hostedZoneIds entry "zone-1" is not a Route53 hosted zone id/);
  });

  it("throws when an email identity holds a wildcard", () => {
    expect(() => build({ emailIdentities: ["*.example.com"] })).toThrow(/ci: emailIdentities entry "\*\.example\.com" must be a domain or an email address/);
  });
});

describe("bootstrap stack CI access", () => {
  const [dev, , prod] = loadEnvironments({});

  it("creates the roles beside the state they lock, for the configured repository, and outputs their ARNs", () => {
    const stack = new BootstrapStack(Testing.app(), "bootstrap-prod", prod!);
    const json = JSON.parse(Testing.synth(stack)) as { output: Record<string, unknown>; data: Record<string, Record<string, { statement: Statement[] }>> };
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(["ci_plan_role_arn", "ci_deploy_role_arn", "github_oidc_provider_arn"]));
    const docs = json.data.aws_iam_policy_document!;
    const trust = Object.entries(docs).find(([id]) => id.startsWith("ci-access_deploy_trust"))![1].statement[0]!;
    expect(trust.condition!.find((c) => c.variable.endsWith(":sub"))!.values).toEqual([`repo:${prod!.ci.repository}:environment:prod`]);
    const lock = Object.entries(docs).find(([id]) => id.startsWith("ci-access_plan_grant-StateLockFile_"))![1].statement[0]!;
    expect(lock.resources).toEqual([expect.stringMatching(new RegExp(`/${stateLocation(prod!).key.replaceAll("/", "\\/")}\\.tflock$`))]);
    const zones = Object.entries(docs).find(([id]) => id.startsWith("ci-access_deploy_edge-document"))![1].statement.find((s) => s.sid === "WriteOwnZoneRecords")!;
    expect(zones.resources).toEqual([`arn:aws:route53:::hostedzone/${prod!.edge.domain!.hostedZoneId}`]);
  });

  it("gives dev (no domain) no Route53 write and the sender address as its SES identity", () => {
    const stack = new BootstrapStack(Testing.app(), "bootstrap-dev", dev!);
    const json = JSON.parse(Testing.synth(stack)) as { data: Record<string, Record<string, { statement: Statement[] }>> };
    const documents = Object.entries(json.data.aws_iam_policy_document!);
    const edge = documents.find(([id]) => id.startsWith("ci-access_deploy_edge-document"))![1].statement;
    expect(edge.some((s) => s.sid === "WriteOwnZoneRecords")).toBe(false);
    const operations = documents.find(([id]) => id.startsWith("ci-access_deploy_operations-document"))![1].statement;
    expect(operations.find((s) => s.sid === "ManageOwnEmail")!.resources).toContain(`arn:aws:ses:${dev!.region}:${dev!.accountId}:identity/${dev!.mailFrom}`);
  });
});
