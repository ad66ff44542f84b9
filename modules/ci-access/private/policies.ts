import type { PolicyStatement } from "../../core/policy";

/**
 * What the CI policies are scoped to: one environment's account and the
 * `taskboard-<env>-` name prefix every physical name in its stack starts with.
 */
export interface CiScope {
  readonly partition: string;
  readonly accountId: string;
  /** The stack's home region. */
  readonly region: string;
  /** CloudFront's region (us-east-1): certificates, the web ACL, the billing alarm. */
  readonly globalRegion: string;
  /** The environment's name prefix, `taskboard-<env>` (no trailing dash). */
  readonly prefix: string;
  /** The value of the `Environment` tag the provider puts on every resource. */
  readonly environmentTag: string;
  /** Route53 zones the stack writes records into. */
  readonly hostedZoneIds: readonly string[];
  /** SES identities (domains or addresses) the stack verifies. */
  readonly emailIdentities: readonly string[];
}

/** Physical names (purposes) of what the pipeline itself touches outside `terraform apply`. */
export interface DeliveryTargets {
  readonly imageRepositoryName: string;
  readonly oneOffTaskFamily: string;
  readonly siteBucketPrefix: string;
  readonly smokeTestSecretName: string;
  /** Name prefix of the CI roles and their policies, which the deploy role must never edit. */
  readonly ciNamePrefix: string;
  readonly stateBucketArn: string;
  /** The state bucket's server access log bucket, when there is one. */
  readonly stateAccessLogBucketArn?: string;
  /** The state key, when the state bucket is SSE-KMS. */
  readonly stateKeyArn?: string;
}

function arns(scope: CiScope) {
  const { partition, accountId, region, globalRegion, prefix } = scope;
  return {
    at: (service: string, resource: string, inRegion: string = region) =>
      `arn:${partition}:${service}:${inRegion}:${accountId}:${resource}`,
    global: (service: string, resource: string) => `arn:${partition}:${service}::${accountId}:${resource}`,
    s3: (resource: string) => `arn:${partition}:s3:::${resource}`,
    anyRegion: (service: string, resource: string) => `arn:${partition}:${service}:*:${accountId}:${resource}`,
    prefix,
    globalRegion,
  };
}

/**
 * What `terraform plan` (refresh) reads, and nothing that returns data:
 * configuration reads (`Get*`, `List*`, `Describe*`) of the services the
 * environment stack manages. Services whose `Get*` includes data reads
 * (DynamoDB items, WAF request samples, SES message insights, CloudTrail
 * events) are listed action by action instead.
 *
 * Resources are `*` where the service has no resource-level permission for
 * its describes (EC2, ELB, Auto Scaling, RDS describes, CloudWatch, ACM,
 * Route53, CloudFront lists), or where listing is by nature account-wide;
 * the account holds one environment, so `*` reaches no other environment.
 */
export function refreshReadStatements(scope: CiScope): PolicyStatement[] {
  const a = arns(scope);
  const p = a.prefix;
  return [
    {
      sid: "ReadNetworkComputeAndEdge",
      actions: [
        "ec2:Describe*",
        "elasticloadbalancing:Describe*",
        "autoscaling:Describe*",
        "application-autoscaling:Describe*",
        "application-autoscaling:ListTagsForResource",
        "ecs:Describe*",
        "ecs:List*",
        "rds:Describe*",
        "rds:ListTagsForResource",
        "cloudfront:Get*",
        "cloudfront:List*",
        "acm:DescribeCertificate",
        "acm:ListCertificates",
        "acm:ListTagsForCertificate",
        "route53:Get*",
        "route53:List*",
        "apigateway:GET",
        "events:Describe*",
        "events:List*",
        "pipes:Describe*",
        "pipes:List*",
        "scheduler:Get*",
        "scheduler:List*",
        "cloudwatch:Describe*",
        "cloudwatch:GetDashboard",
        "cloudwatch:ListTagsForResource",
        "logs:Describe*",
        "logs:ListTagsForResource",
        "logs:ListTagsLogGroup",
        "logs:GetDelivery",
        "logs:GetDeliveryDestination",
        "logs:GetDeliveryDestinationPolicy",
        "logs:GetDeliverySource",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListAliases",
        "kms:ListGrants",
        "kms:ListKeys",
        "kms:ListResourceTags",
        "dynamodb:Describe*",
        "dynamodb:List*",
        "dynamodb:GetResourcePolicy",
        "wafv2:GetWebACL",
        "wafv2:GetLoggingConfiguration",
        "wafv2:ListTagsForResource",
        "wafv2:ListWebACLs",
        "ses:GetEmailIdentity",
        "ses:GetConfigurationSet",
        "ses:GetConfigurationSetEventDestinations",
        "ses:ListTagsForResource",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:ListTags",
        "sqs:ListQueues",
        "sns:ListTopics",
      ],
      resources: ["*"],
    },
    {
      sid: "ReadOwnIdentities",
      actions: ["iam:Get*", "iam:List*"],
      resources: [a.global("iam", `role/${p}-*`), a.global("iam", `instance-profile/${p}-*`), `arn:${scope.partition}:iam::aws:policy/*`],
    },
    {
      sid: "ReadOwnFunctionsQueuesTopics",
      actions: [
        "lambda:Get*",
        "lambda:List*",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListQueueTags",
        "sqs:ListDeadLetterSourceQueues",
        "sns:GetTopicAttributes",
        "sns:GetSubscriptionAttributes",
        "sns:GetDataProtectionPolicy",
        "sns:ListSubscriptionsByTopic",
        "sns:ListTagsForResource",
        "ecr:Describe*",
        "ecr:List*",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRepositoryPolicy",
      ],
      resources: [
        a.at("lambda", `function:${p}-*`),
        a.at("sqs", `${p}-*`),
        a.anyRegion("sns", `${p}-*`),
        a.at("ecr", `repository/${p}-*`),
      ],
    },
    {
      sid: "ReadOwnBucketSettings",
      // HeadBucket, which every bucket refresh starts with, is authorised as s3:ListBucket.
      actions: [
        "s3:ListBucket",
        "s3:GetBucket*",
        "s3:GetLifecycleConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetAccelerateConfiguration",
      ],
      resources: [a.s3(`${p}-*`)],
    },
    {
      sid: "ReadLambdaArtifactHeads",
      // Refreshing an aws_s3_object is a HeadObject, authorised as s3:GetObject. These objects are
      // the deployment packages the stack itself uploads, not user data; nothing else is readable.
      actions: ["s3:GetObject", "s3:GetObjectTagging"],
      resources: [a.s3(`${p}-lambda-artifacts-*/lambda/*`)],
    },
  ];
}

/**
 * Create, update and delete on the services the environment stack manages,
 * scoped to the environment's name prefix wherever the service's ARNs carry
 * the name; see the README for what cannot be scoped and why.
 */
export function manageComputeStatements(scope: CiScope): PolicyStatement[] {
  const a = arns(scope);
  const p = a.prefix;
  return [
    {
      sid: "ManageOwnRoles",
      actions: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
        "iam:Get*",
        "iam:List*",
      ],
      resources: [a.global("iam", `role/${p}-*`), a.global("iam", `instance-profile/${p}-*`)],
    },
    {
      sid: "AttachAwsServicePolicies",
      // Only AWS-defined policies (the ECS container instance role's); never customer policies, which could grant anything.
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: [a.global("iam", `role/${p}-*`)],
      conditions: [
        {
          test: "ArnLike",
          variable: "iam:PolicyARN",
          values: [
            `arn:${scope.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`,
            `arn:${scope.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
          ],
        },
      ],
    },
    {
      sid: "PassOwnRolesToServices",
      actions: ["iam:PassRole"],
      resources: [a.global("iam", `role/${p}-*`)],
      conditions: [
        {
          test: "StringEquals",
          variable: "iam:PassedToService",
          values: [
            "lambda.amazonaws.com",
            "ecs-tasks.amazonaws.com",
            "ec2.amazonaws.com",
            "pipes.amazonaws.com",
            "scheduler.amazonaws.com",
            "vpc-flow-logs.amazonaws.com",
            "cloudtrail.amazonaws.com",
          ],
        },
      ],
    },
    {
      sid: "CreateServiceLinkedRoles",
      // First use of these services in an account creates their service-linked role; the name is AWS's, not ours.
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [a.global("iam", "role/aws-service-role/*")],
      conditions: [
        {
          test: "StringEquals",
          variable: "iam:AWSServiceName",
          values: [
            "ecs.amazonaws.com",
            "autoscaling.amazonaws.com",
            "ecs.application-autoscaling.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "rds.amazonaws.com",
            "ops.apigateway.amazonaws.com",
          ],
        },
      ],
    },
    {
      sid: "ManageOwnFunctions",
      actions: [
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "lambda:PutFunctionEventInvokeConfig",
        "lambda:UpdateFunctionEventInvokeConfig",
        "lambda:DeleteFunctionEventInvokeConfig",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:Get*",
        "lambda:List*",
      ],
      resources: [a.at("lambda", `function:${p}-*`)],
    },
    {
      sid: "ManageOwnContainers",
      actions: [
        "ecs:CreateCluster",
        "ecs:DeleteCluster",
        "ecs:UpdateCluster",
        "ecs:UpdateClusterSettings",
        "ecs:PutClusterCapacityProviders",
        "ecs:CreateCapacityProvider",
        "ecs:UpdateCapacityProvider",
        "ecs:DeleteCapacityProvider",
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:DeleteService",
        "ecs:TagResource",
        "ecs:UntagResource",
        "ecr:CreateRepository",
        "ecr:DeleteRepository",
        "ecr:PutLifecyclePolicy",
        "ecr:DeleteLifecyclePolicy",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageTagMutability",
        "ecr:SetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:TagResource",
        "ecr:UntagResource",
        "ecr:Describe*",
        "ecr:List*",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRepositoryPolicy",
      ],
      resources: [
        a.at("ecs", `cluster/${p}-*`),
        a.at("ecs", `service/${p}-*/*`),
        a.at("ecs", `capacity-provider/${p}-*`),
        // Tags on a new revision (default_tags, the migration copy's Purpose tag) are authorised as TagResource on it.
        a.at("ecs", `task-definition/${p}-*:*`),
        a.at("ecr", `repository/${p}-*`),
      ],
    },
    {
      sid: "RegisterTaggedTaskDefinitions",
      // RegisterTaskDefinition has no resource-level permission; the new revision must carry this
      // environment's tag (default_tags send it), which RegisterTaskDefinition supports as aws:RequestTag.
      actions: ["ecs:RegisterTaskDefinition"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:RequestTag/Environment", values: [scope.environmentTag] }],
    },
    {
      sid: "RetireOwnTaskDefinitions",
      // Deregistration has no resource-level permission either; ECS evaluates the revision's own tags.
      actions: ["ecs:DeregisterTaskDefinition", "ecs:DeleteTaskDefinitions"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/Environment", values: [scope.environmentTag] }],
    },
    {
      sid: "DescribeContainers",
      // ECS describes and lists have no resource-level permissions.
      actions: ["ecs:Describe*", "ecs:List*"],
      resources: ["*"],
    },
    {
      sid: "ManageOwnScalingGroups",
      actions: [
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:CreateOrUpdateTags",
        "autoscaling:DeleteTags",
        "autoscaling:SetInstanceProtection",
        "autoscaling:PutLifecycleHook",
        "autoscaling:DeleteLifecycleHook",
      ],
      resources: [a.at("autoscaling", `autoScalingGroup:*:autoScalingGroupName/${p}-*`)],
    },
    {
      sid: "ManageServiceScaling",
      // Scalable target ids are generated; the ARN pins this account and region.
      actions: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource",
        "application-autoscaling:ListTagsForResource",
        "application-autoscaling:Describe*",
      ],
      resources: [a.at("application-autoscaling", "scalable-target/*")],
    },
    {
      sid: "ResolveEcsAmiParameter",
      // The launch template's image is `resolve:ssm:` of AWS's public ECS-optimized AMI parameter; EC2 resolves it as the caller.
      actions: ["ssm:GetParameters", "ssm:GetParameter"],
      resources: [`arn:${scope.partition}:ssm:${scope.region}::parameter/aws/service/ecs/*`],
    },
  ];
}

/**
 * EC2 networking and launch templates. Their ids are generated, so names
 * cannot scope them: creates must carry this environment's `Environment` tag
 * (the provider's default_tags send it in TagSpecifications, which EC2
 * evaluates as aws:RequestTag for every resource the call touches), and
 * changes and deletes act only on resources already carrying it. Every
 * statement also pins the home region.
 */
export function manageNetworkStatements(scope: CiScope): PolicyStatement[] {
  const { partition, accountId, region } = scope;
  const inRegion = { test: "StringEquals", variable: "aws:RequestedRegion", values: [region] };
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${accountId}:${resource}`;
  return [
    {
      sid: "CreateTaggedNetwork",
      actions: [
        "ec2:CreateVpc",
        "ec2:CreateSubnet",
        "ec2:CreateRouteTable",
        "ec2:CreateInternetGateway",
        "ec2:AllocateAddress",
        "ec2:CreateNatGateway",
        "ec2:CreateSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:CreateVpcEndpoint",
        "ec2:CreateFlowLogs",
        "ec2:CreateLaunchTemplate",
        "ec2:CreateTags",
      ],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:RequestTag/Environment", values: [scope.environmentTag] }, inRegion],
    },
    {
      sid: "ChangeOwnNetwork",
      actions: [
        "ec2:ModifyVpcAttribute",
        "ec2:DeleteVpc",
        "ec2:ModifySubnetAttribute",
        "ec2:DeleteSubnet",
        "ec2:CreateRoute",
        "ec2:ReplaceRoute",
        "ec2:DeleteRoute",
        "ec2:DeleteRouteTable",
        "ec2:AssociateRouteTable",
        "ec2:DisassociateRouteTable",
        "ec2:ReplaceRouteTableAssociation",
        "ec2:AttachInternetGateway",
        "ec2:DetachInternetGateway",
        "ec2:DeleteInternetGateway",
        "ec2:DisassociateAddress",
        "ec2:ReleaseAddress",
        "ec2:DeleteNatGateway",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:ModifySecurityGroupRules",
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        "ec2:DeleteSecurityGroup",
        "ec2:CreateNetworkAclEntry",
        "ec2:ReplaceNetworkAclEntry",
        "ec2:DeleteNetworkAclEntry",
        "ec2:ReplaceNetworkAclAssociation",
        "ec2:ModifyVpcEndpoint",
        "ec2:DeleteVpcEndpoints",
        "ec2:DeleteFlowLogs",
        "ec2:CreateLaunchTemplateVersion",
        "ec2:ModifyLaunchTemplate",
        "ec2:DeleteLaunchTemplate",
        "ec2:DeleteLaunchTemplateVersions",
        "ec2:CreateTags",
        "ec2:DeleteTags",
      ],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/Environment", values: [scope.environmentTag] }, inRegion],
    },
    {
      sid: "PlaceVpcLinkInterfaces",
      // API Gateway VPC links create their network interfaces as the caller, untagged: no tag can
      // scope them, so the ARNs pin the account, the region and the resource types involved.
      actions: [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterfacePermission",
      ],
      resources: [ec2("network-interface/*"), ec2("subnet/*"), ec2("security-group/*")],
    },
    {
      sid: "LaunchFromOwnTemplates",
      // An Auto Scaling group with a launch template is checked for RunInstances as its creator; the
      // image is AWS's ECS-optimized AMI (owned by an AWS account, hence no account in its ARN).
      actions: ["ec2:RunInstances"],
      resources: [
        `arn:${partition}:ec2:${region}::image/*`,
        ec2("launch-template/*"),
        ec2("instance/*"),
        ec2("volume/*"),
        ec2("network-interface/*"),
        ec2("subnet/*"),
        ec2("security-group/*"),
      ],
    },
    {
      sid: "DescribeNetwork",
      actions: ["ec2:Describe*", "elasticloadbalancing:Describe*"],
      resources: ["*"],
    },
  ];
}

export function manageDataStatements(scope: CiScope): PolicyStatement[] {
  const a = arns(scope);
  const p = a.prefix;
  const tagged = { test: "StringEquals", variable: "aws:ResourceTag/Environment", values: [scope.environmentTag] };
  return [
    {
      sid: "ManageOwnTables",
      // Control plane only: no item reads or writes.
      actions: [
        "dynamodb:CreateTable",
        "dynamodb:UpdateTable",
        "dynamodb:DeleteTable",
        "dynamodb:UpdateTimeToLive",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:UpdateContributorInsights",
        "dynamodb:TagResource",
        "dynamodb:UntagResource",
        "dynamodb:PutResourcePolicy",
        "dynamodb:DeleteResourcePolicy",
        "dynamodb:GetResourcePolicy",
        "dynamodb:Describe*",
        "dynamodb:List*",
      ],
      resources: [a.at("dynamodb", `table/${p}-*`), a.at("dynamodb", `table/${p}-*/stream/*`)],
    },
    {
      sid: "ManageOwnDatabase",
      actions: [
        "rds:CreateDBCluster",
        "rds:ModifyDBCluster",
        "rds:DeleteDBCluster",
        // A destroy takes the final snapshot as the caller.
        "rds:CreateDBClusterSnapshot",
        "rds:CreateDBInstance",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        "rds:RebootDBInstance",
        "rds:CreateDBSubnetGroup",
        "rds:ModifyDBSubnetGroup",
        "rds:DeleteDBSubnetGroup",
        "rds:CreateDBClusterParameterGroup",
        "rds:ModifyDBClusterParameterGroup",
        "rds:ResetDBClusterParameterGroup",
        "rds:DeleteDBClusterParameterGroup",
        "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource",
        "rds:ListTagsForResource",
        "rds:Describe*",
      ],
      resources: [
        a.at("rds", `cluster:${p}-*`),
        a.at("rds", `db:${p}-*`),
        a.at("rds", `subgrp:${p}-*`),
        a.at("rds", `cluster-pg:${p}-*`),
        a.at("rds", "cluster-snapshot:*"),
      ],
    },
    {
      sid: "CreateRdsManagedSecret",
      // manage_master_user_password: RDS creates the master secret as the caller; its name is RDS's (rds!cluster-...).
      actions: ["secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:RotateSecret", "secretsmanager:DescribeSecret"],
      resources: [a.at("secretsmanager", "secret:rds!*")],
    },
    {
      sid: "ManageOwnBuckets",
      actions: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:GetBucket*",
        "s3:PutBucket*",
        "s3:DeleteBucketPolicy",
        "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:PutEncryptionConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetAccelerateConfiguration",
      ],
      resources: [a.s3(`${p}-*`)],
    },
    {
      sid: "UploadLambdaArtifacts",
      actions: ["s3:PutObject", "s3:GetObject", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObject", "s3:GetObjectVersion"],
      resources: [a.s3(`${p}-lambda-artifacts-*/lambda/*`)],
    },
    {
      sid: "CreateTaggedKeys",
      // CreateKey has no resource; the new key must carry this environment's tag (the provider's default_tags send it).
      actions: ["kms:CreateKey"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:RequestTag/Environment", values: [scope.environmentTag] }],
    },
    {
      sid: "ListKeys",
      actions: ["kms:ListKeys", "kms:ListAliases"],
      resources: ["*"],
    },
    {
      sid: "ManageAndUseOwnKeys",
      // Key ids are generated, so keys are scoped by their Environment tag (KMS supports tag-based authorisation).
      actions: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:GetPublicKey",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ListResourceTags",
        "kms:CreateGrant",
        "kms:ListGrants",
        "kms:RevokeGrant",
        "kms:RetireGrant",
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        // An alias change is authorised on the key as well as on the alias.
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:UpdateAlias",
      ],
      resources: [a.anyRegion("kms", "key/*")],
      conditions: [tagged],
    },
    {
      sid: "ManageOwnKeyAliases",
      actions: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
      resources: [a.anyRegion("kms", `alias/${p}-*`)],
    },
    {
      sid: "ManageOwnQueuesAndTopics",
      actions: [
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:SetQueueAttributes",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:ListQueueTags",
        "sqs:ListDeadLetterSourceQueues",
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:GetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
        "sns:TagResource",
        "sns:UntagResource",
        "sns:ListTagsForResource",
        "sns:ListSubscriptionsByTopic",
      ],
      resources: [a.at("sqs", `${p}-*`), a.anyRegion("sns", `${p}-*`)],
    },
  ];
}

export function manageEdgeStatements(scope: CiScope): PolicyStatement[] {
  const a = arns(scope);
  const p = a.prefix;
  const statements: PolicyStatement[] = [
    {
      sid: "ManageOwnLoadBalancers",
      actions: [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      resources: [
        a.at("elasticloadbalancing", `loadbalancer/app/${p}-*/*`),
        a.at("elasticloadbalancing", `targetgroup/${p}-*/*`),
        a.at("elasticloadbalancing", `listener/app/${p}-*/*`),
        a.at("elasticloadbalancing", `listener-rule/app/${p}-*/*`),
      ],
    },
    {
      sid: "ManageDistribution",
      // Distribution, origin access control and managed policy ids are generated, so their ARNs pin only the
      // account and the type; CloudFront is global and the account holds one environment.
      actions: [
        "cloudfront:CreateDistribution",
        "cloudfront:CreateDistributionWithTags",
        "cloudfront:UpdateDistribution",
        "cloudfront:DeleteDistribution",
        "cloudfront:GetDistribution",
        "cloudfront:GetDistributionConfig",
        "cloudfront:TagResource",
        "cloudfront:UntagResource",
        "cloudfront:ListTagsForResource",
        // Vended access-log delivery from the distribution (aws_cloudwatch_log_delivery_source).
        "cloudfront:AllowVendedLogDeliveryForResource",
        "cloudfront:CreateOriginAccessControl",
        "cloudfront:UpdateOriginAccessControl",
        "cloudfront:DeleteOriginAccessControl",
        "cloudfront:GetOriginAccessControl",
        "cloudfront:GetOriginAccessControlConfig",
        "cloudfront:GetCachePolicy",
        "cloudfront:GetOriginRequestPolicy",
        "cloudfront:GetResponseHeadersPolicy",
      ],
      resources: [
        a.global("cloudfront", "distribution/*"),
        a.global("cloudfront", "origin-access-control/*"),
        a.global("cloudfront", "cache-policy/*"),
        a.global("cloudfront", "origin-request-policy/*"),
        a.global("cloudfront", "response-headers-policy/*"),
      ],
    },
    {
      sid: "ManageOwnEdgeCode",
      // Functions are named; response headers policies have generated ids (CloudFront authorises them by id).
      actions: [
        "cloudfront:CreateFunction",
        "cloudfront:UpdateFunction",
        "cloudfront:PublishFunction",
        "cloudfront:DeleteFunction",
        "cloudfront:DescribeFunction",
        "cloudfront:GetFunction",
        "cloudfront:CreateResponseHeadersPolicy",
        "cloudfront:UpdateResponseHeadersPolicy",
        "cloudfront:DeleteResponseHeadersPolicy",
        "cloudfront:GetResponseHeadersPolicyConfig",
      ],
      resources: [a.global("cloudfront", `function/${p}-*`), a.global("cloudfront", "response-headers-policy/*")],
    },
    {
      sid: "RequestTaggedCertificates",
      // RequestCertificate has no resource (the certificate id does not exist yet); the request must tag it
      // with this environment (default_tags send the tags with the request).
      actions: ["acm:RequestCertificate", "acm:AddTagsToCertificate"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:RequestTag/Environment", values: [scope.environmentTag] }],
    },
    {
      sid: "ManageOwnCertificates",
      // Certificate ids are generated: only certificates carrying this environment's tag.
      actions: ["acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"],
      resources: [a.anyRegion("acm", "certificate/*")],
      conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/Environment", values: [scope.environmentTag] }],
    },
    {
      sid: "ReadCertificates",
      actions: ["acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate"],
      resources: ["*"],
    },
    {
      sid: "ManageOwnWebAcl",
      // Creating or updating a web ACL also checks the managed rule groups it references.
      actions: [
        "wafv2:CreateWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:DeleteWebACL",
        "wafv2:GetWebACL",
        "wafv2:TagResource",
        "wafv2:UntagResource",
        "wafv2:ListTagsForResource",
      ],
      resources: [
        a.at("wafv2", `global/webacl/${p}-*/*`, a.globalRegion),
        a.at("wafv2", "global/managedruleset/*/*", a.globalRegion),
      ],
    },
    {
      sid: "ManageApi",
      // API Gateway authorises by path; API and VPC link ids are generated.
      actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
      resources: [
        `arn:${scope.partition}:apigateway:${scope.region}::/apis`,
        `arn:${scope.partition}:apigateway:${scope.region}::/apis/*`,
        `arn:${scope.partition}:apigateway:${scope.region}::/vpclinks`,
        `arn:${scope.partition}:apigateway:${scope.region}::/vpclinks/*`,
        `arn:${scope.partition}:apigateway:${scope.region}::/tags/*`,
      ],
    },
  ];
  if (scope.hostedZoneIds.length > 0) {
    statements.push(
      {
        sid: "WriteOwnZoneRecords",
        actions: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:ListTagsForResource"],
        resources: scope.hostedZoneIds.map((zone) => `arn:${scope.partition}:route53:::hostedzone/${zone}`),
      },
      {
        sid: "WatchRecordChanges",
        actions: ["route53:GetChange", "route53:ListHostedZones"],
        resources: ["*"],
      },
    );
  }
  return statements;
}

/** Logs, alarms and dashboards, events, pipes and schedules, the audit trail, email. */
export function manageOperationsStatements(scope: CiScope): PolicyStatement[] {
  const a = arns(scope);
  const p = a.prefix;
  return [
    {
      sid: "ManageOwnLogGroups",
      actions: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:PutMetricFilter",
        "logs:DeleteMetricFilter",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
        "logs:ListTagsForResource",
        "logs:ListTagsLogGroup",
      ],
      resources: [a.at("logs", `log-group:*${p}-*`), a.at("logs", `log-group:*${p}-*:*`)],
    },
    {
      sid: "ManageOwnLogDeliveries",
      // Vended log deliveries (CloudFront access logs, in us-east-1): sources and destinations are named,
      // deliveries get generated ids in this account.
      actions: [
        "logs:PutDeliverySource",
        "logs:PutDeliveryDestination",
        "logs:PutDeliveryDestinationPolicy",
        "logs:CreateDelivery",
        "logs:UpdateDeliveryConfiguration",
        "logs:DeleteDelivery",
        "logs:DeleteDeliverySource",
        "logs:DeleteDeliveryDestination",
        "logs:DeleteDeliveryDestinationPolicy",
        "logs:GetDelivery",
        "logs:GetDeliverySource",
        "logs:GetDeliveryDestination",
        "logs:GetDeliveryDestinationPolicy",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:ListTagsForResource",
        "logs:Link",
      ],
      resources: [
        a.anyRegion("logs", `delivery-source:${p}-*`),
        a.anyRegion("logs", `delivery-destination:${p}-*`),
        a.anyRegion("logs", "delivery:*"),
      ],
    },
    {
      sid: "DescribeOperations",
      // Account-wide describes and lists.
      actions: ["logs:Describe*", "cloudwatch:Describe*", "events:Describe*", "events:List*", "pipes:List*", "scheduler:List*", "cloudtrail:DescribeTrails"],
      resources: ["*"],
    },
    {
      sid: "ManageOwnAlarmsAndDashboards",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:ListTagsForResource",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
        "cloudwatch:GetDashboard",
      ],
      resources: [a.anyRegion("cloudwatch", `alarm:${p}-*`), a.global("cloudwatch", `dashboard/${p}-*`)],
    },
    {
      sid: "ManageOwnEventsPipesSchedules",
      actions: [
        "events:CreateEventBus",
        "events:UpdateEventBus",
        "events:DeleteEventBus",
        "events:DescribeEventBus",
        "events:PutRule",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:EnableRule",
        "events:DisableRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:ListTargetsByRule",
        "events:CreateArchive",
        "events:UpdateArchive",
        "events:DeleteArchive",
        "events:DescribeArchive",
        "events:TagResource",
        "events:UntagResource",
        "events:ListTagsForResource",
        "pipes:CreatePipe",
        "pipes:UpdatePipe",
        "pipes:DeletePipe",
        "pipes:DescribePipe",
        "pipes:StartPipe",
        "pipes:StopPipe",
        "pipes:TagResource",
        "pipes:UntagResource",
        "pipes:ListTagsForResource",
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "scheduler:CreateScheduleGroup",
        "scheduler:DeleteScheduleGroup",
        "scheduler:GetScheduleGroup",
        "scheduler:TagResource",
        "scheduler:UntagResource",
        "scheduler:ListTagsForResource",
      ],
      resources: [
        a.at("events", `event-bus/${p}-*`),
        a.at("events", `rule/${p}-*`),
        a.at("events", `rule/${p}-*/*`),
        a.at("events", `archive/${p}-*`),
        a.at("pipes", `pipe/${p}-*`),
        a.at("scheduler", `schedule/${p}-*/*`),
        a.at("scheduler", `schedule-group/${p}-*`),
      ],
    },
    {
      sid: "ManageOwnTrail",
      actions: [
        "cloudtrail:CreateTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:DeleteTrail",
        "cloudtrail:StartLogging",
        "cloudtrail:StopLogging",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:PutInsightSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:ListTags",
      ],
      resources: [a.at("cloudtrail", `trail/${p}-*`)],
    },
    {
      sid: "ManageOwnEmail",
      actions: ["ses:*EmailIdentity*", "ses:*ConfigurationSet*", "ses:TagResource", "ses:UntagResource", "ses:ListTagsForResource"],
      resources: [
        ...scope.emailIdentities.map((identity) => a.at("ses", `identity/${identity}`)),
        a.at("ses", `configuration-set/${p}-*`),
      ],
    },
  ];
}

/**
 * What the pipeline does besides `terraform apply`: push the image, run the
 * migration task, publish the site, invalidate, read the smoke-test account;
 * and the guard rails that keep the deploy role off the CI roles and the state.
 */
export function deliveryStatements(scope: CiScope, targets: DeliveryTargets): PolicyStatement[] {
  const a = arns(scope);
  const p = a.prefix;
  return [
    {
      sid: "PushTasksApiImage",
      actions: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
        "ecr:BatchGetImage",
        "ecr:DescribeImages",
      ],
      resources: [a.at("ecr", `repository/${targets.imageRepositoryName}`)],
    },
    {
      sid: "RegistryLogin",
      // GetAuthorizationToken is registry-wide and accepts only "*"; the token reaches only what the policy allows.
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
    {
      sid: "RunMigrationTask",
      actions: ["ecs:RunTask"],
      resources: [a.at("ecs", `task-definition/${targets.oneOffTaskFamily}:*`)],
      conditions: [{ test: "ArnLike", variable: "ecs:cluster", values: [a.at("ecs", `cluster/${p}-*`)] }],
    },
    {
      sid: "WatchMigrationTask",
      actions: ["ecs:DescribeTasks", "ecs:StopTask"],
      resources: [a.at("ecs", `task/${p}-*/*`)],
    },
    {
      sid: "PublishSite",
      actions: ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [a.s3(`${targets.siteBucketPrefix}*`), a.s3(`${targets.siteBucketPrefix}*/*`)],
    },
    {
      sid: "InvalidateSite",
      actions: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
      resources: [a.global("cloudfront", "distribution/*")],
    },
    {
      sid: "ReadSmokeTestAccount",
      // Secrets Manager appends six random characters to every secret's ARN.
      actions: ["secretsmanager:GetSecretValue"],
      resources: [a.at("secretsmanager", `secret:${targets.smokeTestSecretName}-??????`)],
    },
    {
      sid: "DenyChangingCiAccess",
      effect: "Deny",
      actions: ["iam:*"],
      resources: [
        a.global("iam", `role/${targets.ciNamePrefix}-*`),
        a.global("iam", `policy/${targets.ciNamePrefix}-*`),
        a.global("iam", "oidc-provider/*"),
      ],
    },
    {
      sid: "DenyChangingStateBucket",
      effect: "Deny",
      actions: [
        "s3:DeleteBucket",
        "s3:PutBucket*",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
        "s3:DeleteObjectVersion",
      ],
      resources: [
        targets.stateBucketArn,
        `${targets.stateBucketArn}/*`,
        ...(targets.stateAccessLogBucketArn ? [targets.stateAccessLogBucketArn, `${targets.stateAccessLogBucketArn}/*`] : []),
      ],
    },
    ...(targets.stateKeyArn
      ? [
          {
            sid: "DenyChangingStateKey",
            effect: "Deny" as const,
            actions: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DisableKeyRotation", "kms:CreateGrant"],
            resources: [targets.stateKeyArn],
          },
        ]
      : []),
  ];
}
