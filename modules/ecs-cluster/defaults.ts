/** Opinionated defaults of `EcsCluster`, as data, so a reviewer reads them in one place. */

/** CPU architectures the ECS-optimized Amazon Linux 2023 AMI is published for. */
export type Architecture = "arm64" | "x86_64";

/**
 * SSM public parameters holding the latest recommended ECS-optimized AL2023 AMI.
 * The x86_64 path has no architecture segment; that is how AWS publishes it.
 */
export const ECS_AMI_PARAMETER: Readonly<Record<Architecture, string>> = {
  arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
  x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
};

export const CLUSTER_DEFAULTS = {
  architecture: "arm64" as Architecture,
  /** `enhanced` adds task- and container-level metrics (provider >= 5.81 accepts it). */
  containerInsights: "enhanced" as const,
  /** The AL2023 ECS AMI's root snapshot is 30 GiB; a smaller volume fails at launch. */
  rootVolumeSizeGiB: 30,
  /** The root device of Amazon Linux 2023 AMIs. */
  rootDeviceName: "/dev/xvda",
  instanceRefresh: true,
  /** Seconds a new instance needs before ECS managed scaling counts its metrics. */
  instanceWarmupSeconds: 300,
  /** Managed scaling keeps instances exactly as full as tasks need (100 = no idle headroom beyond bin-packing). */
  targetCapacityPercent: 100,
  maximumScalingStepSize: 2,
} as const;

/** Auto Scaling group metrics published to CloudWatch; group metrics at 1-minute granularity are free. */
export const ASG_METRICS = [
  "GroupMinSize",
  "GroupMaxSize",
  "GroupDesiredCapacity",
  "GroupInServiceInstances",
  "GroupPendingInstances",
  "GroupTerminatingInstances",
  "GroupTotalInstances",
];

/**
 * What the Auto Scaling service-linked role needs on a customer managed key to
 * launch instances with volumes encrypted by it (AWS's documented grant operations).
 */
export const EBS_KEY_GRANT_OPERATIONS = [
  "Encrypt",
  "Decrypt",
  "ReEncryptFrom",
  "ReEncryptTo",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "DescribeKey",
  "CreateGrant",
];

/** AWS managed policies of the container instance role. */
export const INSTANCE_MANAGED_POLICIES = [
  // Lets the ECS agent register, poll for tasks, pull images and ship logs for tasks without an execution role.
  "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
  // Session Manager replaces SSH: no key pair, no inbound port, every session audited.
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
];
