import { Construct } from "constructs";
import { TerraformOutput, TerraformVariable } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { Network } from "../modules/network";
import { TaskboardTables } from "../modules/tables";
import { AuroraPostgres } from "../modules/aurora";
import { InternalLoadBalancer } from "../modules/alb";
import { EcsCluster } from "../modules/ecs-cluster";
import { ContainerRepository } from "../modules/ecr";
import { EcsService } from "../modules/ecs-service";
import { PlatformStack, useS3State } from "./platform-stack";

/** The stack input through which the deploy pipeline names the tasks-api image. */
export const TASKS_API_IMAGE_DIGEST_VARIABLE = "tasks_api_image_digest";

/**
 * One environment of the task board: the whole AWS estate, composed from
 * `modules/` and sized by the environment's configuration.
 *
 * Construct ids here are part of each stateful resource's address: renaming
 * `network`, `tables` or `database` would replace them (a test pins them).
 */
export class EnvironmentStack extends PlatformStack {
  readonly network: Network;
  readonly tables: TaskboardTables;
  readonly database: AuroraPostgres;
  readonly loadBalancer: InternalLoadBalancer;
  readonly cluster: EcsCluster;
  readonly repository: ContainerRepository;
  readonly tasksApi: EcsService;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config);
    useS3State(this, config);

    this.network = new Network(this, "network", {
      cidr: config.network.cidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.logRetentionDays,
    });

    this.tables = new TaskboardTables(this, "tables", { deletionProtection: config.deletionProtection });

    this.database = new AuroraPostgres(this, "database", {
      vpcId: this.network.vpcId,
      subnetIds: this.network.isolatedSubnetIds,
      engineVersion: config.database.engineVersion,
      minCapacityAcu: config.database.minCapacityAcu,
      maxCapacityAcu: config.database.maxCapacityAcu,
      instances: config.database.instances,
      backupRetentionDays: config.database.backupRetentionDays,
      deletionProtection: config.deletionProtection,
      finalSnapshot: config.deletionProtection,
      logRetentionDays: config.logRetentionDays,
    });

    this.loadBalancer = new InternalLoadBalancer(this, "load-balancer", {
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      deletionProtection: config.deletionProtection,
      accessLogs: { expireAfterDays: config.logRetentionDays, forceDestroy: !config.deletionProtection },
    });

    this.cluster = new EcsCluster(this, "cluster", {
      purpose: "cluster",
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      instanceType: config.compute.instanceType,
      minInstances: config.compute.minInstances,
      maxInstances: config.compute.maxInstances,
    });
    this.repository = new ContainerRepository(this, "tasks-api-repository", { purpose: "tasks-api" });

    // The deploy pipeline passes the digest it built and pushed; the stack stays the one owner of the task definition.
    const imageDigest = new TerraformVariable(this, TASKS_API_IMAGE_DIGEST_VARIABLE, {
      type: "string",
      description: "Digest (sha256:...) of the tasks-api image in this environment's ECR repository, supplied by the deploy pipeline.",
      validation: [
        {
          condition: `\${can(regex("^sha256:[0-9a-f]{64}$", var.${TASKS_API_IMAGE_DIGEST_VARIABLE}))}`,
          errorMessage: "tasks_api_image_digest must be an image digest: sha256: followed by 64 lowercase hex characters.",
        },
      ],
    });

    this.tasksApi = new EcsService(this, "tasks-api", {
      purpose: "tasks-api",
      cluster: this.cluster,
      repository: this.repository,
      image: `${this.repository.repositoryUrl}@${imageDigest.stringValue}`,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      cpu: config.compute.taskCpu,
      memoryMiB: config.compute.taskMemoryMiB,
      containerPort: this.loadBalancer.targetPort,
      targetGroupArn: this.loadBalancer.targetGroupArn,
      listener: this.loadBalancer.listener,
      logRetentionDays: config.logRetentionDays,
      minTasks: config.compute.minTasks,
      maxTasks: config.compute.maxTasks,
      targetCpuPercent: config.compute.targetCpuPercent,
      environment: {
        PORT: String(this.loadBalancer.targetPort),
        AWS_REGION: config.region,
        DATABASE_HOST: this.database.endpoint,
        DATABASE_PORT: String(this.database.port),
        DATABASE_NAME: this.database.databaseName,
        // Aurora refuses plaintext (rds.force_ssl=1); the client must not fall back either.
        DATABASE_SSL: "require",
        TASK_EVENTS_TABLE_NAME: this.tables.taskEvents.tableName,
      },
      secrets: {
        DATABASE_USER: { secretArn: this.database.masterUserSecretArn, jsonKey: "username" },
        DATABASE_PASSWORD: { secretArn: this.database.masterUserSecretArn, jsonKey: "password" },
      },
    });

    // Who may talk to whom: ALB -> service -> database; the service reaches DynamoDB through the gateway endpoint.
    this.tasksApi.allowFrom(this.loadBalancer, "internal ALB to the tasks-api containers");
    this.database.allowFrom(this.tasksApi, "tasks-api to Aurora");
    this.tasksApi.securityGroup.allowEgressToPrefixList(
      this.network.dynamodbPrefixListId,
      443,
      "tasks-api to DynamoDB through the gateway endpoint",
    );
    // The execution role reads the RDS-managed secret, which is encrypted with the database's key.
    this.database.encryptionKey.grantDecrypt(this.tasksApi.executionRole, "DecryptDatabaseSecret", {
      viaService: "secretsmanager",
    });
    this.tables.taskEvents.grantReadWriteData(this.tasksApi.taskRole, "TaskEvents");

    new TerraformOutput(this, "vpc_id", { value: this.network.vpcId });
    new TerraformOutput(this, "database_endpoint", { value: this.database.endpoint });
    new TerraformOutput(this, "load_balancer_dns_name", { value: this.loadBalancer.loadBalancerDnsName });
    new TerraformOutput(this, "tasks_api_repository_url", { value: this.repository.repositoryUrl });
    // Read back by the drift check, which must plan with the digest that is deployed.
    new TerraformOutput(this, "deployed_tasks_api_image_digest", { value: imageDigest.stringValue });
    new TerraformOutput(this, "ecs_cluster_name", { value: this.cluster.clusterName });
    new TerraformOutput(this, "tasks_api_service_name", { value: this.tasksApi.serviceName });
  }
}
