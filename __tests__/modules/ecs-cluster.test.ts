import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { EcsCluster, type EcsClusterProps } from "../../modules/ecs-cluster";
import { EncryptionKey } from "../../modules/kms";
import { synth, testStack, TEST_ACCOUNT } from "../support/synth";

const BASE: EcsClusterProps = {
  purpose: "app",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-aaaa", "subnet-bbbb"],
  instanceType: "t4g.small",
  minInstances: 1,
  maxInstances: 3,
};

function build(overrides: Partial<EcsClusterProps> = {}): { stack: TerraformStack; cluster: EcsCluster } {
  const stack = testStack();
  const cluster = new EcsCluster(stack, "cluster", { ...BASE, ...overrides });
  return { stack, cluster };
}

function launchTemplate(stack: TerraformStack): Record<string, unknown> {
  return synth(stack).resource("aws_launch_template");
}

describe("EcsCluster", () => {
  it("requires IMDSv2 with a hop limit of 1 so containers cannot reach the instance credentials", () => {
    const { stack } = build();
    expect(launchTemplate(stack).metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
      instance_metadata_tags: "disabled",
    });
  });

  it("encrypts the gp3 root volume with the cluster's customer managed key", () => {
    const { stack } = build();
    const out = synth(stack);
    const mappings = out.resource("aws_launch_template").block_device_mappings as Record<string, unknown>[];
    expect(mappings).toEqual([
      {
        device_name: "/dev/xvda",
        ebs: {
          volume_type: "gp3",
          volume_size: 30,
          encrypted: "true",
          kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.cluster_ebs-key_[A-Za-z0-9_-]+\.arn\}$/),
          delete_on_termination: "true",
        },
      },
    ]);
    expect(out.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
  });

  it("uses a given key and grants it to the Auto Scaling service-linked role, which launches the instances", () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, "shared-key", { purpose: "shared" });
    new EcsCluster(stack, "cluster", { ...BASE, encryptionKey: key });
    const out = synth(stack);
    expect(Object.keys(out.resources("aws_kms_key"))).toEqual([expect.stringMatching(/^shared-key_/)]);
    const ebs = (out.resource("aws_launch_template").block_device_mappings as Record<string, Record<string, unknown>>[])[0]?.ebs;
    expect(ebs?.kms_key_id).toMatch(/^\$\{aws_kms_key\.shared-key_[A-Z0-9]+\.arn\}$/);
    expect(out.resource("aws_kms_grant")).toMatchObject({
      key_id: expect.stringMatching(/^\$\{aws_kms_key\.shared-key_/),
      grantee_principal: `arn:aws:iam::${TEST_ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      operations: expect.arrayContaining(["Decrypt", "GenerateDataKeyWithoutPlaintext", "CreateGrant"]),
    });
    expect(out.resource("aws_autoscaling_group").depends_on).toEqual([expect.stringMatching(/^aws_kms_grant\./)]);
  });

  it("resolves the ECS-optimized AL2023 AMI from SSM at launch, with no AMI data source", () => {
    const { stack } = build();
    const out = synth(stack);
    expect(out.resource("aws_launch_template").image_id).toBe(
      "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
    );
    expect(Object.keys(out.json.data ?? {})).toEqual(["aws_iam_policy_document"]);
    expect(JSON.stringify(out.json)).not.toMatch(/aws_ami|aws_ssm_parameter/);
  });

  it("derives the x86_64 AMI parameter from the architecture", () => {
    const { stack } = build({ architecture: "x86_64", instanceType: "t3.small" });
    expect(launchTemplate(stack).image_id).toBe("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
  });

  it("gives instances no public IP, no key pair, detailed monitoring and the instance security group", () => {
    const { stack } = build();
    const lt = launchTemplate(stack);
    expect(lt.network_interfaces).toEqual([
      {
        device_index: 0,
        associate_public_ip_address: "false",
        delete_on_termination: "true",
        security_groups: [expect.stringMatching(/^\$\{aws_security_group\.cluster_instance-sg_group_/)],
      },
    ]);
    expect(lt).not.toHaveProperty("key_name");
    expect(lt).not.toHaveProperty("vpc_security_group_ids");
    expect(lt.monitoring).toEqual({ enabled: true });
  });

  it("writes the cluster name and the IMDS block for tasks into ecs.config", () => {
    const { stack } = build();
    const userData = Buffer.from(launchTemplate(stack).user_data as string, "base64").toString("utf8");
    expect(userData).toMatch(/^#!\/bin\/bash\n/);
    expect(userData).toContain("cat >> /etc/ecs/ecs.config <<'EOF'\n");
    const settings = userData.split("\n").filter((line) => /^ECS_[A-Z_]+=/.test(line));
    expect(settings).toEqual([
      "ECS_CLUSTER=taskboard-test-app",
      "ECS_AWSVPC_BLOCK_IMDS=true",
      "ECS_ENABLE_TASK_IAM_ROLE=true",
      "ECS_DISABLE_PRIVILEGED=true",
    ]);
  });

  it("enables Container Insights (enhanced by default, enabled on request)", () => {
    expect(synth(build().stack).resource("aws_ecs_cluster")).toMatchObject({
      name: "taskboard-test-app",
      setting: [{ name: "containerInsights", value: "enhanced" }],
    });
    expect(synth(build({ containerInsights: "enabled" }).stack).resource("aws_ecs_cluster").setting).toEqual([
      { name: "containerInsights", value: "enabled" },
    ]);
  });

  it("scales through a capacity provider with managed scaling at 100% and managed termination protection", () => {
    const out = synth(build().stack);
    expect(out.resource("aws_ecs_capacity_provider").auto_scaling_group_provider).toEqual({
      auto_scaling_group_arn: expect.stringMatching(/^\$\{aws_autoscaling_group\.cluster_asg_[A-Z0-9]+\.arn\}$/),
      managed_termination_protection: "ENABLED",
      managed_draining: "ENABLED",
      managed_scaling: expect.objectContaining({ status: "ENABLED", target_capacity: 100 }),
    });
    expect(out.resource("aws_ecs_cluster_capacity_providers")).toMatchObject({
      capacity_providers: [expect.stringMatching(/^\$\{aws_ecs_capacity_provider\./)],
      default_capacity_provider_strategy: [
        { capacity_provider: expect.stringMatching(/^\$\{aws_ecs_capacity_provider\./), weight: 1, base: 0 },
      ],
    });
  });

  it("runs the Auto Scaling group in the private subnets, scale-in protected and tagged for ECS", () => {
    const asg = synth(build().stack).resource("aws_autoscaling_group");
    expect(asg).toMatchObject({
      vpc_zone_identifier: ["subnet-aaaa", "subnet-bbbb"],
      min_size: 1,
      max_size: 3,
      protect_from_scale_in: true,
      tag: [{ key: "AmazonECSManaged", value: "true", propagate_at_launch: true }],
      launch_template: { version: expect.stringMatching(/\.latest_version\}$/) },
      lifecycle: { ignore_changes: ["desired_capacity"] },
    });
    expect(asg).not.toHaveProperty("desired_capacity");
  });

  it("refreshes instances new-before-old when the launch template changes, unless turned off", () => {
    expect(synth(build().stack).resource("aws_autoscaling_group").instance_refresh).toEqual({
      strategy: "Rolling",
      preferences: expect.objectContaining({
        min_healthy_percentage: 100,
        max_healthy_percentage: 200,
        scale_in_protected_instances: "Refresh",
      }),
    });
    expect(synth(build({ instanceRefresh: false }).stack).resource("aws_autoscaling_group")).not.toHaveProperty("instance_refresh");
  });

  it("gives the instance role only the ECS-for-EC2 and SSM managed policies, trusted by EC2 alone", () => {
    const { stack, cluster } = build();
    const out = synth(stack);
    const attachments = Object.values(out.resources("aws_iam_role_policy_attachment")).map((a) => a.policy_arn);
    expect(attachments.sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ]);
    expect(Object.keys(out.resources("aws_iam_role_policy"))).toHaveLength(0);
    expect(out.policyStatements("cluster/instance-role/trust")).toEqual([
      expect.objectContaining({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        condition: [],
      }),
    ]);
    expect(out.resource("aws_iam_instance_profile").role).toMatch(/^\$\{aws_iam_role\.cluster_instance-role_/);
    expect(cluster.instanceRole.roleName).toBeDefined();
  });

  it("admits nothing into the instances and lets them out only on HTTPS", () => {
    const out = synth(build().stack);
    expect(Object.keys(out.resources("aws_vpc_security_group_ingress_rule"))).toHaveLength(0);
    const egress = Object.values(out.resources("aws_vpc_security_group_egress_rule"));
    expect(egress).toEqual([
      expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 443, to_port: 443 }),
    ]);
    const group = out.resource("aws_security_group");
    expect(group).not.toHaveProperty("ingress");
    expect(group).not.toHaveProperty("egress");
  });

  it("throws when minInstances is greater than maxInstances", () => {
    expect(() => build({ minInstances: 4, maxInstances: 2 })).toThrow(
      /test\/cluster: minInstances 4 is greater than maxInstances 2; raise maxInstances or lower minInstances/,
    );
  });

  it("throws when minInstances is negative or fractional", () => {
    expect(() => build({ minInstances: -1 })).toThrow(/minInstances must be a whole number, 0 or more; got -1/);
  });

  it("throws when maxInstances is below 1", () => {
    expect(() => build({ minInstances: 0, maxInstances: 0 })).toThrow(/maxInstances must be a whole number, at least 1; got 0/);
  });

  it("throws when no subnets are given", () => {
    expect(() => build({ subnetIds: [] })).toThrow(/subnetIds is empty; pass the VPC's private subnet ids/);
  });

  it("throws when an arm64 cluster gets an x86_64 instance type", () => {
    expect(() => build({ instanceType: "t3.small" })).toThrow(/instanceType t3\.small is not a Graviton \(arm64\) type/);
  });

  it("throws when an x86_64 cluster gets a Graviton instance type", () => {
    expect(() => build({ architecture: "x86_64", instanceType: "m7g.large" })).toThrow(
      /instanceType m7g\.large is a Graviton \(arm64\) type but architecture is x86_64/,
    );
  });

  it("throws when the root volume is smaller than the AMI snapshot", () => {
    expect(() => build({ rootVolumeSizeGiB: 20 })).toThrow(/rootVolumeSizeGiB 20 is invalid; use a whole number from 30/);
  });
});
