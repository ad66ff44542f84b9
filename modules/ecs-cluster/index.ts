import { Construct } from "constructs";
import { Token } from "cdktf";
import { EcsCluster as AwsEcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { KmsGrant } from "@cdktf/provider-aws/lib/kms-grant";
import { PlatformContext } from "../core/context";
import { EncryptionKey } from "../kms";
import { ServiceRole } from "../iam-role";
import { SecurityGroup, type IConnectable } from "../security-group";
import {
  ASG_METRICS,
  CLUSTER_DEFAULTS,
  EBS_KEY_GRANT_OPERATIONS,
  ECS_AMI_PARAMETER,
  INSTANCE_MANAGED_POLICIES,
  type Architecture,
} from "./defaults";
import { ecsUserData, isGravitonInstanceType } from "./private/user-data";

export type { Architecture } from "./defaults";

export interface EcsClusterProps {
  /** What the cluster runs; names the cluster, its instances and roles (`taskboard-dev-<purpose>`). */
  readonly purpose: string;
  readonly vpcId: string;
  /** Private subnets for the container instances, one per availability zone. */
  readonly subnetIds: readonly string[];
  /** EC2 instance type of the container instances; must match `architecture` (`t4g.small` for arm64). */
  readonly instanceType: string;
  /** Fewest instances the Auto Scaling group keeps (0 lets an idle cluster cost nothing). */
  readonly minInstances: number;
  /** Most instances ECS managed scaling may launch. */
  readonly maxInstances: number;
  /**
   * CPU architecture of the instances; picks the ECS-optimized AMI parameter.
   * @default "arm64" - Graviton, cheaper per vCPU than x86_64
   */
  readonly architecture?: Architecture;
  /**
   * Container Insights level. `enhanced` adds per-task and per-container metrics at extra CloudWatch cost.
   * @default "enhanced"
   */
  readonly containerInsights?: "enhanced" | "enabled";
  /**
   * Key encrypting the instances' root volumes.
   * @default - a key of the cluster's own (`<purpose>-ebs`)
   */
  readonly encryptionKey?: EncryptionKey;
  /**
   * Root volume size; holds the OS, Docker images and container layers.
   * @default 30 - the AMI's snapshot size, the minimum it boots with
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Replace instances (rolling, new before old, tasks drained by ECS) whenever the launch template changes.
   * @default true
   */
  readonly instanceRefresh?: boolean;
}

/**
 * An ECS cluster whose capacity is EC2 instances in private subnets, scaled by
 * an ECS capacity provider (managed scaling, managed termination protection,
 * managed draining) and made the cluster's default capacity strategy.
 *
 * Instances run the latest ECS-optimized Amazon Linux 2023 AMI (resolved from
 * SSM at launch, so no AMI lookup at plan time), require IMDSv2 with a hop
 * limit of 1, have encrypted root volumes, no public IP, no key pair (Session
 * Manager instead), and a security group with no ingress.
 */
export class EcsCluster extends Construct implements IConnectable {
  readonly cluster: AwsEcsCluster;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly capacityProvider: EcsCapacityProvider;
  readonly capacityProviderName: string;
  /** The cluster's capacity provider association; services depend on it so they never start before it exists. */
  readonly clusterCapacityProviders: EcsClusterCapacityProviders;
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly autoScalingGroupName: string;
  readonly autoScalingGroupArn: string;
  /** Role of the container instances (the ECS agent), not of tasks: tasks get their own task roles. */
  readonly instanceRole: ServiceRole;
  /** Security group of the instances themselves; tasks in awsvpc mode have their own groups. */
  readonly securityGroup: SecurityGroup;
  readonly encryptionKey: EncryptionKey;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    const architecture = props.architecture ?? CLUSTER_DEFAULTS.architecture;
    const rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? CLUSTER_DEFAULTS.rootVolumeSizeGiB;
    this.validate(props, architecture, rootVolumeSizeGiB);

    const platform = PlatformContext.of(this);
    const name = platform.name(props.purpose, { maxLength: 255 });

    this.cluster = new AwsEcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: props.containerInsights ?? CLUSTER_DEFAULTS.containerInsights }],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;

    // EC2 does not send aws:SourceAccount when it assumes an instance profile's
    // role, so the usual confused-deputy condition would leave instances without
    // credentials. No other account can use this role: launching an instance
    // with it needs iam:PassRole in this account.
    this.instanceRole = new ServiceRole(this, "instance-role", {
      purpose: `${props.purpose}-instance`,
      assumedBy: ["ec2.amazonaws.com"],
      trustConditions: [],
      managedPolicyArns: INSTANCE_MANAGED_POLICIES,
      description: `ECS container instances of ${name}`,
    });
    const instanceProfile = new IamInstanceProfile(this, "instance-profile", {
      name: platform.name(`${props.purpose}-instance`, { maxLength: 128 }),
      role: this.instanceRole.roleName,
    });

    this.securityGroup = new SecurityGroup(this, "instance-sg", {
      vpcId: props.vpcId,
      purpose: `${props.purpose}-instances`,
      description: `ECS container instances of ${name}; no ingress`,
    });
    // The ECS agent, image pulls (ECR API and its S3 layer storage), Session
    // Manager and CloudWatch Logs are all AWS HTTPS endpoints, reached through
    // the NAT gateway; their addresses are not fixed, hence anywhere on 443.
    // DNS goes to the VPC resolver and time to the link-local Amazon Time Sync
    // Service, neither of which security groups filter.
    this.securityGroup.allowEgressToCidr("0.0.0.0/0", 443, "AWS APIs (ECS, ECR, S3, SSM, Logs) over HTTPS via NAT");

    this.encryptionKey =
      props.encryptionKey ?? new EncryptionKey(this, "ebs-key", { purpose: `${props.purpose}-ebs`, description: `${name} instance volumes` });
    // Auto Scaling launches the instances with its service-linked role, whose
    // policy holds no KMS permissions; without this grant launches fail with
    // Client.InternalError when the volume is encrypted with a customer managed key.
    const ebsGrant = new KmsGrant(this, "ebs-key-autoscaling-grant", {
      name: platform.name(`${props.purpose}-autoscaling-ebs`, { maxLength: 256 }),
      keyId: this.encryptionKey.keyArn,
      granteePrincipal: platform.arn("iam", "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", {
        region: "",
      }),
      operations: EBS_KEY_GRANT_OPERATIONS,
    });

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: platform.namePrefix(props.purpose, { maxLength: 128 }),
      description: `ECS container instances of ${name}`,
      // Resolved by EC2 at each launch: instances always start from the latest
      // patched ECS AMI and Terraform never calls the SSM API.
      imageId: `resolve:ssm:${ECS_AMI_PARAMETER[architecture]}`,
      instanceType: props.instanceType,
      iamInstanceProfile: { arn: instanceProfile.arn },
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        // IMDSv2 only; a hop limit of 1 keeps the session token from crossing
        // into a container's network namespace, so tasks cannot read the
        // instance role's credentials even in bridge mode.
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      monitoring: { enabled: true },
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: "false",
          deleteOnTermination: "true",
          securityGroups: [this.securityGroup.securityGroupId],
        },
      ],
      blockDeviceMappings: [
        {
          deviceName: CLUSTER_DEFAULTS.rootDeviceName,
          ebs: {
            volumeType: "gp3",
            volumeSize: rootVolumeSizeGiB,
            encrypted: "true",
            kmsKeyId: this.encryptionKey.keyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      userData: ecsUserData(name),
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: `${name}-instance` } },
        { resourceType: "volume", tags: { Name: `${name}-instance` } },
      ],
    });

    this.autoScalingGroup = new AutoscalingGroup(this, "asg", {
      namePrefix: platform.namePrefix(props.purpose, { maxLength: 255 }),
      vpcZoneIdentifier: [...props.subnetIds],
      minSize: props.minInstances,
      maxSize: props.maxInstances,
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      healthCheckType: "EC2",
      // Managed termination protection: ECS lifts the protection only from
      // instances without tasks, so scale-in never kills running tasks.
      protectFromScaleIn: true,
      enabledMetrics: ASG_METRICS,
      instanceRefresh:
        props.instanceRefresh ?? CLUSTER_DEFAULTS.instanceRefresh
          ? {
              strategy: "Rolling",
              preferences: {
                // Launch the replacement before terminating the old instance.
                minHealthyPercentage: 100,
                maxHealthyPercentage: 200,
                instanceWarmup: String(CLUSTER_DEFAULTS.instanceWarmupSeconds),
                // Every instance with tasks is scale-in protected; refresh them
                // anyway, ECS managed draining moves their tasks first.
                scaleInProtectedInstances: "Refresh",
                skipMatching: true,
              },
            }
          : undefined,
      tag: [
        // ECS adds this tag when managed scaling is on; declaring it avoids a perpetual diff.
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      ],
      // ECS managed scaling owns the desired capacity.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
      dependsOn: [ebsGrant],
    });
    this.autoScalingGroupName = this.autoScalingGroup.name;
    this.autoScalingGroupArn = this.autoScalingGroup.arn;

    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroup.arn,
        managedTerminationProtection: "ENABLED",
        managedDraining: "ENABLED",
        managedScaling: {
          status: "ENABLED",
          targetCapacity: CLUSTER_DEFAULTS.targetCapacityPercent,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: CLUSTER_DEFAULTS.maximumScalingStepSize,
          instanceWarmupPeriod: CLUSTER_DEFAULTS.instanceWarmupSeconds,
        },
      },
    });
    this.capacityProviderName = this.capacityProvider.name;

    this.clusterCapacityProviders = new EcsClusterCapacityProviders(this, "cluster-capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: [this.capacityProvider.name],
      defaultCapacityProviderStrategy: [{ capacityProvider: this.capacityProvider.name, weight: 1, base: 0 }],
    });
  }

  private validate(props: EcsClusterProps, architecture: Architecture, rootVolumeSizeGiB: number): void {
    const path = this.node.path;
    if (props.minInstances > props.maxInstances) {
      throw new Error(
        `${path}: minInstances ${props.minInstances} is greater than maxInstances ${props.maxInstances}; raise maxInstances or lower minInstances`,
      );
    }
    if (!Number.isInteger(props.minInstances) || props.minInstances < 0) {
      throw new Error(`${path}: minInstances must be a whole number, 0 or more; got ${props.minInstances}`);
    }
    if (!Number.isInteger(props.maxInstances) || props.maxInstances < 1) {
      throw new Error(`${path}: maxInstances must be a whole number, at least 1; got ${props.maxInstances}`);
    }
    if (props.subnetIds.length === 0) {
      throw new Error(`${path}: subnetIds is empty; pass the VPC's private subnet ids, one per availability zone`);
    }
    const graviton = isGravitonInstanceType(props.instanceType);
    if (architecture === "arm64" && !graviton) {
      throw new Error(
        `${path}: instanceType ${props.instanceType} is not a Graviton (arm64) type but architecture is arm64; ` +
          `use a Graviton type such as t4g.small or m7g.large, or set architecture: "x86_64"`,
      );
    }
    if (architecture === "x86_64" && graviton) {
      throw new Error(
        `${path}: instanceType ${props.instanceType} is a Graviton (arm64) type but architecture is x86_64; ` +
          `set architecture: "arm64" or use an x86_64 type such as t3.small`,
      );
    }
    if (!Number.isInteger(rootVolumeSizeGiB) || rootVolumeSizeGiB < CLUSTER_DEFAULTS.rootVolumeSizeGiB || rootVolumeSizeGiB > 16384) {
      throw new Error(
        `${path}: rootVolumeSizeGiB ${rootVolumeSizeGiB} is invalid; use a whole number from ${CLUSTER_DEFAULTS.rootVolumeSizeGiB} ` +
          `(the ECS AMI's snapshot size) to 16384`,
      );
    }
  }
}
