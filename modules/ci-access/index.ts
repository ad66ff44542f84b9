import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import type { SecureBucket } from "../bucket";
import { PlatformContext } from "../core/context";
import type { PolicyStatement } from "../core/policy";
import { CI_ACCESS_DEFAULTS, CLOUDFRONT_REGION, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL } from "./defaults";
import { CiRole } from "./private/ci-role";
import {
  deliveryStatements,
  manageComputeStatements,
  manageDataStatements,
  manageEdgeStatements,
  manageNetworkStatements,
  manageOperationsStatements,
  refreshReadStatements,
  type CiScope,
} from "./private/policies";

export { CiRole } from "./private/ci-role";
export type { CiScope } from "./private/policies";

export interface GithubCiAccessProps {
  /** The repository whose workflows may assume the roles, `<owner>/<name>` (the environment config's `ci.repository`). */
  readonly repository: string;
  /** The bucket holding this environment's Terraform state (the bootstrap stack's). */
  readonly stateBucket: SecureBucket;
  /**
   * Where the state bucket's server access logs go; the deploy role may not change or empty it.
   * @default - no log bucket to protect
   */
  readonly stateAccessLogBucket?: SecureBucket;
  /** The state object's key in `stateBucket` (`taskboard/<env>/terraform.tfstate`); its lock file is `<key>.tflock`. */
  readonly stateObjectKey: string;
  /**
   * The GitHub environment deploy jobs run in; only tokens issued to it may assume the deploy role.
   * Protect it in GitHub (required reviewers for prod, deployments from `main` only).
   * @default - the environment's name (`dev`, `staging`, `prod`)
   */
  readonly deployEnvironment?: string;
  /**
   * The GitHub environment pull-request plans and drift checks run in; only its tokens may assume the
   * plan role. Kept apart from `deployEnvironment` so a plan never waits for prod's reviewers and a
   * pull request can never reach the deploy role.
   * @default - `<environment>-plan`
   */
  readonly planEnvironment?: string;
  /**
   * The account's GitHub OIDC provider, when something else already created it (an account holds one
   * per URL).
   * @default - this construct creates the provider
   */
  readonly existingProviderArn?: string;
  /** Route53 hosted zones the environment stack writes records into. @default - none: no Route53 write access */
  readonly hostedZoneIds?: readonly string[];
  /** SES identities (a domain or an address) the environment stack verifies. @default - none: no SES identity access */
  readonly emailIdentities?: readonly string[];
  /**
   * Purpose of the ECR repository the pipeline pushes to.
   * @default "tasks-api" - the repository `taskboard-<env>-tasks-api`
   */
  readonly imageRepositoryPurpose?: string;
  /**
   * Purpose of the task definition family the pipeline registers for one-off tasks (migrations).
   * @default "tasks-api-migrate"
   */
  readonly oneOffTaskPurpose?: string;
  /** Purpose of the site bucket the pipeline publishes to. @default "site" */
  readonly siteBucketPurpose?: string;
  /** Purpose of the Secrets Manager secret holding the smoke-test account. @default "smoke-test" */
  readonly smokeTestSecretPurpose?: string;
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** Characters GitHub allows in environment names that are also literal in IAM string matching (no `*`, `?`). */
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/**
 * GitHub Actions' way into one environment's account: the GitHub OIDC
 * identity provider, a read-only plan role and a deploy role, each trusting
 * exactly one repository and one GitHub environment.
 *
 * The plan role reads configuration (never data) and may only write the
 * state lock file. The deploy role manages what the environment stack
 * declares, scoped to `taskboard-<env>-*` wherever the service allows, and
 * pushes the image, runs the migration task and publishes the site.
 */
export class GithubCiAccess extends Construct {
  readonly provider?: IamOpenidConnectProvider;
  readonly providerArn: string;
  readonly planRole: CiRole;
  readonly deployRole: CiRole;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;

  constructor(scope: Construct, id: string, props: GithubCiAccessProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    const planEnvironment = props.planEnvironment ?? `${platform.environment}${CI_ACCESS_DEFAULTS.planEnvironmentSuffix}`;
    const deployEnvironment = props.deployEnvironment ?? platform.environment;
    this.validate(props, planEnvironment, deployEnvironment);

    if (props.existingProviderArn) {
      this.providerArn = props.existingProviderArn;
    } else {
      // No thumbprint_list: IAM verifies GitHub's certificate against its own trusted CAs and ignores
      // thumbprints for this issuer; provider 5.x accepts the argument as optional and lets IAM fill it.
      this.provider = new IamOpenidConnectProvider(this, "github", {
        url: GITHUB_OIDC_URL,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
      this.providerArn = this.provider.arn;
    }

    const subject = (environment: string) => `repo:${props.repository}:environment:${environment}`;
    this.planRole = new CiRole(this, "plan", {
      kind: "plan",
      providerArn: this.providerArn,
      subject: subject(planEnvironment),
      maxSessionSeconds: CI_ACCESS_DEFAULTS.planSessionSeconds,
      description: `GitHub Actions: terraform plan and drift checks of ${platform.environment} (read-only)`,
    });
    this.deployRole = new CiRole(this, "deploy", {
      kind: "deploy",
      providerArn: this.providerArn,
      subject: subject(deployEnvironment),
      maxSessionSeconds: CI_ACCESS_DEFAULTS.deploySessionSeconds,
      description: `GitHub Actions: deploys ${platform.environment}`,
    });
    this.planRoleArn = this.planRole.roleArn;
    this.deployRoleArn = this.deployRole.roleArn;

    const prefix = platform.name("");
    const ciScope: CiScope = {
      partition: platform.partition,
      accountId: platform.accountId,
      region: platform.region,
      globalRegion: CLOUDFRONT_REGION,
      prefix,
      environmentTag: platform.environment,
      hostedZoneIds: props.hostedZoneIds ?? [],
      emailIdentities: props.emailIdentities ?? [],
    };

    this.grantStateAccess(props, "plan");
    this.grantStateAccess(props, "deploy");

    this.planRole.attachPolicy("refresh", "Configuration reads terraform plan refreshes with; no data reads", refreshReadStatements(ciScope));

    this.deployRole.attachPolicy("refresh", "Configuration reads terraform refreshes with", refreshReadStatements(ciScope));
    this.deployRole.attachPolicy("compute", "Identities, functions, containers, scaling", manageComputeStatements(ciScope));
    this.deployRole.attachPolicy("network", "VPC networking and launch templates, by Environment tag", manageNetworkStatements(ciScope));
    this.deployRole.attachPolicy("data", "Tables, database, buckets, keys, queues, topics", manageDataStatements(ciScope));
    this.deployRole.attachPolicy("edge", "Load balancers, CDN, certificates, WAF, API, DNS", manageEdgeStatements(ciScope));
    this.deployRole.attachPolicy("operations", "Logs, alarms, dashboards, events, pipes, schedules, trail, email", manageOperationsStatements(ciScope));
    this.deployRole.attachPolicy(
      "delivery",
      "Image push, migration task, site publish, smoke-test account; guards on CI access and state",
      deliveryStatements(ciScope, {
        imageRepositoryName: platform.name(props.imageRepositoryPurpose ?? "tasks-api", { maxLength: 256 }),
        oneOffTaskFamily: platform.name(props.oneOffTaskPurpose ?? "tasks-api-migrate", { maxLength: 255 }),
        siteBucketPrefix: platform.namePrefix(props.siteBucketPurpose ?? "site", { maxLength: 63 }),
        smokeTestSecretName: platform.name(props.smokeTestSecretPurpose ?? "smoke-test", { maxLength: 512 }),
        ciNamePrefix: platform.name("ci"),
        stateBucketArn: props.stateBucket.bucketArn,
        stateAccessLogBucketArn: props.stateAccessLogBucket?.bucketArn,
        stateKeyArn: props.stateBucket.encryptionKey?.keyArn,
      }),
    );
  }

  /**
   * Both roles read the state and take the lock (`use_lockfile` writes and
   * deletes `<key>.tflock`, encrypted like the state); only the deploy role
   * writes the state itself.
   */
  private grantStateAccess(props: GithubCiAccessProps, kind: "plan" | "deploy"): void {
    const role = kind === "plan" ? this.planRole : this.deployRole;
    const bucket = props.stateBucket;
    const lockFile = `${bucket.bucketArn}/${props.stateObjectKey}.tflock`;
    role.addToPolicy({ sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [bucket.bucketArn] });
    // Covers the lock file too: a second run reads it to report who holds the lock.
    bucket.grantRead(role, "ReadState", props.stateObjectKey);
    if (kind === "deploy") bucket.grantWrite(role, "WriteState", props.stateObjectKey);
    const lockStatements: PolicyStatement[] = [
      { sid: "StateLockFile", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [lockFile] },
    ];
    const key = bucket.encryptionKey;
    if (key && kind === "plan") {
      const region = PlatformContext.of(this).region;
      lockStatements.push({
        sid: "StateLockFileKey",
        actions: ["kms:GenerateDataKey"],
        resources: [key.keyArn],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${region}.amazonaws.com`] }],
      });
    }
    for (const statement of lockStatements) role.addToPolicy(statement);
  }

  private validate(props: GithubCiAccessProps, planEnvironment: string, deployEnvironment: string): void {
    const path = this.node.path;
    if (!REPOSITORY.test(props.repository)) {
      throw new Error(`${path}: repository "${props.repository}" is not a GitHub repository slug; use "<owner>/<name>", e.g. "example-org/taskboard"`);
    }
    for (const [name, value] of [
      ["planEnvironment", planEnvironment],
      ["deployEnvironment", deployEnvironment],
    ] as const) {
      if (!GITHUB_ENVIRONMENT.test(value)) {
        throw new Error(`${path}: ${name} "${value}" must be a GitHub environment name of letters, digits, ".", "_" and "-" (IAM would treat "*" or "?" as wildcards)`);
      }
    }
    if (planEnvironment === deployEnvironment) {
      throw new Error(
        `${path}: planEnvironment and deployEnvironment are both "${planEnvironment}"; pull-request plans would then hold tokens the deploy role trusts. Use two GitHub environments, e.g. "${deployEnvironment}-plan" and "${deployEnvironment}"`,
      );
    }
    if (props.stateObjectKey.length === 0 || props.stateObjectKey.startsWith("/") || /[*?]/.test(props.stateObjectKey)) {
      throw new Error(`${path}: stateObjectKey "${props.stateObjectKey}" must be the backend's key, e.g. "taskboard/dev/terraform.tfstate" (no leading "/", no wildcards)`);
    }
    for (const zone of props.hostedZoneIds ?? []) {
      if (!HOSTED_ZONE_ID.test(zone)) {
        throw new Error(`${path}: hostedZoneIds entry "${zone}" is not a Route53 hosted zone id such as "Z0123456789ABCDEFGHIJ"`);
      }
    }
    for (const identity of props.emailIdentities ?? []) {
      if (identity.length === 0 || /[*?\s]/.test(identity)) {
        throw new Error(`${path}: emailIdentities entry "${identity}" must be a domain or an email address without wildcards`);
      }
    }
  }
}
