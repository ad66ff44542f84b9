import { Construct } from "constructs";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { PlatformContext } from "../core/context";
import { EncryptionKey } from "../kms";
import type { IGrantee } from "../core/policy";
import { lifecyclePolicy } from "./private/lifecycle-policy";

export interface ContainerRepositoryProps {
  /** What the repository holds; becomes its name (`taskboard-dev-<purpose>`). */
  readonly purpose: string;
  /**
   * Key encrypting the images at rest.
   * @default - a key of the repository's own (`<purpose>-ecr`)
   */
  readonly encryptionKey?: EncryptionKey;
  /**
   * Days after which images without a tag (superseded builds, failed pushes) are deleted.
   * @default 7
   */
  readonly untaggedExpiryDays?: number;
  /**
   * How many tagged images to keep; older ones are deleted. Keep more than the
   * releases you may roll back to: a deleted image cannot be pulled by a running service.
   * @default 30
   */
  readonly keepTaggedImages?: number;
}

const DEFAULT_UNTAGGED_EXPIRY_DAYS = 7;
const DEFAULT_KEEP_TAGGED_IMAGES = 30;

/**
 * A private ECR repository: immutable tags (a tag always names the same
 * image), vulnerability scan on push, images encrypted with a customer managed
 * key, old images expired by a lifecycle policy.
 */
export class ContainerRepository extends Construct {
  readonly repository: EcrRepository;
  readonly repositoryName: string;
  readonly repositoryArn: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`; a deployable image is `${repositoryUrl}@sha256:...`. */
  readonly repositoryUrl: string;
  readonly encryptionKey: EncryptionKey;
  readonly lifecyclePolicy: EcrLifecyclePolicy;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    const untaggedExpiryDays = props.untaggedExpiryDays ?? DEFAULT_UNTAGGED_EXPIRY_DAYS;
    const keepTaggedImages = props.keepTaggedImages ?? DEFAULT_KEEP_TAGGED_IMAGES;
    if (!Number.isInteger(untaggedExpiryDays) || untaggedExpiryDays < 1) {
      throw new Error(`${this.node.path}: untaggedExpiryDays must be a whole number of days, at least 1; got ${untaggedExpiryDays}`);
    }
    if (!Number.isInteger(keepTaggedImages) || keepTaggedImages < 1) {
      throw new Error(
        `${this.node.path}: keepTaggedImages must be a whole number, at least 1; got ${keepTaggedImages}. ` +
          "Keep at least the images you may roll back to",
      );
    }
    const platform = PlatformContext.of(this);

    this.encryptionKey =
      props.encryptionKey ?? new EncryptionKey(this, "key", { purpose: `${props.purpose}-ecr`, description: "ECR image encryption" });
    this.repository = new EcrRepository(this, "repository", {
      name: platform.name(props.purpose, { maxLength: 256 }),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: this.encryptionKey.keyArn }],
      // A repository that still holds images is never deleted by a plan.
      forceDelete: false,
    });
    this.repositoryName = this.repository.name;
    this.repositoryArn = this.repository.arn;
    this.repositoryUrl = this.repository.repositoryUrl;

    this.lifecyclePolicy = new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify(lifecyclePolicy({ untaggedExpiryDays, keepTaggedImages })),
    });
  }

  /**
   * Lets a role pull images from this repository (an ECS task execution role,
   * a CI job that scans images).
   *
   * Adds two grants: `<sid>` on this repository, and `<sid>AuthToken` for
   * `ecr:GetAuthorizationToken`. Pulling needs no KMS permission: ECR decrypts
   * through its own grant on the key.
   */
  grantPull(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({
      sid,
      actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      resources: [this.repositoryArn],
    });
    this.grantAuthorizationToken(grantee, sid);
  }

  /** Lets a role push images to this repository (the CI job that builds them). Adds `<sid>` and `<sid>AuthToken`. */
  grantPush(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({
      sid,
      actions: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
      ],
      resources: [this.repositoryArn],
    });
    this.grantAuthorizationToken(grantee, sid);
  }

  private grantAuthorizationToken(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({
      sid: `${sid}AuthToken`,
      actions: ["ecr:GetAuthorizationToken"],
      // GetAuthorizationToken logs in to the registry as a whole and supports
      // no resource-level permissions; IAM only accepts "*" for it. The token
      // alone reaches nothing: every image action is scoped to this repository.
      resources: ["*"],
    });
  }
}
