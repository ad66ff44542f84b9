import { Construct } from "constructs";
import { TerraformOutput, TerraformVariable } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { Network } from "../modules/network";
import { TaskboardTables } from "../modules/tables";
import { AuroraPostgres } from "../modules/aurora";
import { InternalLoadBalancer } from "../modules/alb";
import { DnsValidatedCertificate } from "../modules/certificate";
import { EcsCluster } from "../modules/ecs-cluster";
import { ContainerRepository } from "../modules/ecr";
import { EcsService } from "../modules/ecs-service";
import { SecureBucket } from "../modules/bucket";
import { EncryptionKey, SigningKey } from "../modules/kms";
import { NodejsFunction } from "../modules/lambda";
import { HttpApi } from "../modules/api";
import { StaticSite } from "../modules/static-site";
import { EmailSender } from "../modules/email";
import { TaskEventBus } from "../modules/events";
import { ScheduledTask } from "../modules/events/scheduled-task";
import { DeadLetterQueue } from "../modules/queue";
import { Monitoring } from "../modules/monitoring";
import { AuditTrail } from "../modules/audit";
import { PlatformStack, useS3State } from "./platform-stack";

/** The stack input through which the deploy pipeline names the tasks-api image. */
export const TASKS_API_IMAGE_DIGEST_VARIABLE = "tasks_api_image_digest";

/** When the reminder runs, in the board's time zone (the users are in Seoul). */
const REMINDER_SCHEDULE = { expression: "cron(0 9 * * ? *)", timeZone: "Asia/Seoul" } as const;

/**
 * One environment of the task board: the whole AWS estate, composed from
 * `modules/` and sized by the environment's configuration.
 *
 * A browser reaches CloudFront, which serves the site from a private bucket
 * and sends `/api/*` to API Gateway; API Gateway signs users in through the
 * auth Lambda and reaches the tasks-api on ECS through a VPC link and an
 * internal ALB; the service keeps tasks in Aurora and logs every change to
 * DynamoDB, whose stream feeds EventBridge and the notifier, which mails
 * through SES.
 *
 * Construct ids here are part of each stateful resource's address: renaming
 * `network`, `tables`, `database` or `site` would replace them (a test pins them).
 */
export class EnvironmentStack extends PlatformStack {
  readonly network: Network;
  readonly tables: TaskboardTables;
  readonly database: AuroraPostgres;
  readonly loadBalancer: InternalLoadBalancer;
  readonly cluster: EcsCluster;
  readonly repository: ContainerRepository;
  readonly tasksApi: EcsService;
  readonly api: HttpApi;
  readonly site: StaticSite;
  readonly events: TaskEventBus;
  readonly email: EmailSender;
  readonly monitoring: Monitoring;
  readonly audit: AuditTrail;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    // The environment's waivers name its own resources; the bootstrap stack gets none.
    super(scope, id, config, { waivers: config.waivers ?? [] });
    useS3State(this, config);
    const retentionDays = config.logRetentionDays;

    // ---- network and data -------------------------------------------------
    this.network = new Network(this, "network", {
      cidr: config.network.cidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: retentionDays,
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
      logRetentionDays: retentionDays,
    });

    // One SSE-S3 bucket for the access logs of the ALB, the site bucket and CloudFront (none of them can write SSE-KMS).
    const logBucket = new SecureBucket(this, "log-bucket", {
      purpose: "access-logs",
      encryption: { type: "s3-managed" },
      expireAfterDays: Math.max(retentionDays, 30),
      forceDestroy: !config.deletionProtection,
    });
    // Every function's deployment package; its reads and writes are access-logged like every other bucket's.
    const lambdaArtifacts = new SecureBucket(this, "lambda-artifacts", {
      purpose: "lambda-artifacts",
      accessLogs: { bucket: logBucket, prefix: "s3/lambda-artifacts/" },
    });
    // Dead-letter queues of the notifier and the reminder share one key.
    const queuesKey = new EncryptionKey(this, "queues-key", { purpose: "queues", description: "Dead-letter queue encryption" });
    const tokenKey = new SigningKey(this, "token-signing-key", { purpose: "token-signing", description: "Signs sign-in tokens (ES256)" });

    // ---- the task API service ---------------------------------------------
    // With a domain, API Gateway reaches the ALB over TLS and checks the ALB's certificate for this name. Nothing
    // resolves it (the VPC link addresses the listener by ARN); it only has to be a name in the zone ACM can validate.
    const originCertificate = config.edge.domain
      ? new DnsValidatedCertificate(this, "api-origin-certificate", {
          domainName: `tasks-api.internal.${config.edge.domain.name}`,
          hostedZoneId: config.edge.domain.hostedZoneId,
        })
      : undefined;
    this.loadBalancer = new InternalLoadBalancer(this, "load-balancer", {
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      deletionProtection: config.deletionProtection,
      accessLogs: { bucket: logBucket, prefix: "alb" },
      ...(originCertificate ? { certificateArn: originCertificate.validatedCertificateArn } : {}),
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
      logRetentionDays: retentionDays,
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
        DATABASE_SSL: "verify-full",
        TASK_EVENTS_TABLE_NAME: this.tables.taskEvents.tableName,
        TOKEN_SIGNING_KEY_ID: tokenKey.keyArn,
        REMINDER_TIME_ZONE: REMINDER_SCHEDULE.timeZone,
        // The ALB speaks HTTPS to the task (and verifies no certificate): the service makes its own key at start.
        SERVE_TLS: this.loadBalancer.targetProtocol === "HTTPS" ? "self-signed" : "off",
      },
      // The image's own check knows whether it serves TLS (SERVE_TLS); the Dockerfile's HEALTHCHECK runs the same.
      healthCheckCommand: ["CMD", "node", "main.mjs", "healthcheck"],
      secrets: {
        DATABASE_USER: { secretArn: this.database.masterUserSecretArn, jsonKey: "username" },
        DATABASE_PASSWORD: { secretArn: this.database.masterUserSecretArn, jsonKey: "password" },
      },
    });

    // Who may talk to whom: ALB -> service -> database; DynamoDB through its gateway endpoint; KMS (the token key's
    // public half) through an interface endpoint. Nothing else: the service has no way to the internet.
    this.tasksApi.allowFrom(this.loadBalancer, "internal ALB to the tasks-api containers");
    this.database.allowFrom(this.tasksApi, "tasks-api to Aurora");
    this.tasksApi.securityGroup.allowEgressToPrefixList(
      this.network.dynamodbPrefixListId,
      443,
      "tasks-api to DynamoDB through the gateway endpoint",
    );
    const kmsEndpoint = this.network.addInterfaceEndpoint("kms");
    kmsEndpoint.admit(
      this.tasksApi,
      { sid: "TasksApiReadsTokenPublicKey", principal: this.tasksApi.taskRole, actions: tokenKey.verifyActions, resources: [tokenKey.keyArn] },
      "tasks-api reads the token key's public half from KMS",
    );
    // The execution role reads the RDS-managed secret, which is encrypted with the database's key.
    this.database.encryptionKey.grantDecrypt(this.tasksApi.executionRole, "DecryptDatabaseSecret", {
      viaService: "secretsmanager",
    });
    // Each grant lists the operations the bundled code calls (scripts/proofs proves it): the task log is appended and queried.
    this.tables.taskEvents.grantDataOperations(this.tasksApi.taskRole, "TaskEvents", ["BatchWriteItem", "Query"]);
    tokenKey.grantVerify(this.tasksApi.taskRole, "ReadTokenPublicKey");

    // ---- sign-in and the API ----------------------------------------------
    const auth = new NodejsFunction(this, "auth-function", {
      purpose: "auth",
      description: "Sign-in and user management",
      entry: "handlers/auth/index.ts",
      artifactsBucket: lambdaArtifacts,
      // scrypt (N=2^15) wants CPU; Lambda gives CPU in proportion to memory.
      memoryMiB: 1024,
      timeoutSeconds: 10,
      logRetentionDays: retentionDays,
      environment: {
        USERS_TABLE_NAME: this.tables.users.tableName,
        LOGIN_ATTEMPTS_TABLE_NAME: this.tables.loginAttempts.tableName,
        TOKEN_SIGNING_KEY_ID: tokenKey.keyArn,
      },
    });
    this.tables.users.grantDataOperations(auth.role, "Users", ["GetItem", "Scan", "PutItem", "UpdateItem", "DeleteItem"]);
    this.tables.loginAttempts.grantDataOperations(auth.role, "LoginAttempts", ["PutItem", "UpdateItem", "DeleteItem"]);
    tokenKey.grantSign(auth.role, "SignTokens");

    const authorizer = new NodejsFunction(this, "authorizer-function", {
      purpose: "authorizer",
      description: "Verifies sign-in tokens for API Gateway",
      entry: "handlers/authorizer/index.ts",
      artifactsBucket: lambdaArtifacts,
      memoryMiB: 256,
      timeoutSeconds: 5,
      logRetentionDays: retentionDays,
      environment: { TOKEN_SIGNING_KEY_ID: tokenKey.keyArn },
    });
    tokenKey.grantVerify(authorizer.role, "ReadTokenPublicKey");

    this.api = new HttpApi(this, "api", {
      authFunction: auth,
      authorizerFunction: authorizer,
      loadBalancer: this.loadBalancer,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      logRetentionDays: retentionDays,
      throttling: { burstLimit: config.api.throttlingBurstLimit, rateLimit: config.api.throttlingRateLimit },
      corsAllowedOrigins: config.api.corsAllowedOrigins,
      ...(originCertificate ? { tlsServerNameToVerify: originCertificate.domainName } : {}),
    });

    // ---- the site -----------------------------------------------------------
    this.site = new StaticSite(this, "site", {
      globalProvider: this.globalProvider,
      logBucket,
      priceClass: config.edge.priceClass,
      apiOrigin: { domainName: this.api.apiDomainName },
      ...(config.edge.domain ? { domain: config.edge.domain } : {}),
      waf: config.edge.waf,
    });

    // ---- task events and email --------------------------------------------
    this.email = new EmailSender(this, "email", {
      fromAddress: config.mailFrom,
      ...(config.edge.domain ? { domain: config.edge.domain } : {}),
    });
    // Failures inside the notifier (after Lambda's own retries) land here, with the request, for redrive.
    const notifierFailures = new DeadLetterQueue(this, "notifier-failures", { purpose: "notifier-failures", encryptionKey: queuesKey });
    const notifier = new NodejsFunction(this, "notifier-function", {
      purpose: "notifier",
      description: "Emails PICs and supervisors about task changes",
      entry: "handlers/notifier/index.ts",
      artifactsBucket: lambdaArtifacts,
      memoryMiB: 256,
      timeoutSeconds: 30,
      logRetentionDays: retentionDays,
      onFailureDestination: { type: "sqs", arn: notifierFailures.queueArn },
      environment: {
        NOTIFICATIONS_SENT_TABLE_NAME: this.tables.notificationsSent.tableName,
        MAIL_FROM: config.mailFrom,
        BOARD_URL: this.site.siteUrl,
        SES_CONFIGURATION_SET: this.email.configurationSetName,
        MAIL_TIME_ZONE: REMINDER_SCHEDULE.timeZone,
      },
    });
    queuesKey.grantEncryptDecrypt(notifier.role, "FailureQueueKey", { viaService: "sqs" });
    this.tables.notificationsSent.grantDataOperations(notifier.role, "NotificationsSent", ["PutItem", "UpdateItem", "DeleteItem"]);
    this.email.grantSend(notifier.role, "SendEmail");

    this.events = new TaskEventBus(this, "events", { table: this.tables.taskEvents, notifier });
    const reminder = new ScheduledTask(this, "reminder", {
      purpose: "reminder",
      description: "Daily due-soon and overdue reminders",
      scheduleExpression: REMINDER_SCHEDULE.expression,
      timeZone: REMINDER_SCHEDULE.timeZone,
      clusterArn: this.cluster.clusterArn,
      capacityProviderName: this.cluster.capacityProviderName,
      taskDefinitionArn: this.tasksApi.taskDefinitionArn,
      taskDefinitionFamily: this.tasksApi.taskDefinitionFamily,
      containerName: this.tasksApi.containerName,
      command: ["node", "main.mjs", "remind"],
      subnetIds: this.network.privateSubnetIds,
      securityGroupId: this.tasksApi.securityGroup.securityGroupId,
      taskRoleArn: this.tasksApi.taskRole.roleArn,
      executionRoleArn: this.tasksApi.executionRole.roleArn,
      deadLetterKey: queuesKey,
    });

    // ---- audit and monitoring -----------------------------------------------
    this.audit = new AuditTrail(this, "audit", {
      logExpireAfterDays: config.auditLogExpiryDays,
      logRetentionDays: retentionDays,
      dataEventBucketArns: [this.site.bucketArn],
      forceDestroy: !config.deletionProtection,
      accessLogs: { bucket: logBucket, prefix: "s3/audit/" },
    });

    const functions = { auth, authorizer, notifier };
    this.monitoring = new Monitoring(this, "monitoring", {
      alarmEmails: config.alarmEmails,
      lambdaFunctions: functions,
      httpApis: { api: { apiId: this.api.apiId, stageName: this.api.stageName } },
      loadBalancers: { api: this.loadBalancer },
      ecsServices: { "tasks-api": this.tasksApi },
      auroraClusters: { database: this.database },
      tables: {
        users: this.tables.users,
        "task-events": this.tables.taskEvents,
        "login-attempts": this.tables.loginAttempts,
        "notifications-sent": this.tables.notificationsSent,
      },
      pipes: { "task-events": { pipeName: this.events.pipeName } },
      eventRules: { notify: { ruleName: this.events.ruleName, eventBusName: this.events.busName } },
      deadLetterQueues: {
        ...Object.fromEntries(this.events.deadLetterQueues.map((queue) => [queue.source, { queueName: queue.queueName }])),
        "notifier-failures": { queueName: notifierFailures.queueName },
        reminder: { queueName: reminder.deadLetterQueueName },
      },
      sesReputation: true,
      logGroups: {
        ...Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, { logGroupName: fn.logGroup.logGroupName }])),
        "tasks-api": { logGroupName: this.tasksApi.logGroup.logGroupName },
      },
      billingThresholdUsd: config.billingAlarmUsd,
      globalProvider: this.globalProvider,
    });

    // ---- outputs (read by the deploy and drift workflows) -------------------
    const outputs: Record<string, string> = {
      site_url: this.site.siteUrl,
      site_bucket_name: this.site.bucketName,
      distribution_id: this.site.distributionId,
      api_endpoint: this.api.apiEndpoint,
      vpc_id: this.network.vpcId,
      database_endpoint: this.database.endpoint,
      load_balancer_dns_name: this.loadBalancer.loadBalancerDnsName,
      tasks_api_repository_url: this.repository.repositoryUrl,
      ecs_cluster_name: this.cluster.clusterName,
      tasks_api_service_name: this.tasksApi.serviceName,
      tasks_api_task_definition_family: this.tasksApi.taskDefinitionFamily,
      tasks_api_security_group_id: this.tasksApi.securityGroup.securityGroupId,
      alarm_topic_arn: this.monitoring.alarmTopicArn,
      // Read back by the drift check, which must plan with the digest that is deployed.
      deployed_tasks_api_image_digest: imageDigest.stringValue,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
    new TerraformOutput(this, "private_subnet_ids", { value: this.network.privateSubnetIds });
  }
}
