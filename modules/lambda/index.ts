import { isAbsolute, resolve } from "node:path";
import { Construct } from "constructs";
import { AssetType, Fn, Op, TerraformAsset, TerraformStack } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SecureBucket } from "../bucket";
import { PlatformContext } from "../core/context";
import { ServiceRole } from "../iam-role";
import { LogGroup } from "../log-group";
import {
  ASYNC_MAX_EVENT_AGE_SECONDS_RANGE,
  ASYNC_RETRY_ATTEMPTS_RANGE,
  ENVIRONMENT_VARIABLE_NAME,
  LAMBDA_DEFAULTS,
  MEMORY_MIB_RANGE,
  RESERVED_ENVIRONMENT_VARIABLES,
  TIMEOUT_SECONDS_RANGE,
  type ApplicationLogLevel,
} from "./defaults";
import { LAMBDA_HANDLER, REPO_ROOT, bundleHandler, writeArtifact } from "./private/bundle";
import { TARGET_SEND_ACTIONS, literalArnService, type TargetType } from "./private/targets";

export { bundleHandler, type LambdaBundle } from "./private/bundle";

/** Where Lambda sends an asynchronous event it gave up on (the function's `dead_letter_config`). */
export interface DeadLetterTarget {
  /** Lambda dead-letter queues are SQS queues or SNS topics only. */
  readonly type: "sqs" | "sns";
  /** The queue's or topic's ARN (a literal or a reference such as `queue.queueArn`). */
  readonly arn: string;
}

/** An on-failure destination for asynchronous invocations; unlike a DLQ it receives the error and the request context. */
export interface FailureDestination {
  readonly type: TargetType;
  /** The queue's, topic's, function's or event bus's ARN. */
  readonly arn: string;
}

export interface NodejsFunctionProps {
  /** What the function does; names the function (`taskboard-dev-<purpose>`), its role, log group and artifact key. Lower-case kebab. */
  readonly purpose: string;
  /** The handler's source file, relative to the repository root (e.g. `handlers/tasks/index.ts`); it must export `handler`. */
  readonly entry: string;
  /** Days the function's log group keeps events; a CloudWatch Logs retention value (the environment config's `logRetentionDays`). */
  readonly logRetentionDays: number;
  readonly description?: string;
  /** @default 256 - CPU scales with memory; 128 to 10240 */
  readonly memoryMiB?: number;
  /** @default 10 - 1 to 900 */
  readonly timeoutSeconds?: number;
  /**
   * Configuration the handler reads once at cold start. Names must be valid
   * Lambda variable names and not ones the runtime reserves. No secrets here:
   * grant the role read on the secret and pass its ARN.
   * @default - no variables
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrency carved out of the account's pool: guarantees capacity and caps
   * it (protecting downstreams such as the database). 0 stops all invocations.
   * @default - unreserved, shares the account's pool
   */
  readonly reservedConcurrency?: number;
  /**
   * Where asynchronous events go after their retries fail. Exclusive with
   * `onFailureDestination`, which carries more context and should be preferred.
   * @default - no dead-letter queue
   */
  readonly deadLetterTarget?: DeadLetterTarget;
  /**
   * Where asynchronous invocation failures are sent, with the error and the request. Exclusive with `deadLetterTarget`.
   * @default - failed events are dropped after the retries (visible only in metrics and logs)
   */
  readonly onFailureDestination?: FailureDestination;
  /** Retries of a failed asynchronous invocation. @default 2 - Lambda's own default, 0 to 2 */
  readonly asyncRetryAttempts?: number;
  /** Seconds an asynchronous event may wait to be processed before it is dropped or sent on. @default 21600 - 60 to 21600 */
  readonly asyncMaxEventAgeSeconds?: number;
  /** Lowest level of the handler's own log lines that reach CloudWatch. @default "INFO" */
  readonly applicationLogLevel?: ApplicationLogLevel;
  /** @default - the stack's shared artifacts bucket (`NodejsFunction.artifactsBucket`) */
  readonly artifactsBucket?: SecureBucket;
}

const ARTIFACTS_BUCKET_ID = "lambda-artifacts";

/**
 * A Node.js 22 Lambda function on arm64, built from a TypeScript entry by a
 * reproducible bundler and deployed from a content-addressed S3 object.
 *
 * It starts with permission only to write its own log group and send X-Ray
 * traces (plus its dead-letter target or failure destination when set); all
 * other access comes from other modules' `grantXxx(fn.role)`.
 */
export class NodejsFunction extends Construct {
  /**
   * The stack's bucket for Lambda deployment packages, created on first use:
   * one bucket for every function, since they share one writer (Terraform)
   * and one reader (the Lambda service acting for the deployer).
   */
  static artifactsBucket(scope: Construct): SecureBucket {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(ARTIFACTS_BUCKET_ID);
    if (existing instanceof SecureBucket) return existing;
    // Versioned (the default), so a replaced artifact stays restorable for the noncurrent-version window.
    return new SecureBucket(stack, ARTIFACTS_BUCKET_ID, { purpose: "lambda-artifacts" });
  }

  /** The Lambda function (escape hatch). */
  readonly fn: LambdaFunction;
  readonly functionName: string;
  readonly functionArn: string;
  /** The ARN API Gateway integrations call. */
  readonly invokeArn: string;
  /** The execution role; pass it to other modules' `grantXxx` methods. */
  readonly role: ServiceRole;
  readonly logGroup: LogGroup;
  readonly artifactsBucket: SecureBucket;
  /** S3 key of the deployment package: `lambda/<purpose>/<sha256 hex>.zip`. */
  readonly artifactKey: string;
  /** base64 sha256 of the deployment package, as Lambda reports it in `CodeSha256`. */
  readonly codeSha256Base64: string;
  private readonly invokeGrants = new Set<string>();

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    this.validate(props);
    const platform = PlatformContext.of(this);

    const functionName = platform.name(props.purpose, { maxLength: 64 });

    this.role = new ServiceRole(this, "role", {
      purpose: `${props.purpose}-lambda`,
      assumedBy: ["lambda.amazonaws.com"],
      description: `Execution role of the ${functionName} Lambda function`,
    });
    this.logGroup = new LogGroup(this, "log-group", {
      name: `/aws/lambda/${functionName}`,
      retentionDays: props.logRetentionDays,
    });

    // The role's whole starting policy. The function waits for these inline policies,
    // so the first invocation never runs before it may write logs or traces.
    this.logGroup.grantWrite(this.role, "WriteOwnLogs");
    this.role.addToPolicy({
      sid: "WriteTraces",
      actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      // X-Ray has no resource-level permissions for these actions: "*" is the only resource they accept.
      resources: ["*"],
    });
    if (props.deadLetterTarget) {
      this.role.addToPolicy({
        sid: "SendToDeadLetterTarget",
        actions: [TARGET_SEND_ACTIONS[props.deadLetterTarget.type]],
        resources: [props.deadLetterTarget.arn],
      });
      // Lambda checks this permission when the function is created, not when it first fails.
    }
    if (props.onFailureDestination) {
      this.role.addToPolicy({
        sid: "SendToFailureDestination",
        actions: [TARGET_SEND_ACTIONS[props.onFailureDestination.type]],
        resources: [props.onFailureDestination.arn],
      });
    }

    const entry = isAbsolute(props.entry) ? props.entry : resolve(REPO_ROOT, props.entry);
    const bundle = bundleHandler({ entry });
    this.codeSha256Base64 = bundle.sha256Base64;
    this.artifactKey = `lambda/${props.purpose}/${bundle.sha256Hex}.zip`;
    this.artifactsBucket = props.artifactsBucket ?? NodejsFunction.artifactsBucket(this);

    // A plain file copy into the stack's assets/: the zip is already built, named by its hash.
    const asset = new TerraformAsset(this, "code", {
      path: writeArtifact(bundle),
      type: AssetType.FILE,
      assetHash: bundle.sha256Hex,
    });
    const artifact = new S3Object(this, "artifact", {
      bucket: this.artifactsBucket.bucketName,
      key: this.artifactKey,
      source: asset.path,
      // Not `etag`: under SSE-KMS the ETag is not the content's MD5, so it would differ on every plan.
      // The key already changes with the bytes; this records which bytes in state.
      sourceHash: bundle.sha256Hex,
      contentType: "application/zip",
      // S3 verifies the upload against this checksum and keeps it with the object.
      checksumAlgorithm: "SHA256",
      // Explicit rather than the bucket default: the object only references the bucket, so on a first apply it
      // could be uploaded before the bucket's encryption configuration exists and get SSE-S3 instead.
      ...(this.artifactsBucket.encryptionKey
        ? { serverSideEncryption: "aws:kms", kmsKeyId: this.artifactsBucket.encryptionKey.keyArn, bucketKeyEnabled: true }
        : {}),
    });

    this.fn = new LambdaFunction(this, "function", {
      functionName,
      description: props.description,
      role: this.role.roleArn,
      runtime: LAMBDA_DEFAULTS.runtime,
      architectures: [LAMBDA_DEFAULTS.architecture],
      handler: LAMBDA_HANDLER,
      s3Bucket: artifact.bucket,
      s3Key: artifact.key,
      // The exact version uploaded in this apply, not whatever the key holds later.
      s3ObjectVersion: artifact.versionId,
      sourceCodeHash: bundle.sha256Base64,
      memorySize: props.memoryMiB ?? LAMBDA_DEFAULTS.memoryMiB,
      timeout: props.timeoutSeconds ?? LAMBDA_DEFAULTS.timeoutSeconds,
      environment:
        props.environment && Object.keys(props.environment).length > 0
          ? { variables: { ...props.environment } }
          : undefined,
      tracingConfig: { mode: "Active" },
      reservedConcurrentExecutions: props.reservedConcurrency,
      deadLetterConfig: props.deadLetterTarget ? { targetArn: props.deadLetterTarget.arn } : undefined,
      loggingConfig: {
        logFormat: LAMBDA_DEFAULTS.logFormat,
        logGroup: this.logGroup.logGroupName,
        applicationLogLevel: props.applicationLogLevel ?? LAMBDA_DEFAULTS.applicationLogLevel,
        systemLogLevel: LAMBDA_DEFAULTS.systemLogLevel,
      },
      dependsOn: this.role.inlinePolicies,
      lifecycle: {
        // Makes `terraform plan` read the zip the object uploads and refuse bytes other than the ones hashed at synth
        // (a precondition must refer to another object, hence the object's `source`, not the asset path).
        precondition: [
          {
            condition: Op.eq(Fn.filebase64sha256(artifact.source), bundle.sha256Base64),
            errorMessage: `the deployment package of ${this.node.path} is not the one synthesized (sha256 ${bundle.sha256Base64}); synthesize again`,
          },
        ],
      },
    });
    this.functionName = this.fn.functionName;
    this.functionArn = this.fn.arn;
    this.invokeArn = this.fn.invokeArn;

    if (
      props.onFailureDestination ||
      props.asyncRetryAttempts !== undefined ||
      props.asyncMaxEventAgeSeconds !== undefined
    ) {
      new LambdaFunctionEventInvokeConfig(this, "async", {
        functionName: this.fn.functionName,
        maximumRetryAttempts: props.asyncRetryAttempts ?? LAMBDA_DEFAULTS.asyncRetryAttempts,
        maximumEventAgeInSeconds: props.asyncMaxEventAgeSeconds ?? LAMBDA_DEFAULTS.asyncMaxEventAgeSeconds,
        destinationConfig: props.onFailureDestination
          ? { onFailure: { destination: props.onFailureDestination.arn } }
          : undefined,
      });
    }
  }

  /**
   * Lets an AWS service invoke the function on behalf of one source only
   * (an API's execution ARN, an EventBridge rule's ARN), which stops other
   * resources of that service, in any account, from invoking it.
   */
  grantInvoke(servicePrincipal: string, sourceArn: string, sid: string): LambdaPermission {
    if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(servicePrincipal)) {
      throw new Error(
        `${this.node.path}: grantInvoke principal "${servicePrincipal}" is not a service principal; use e.g. "apigateway.amazonaws.com" or "events.amazonaws.com"`,
      );
    }
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(sid)) {
      throw new Error(`${this.node.path}: grantInvoke sid "${sid}" must be 1-100 letters, digits, "-" or "_" (a Lambda statement id)`);
    }
    if (this.invokeGrants.has(sid)) {
      throw new Error(`${this.node.path}: an invoke grant named "${sid}" already exists; give each source its own sid`);
    }
    if (sourceArn.trim() === "") {
      throw new Error(`${this.node.path}: grantInvoke "${sid}" needs a source ARN; an unscoped invoke permission is not allowed`);
    }
    this.invokeGrants.add(sid);
    return new LambdaPermission(this, `invoke-${sid}`, {
      statementId: sid,
      action: "lambda:InvokeFunction",
      functionName: this.fn.functionName,
      principal: servicePrincipal,
      sourceArn,
    });
  }

  private validate(props: NodejsFunctionProps): void {
    const path = this.node.path;
    if (props.deadLetterTarget && props.onFailureDestination) {
      throw new Error(
        `${path}: deadLetterTarget and onFailureDestination are both set; use one: onFailureDestination (it carries the error and request context), or deadLetterTarget`,
      );
    }
    if (!/^[a-z][a-z0-9-]*$/.test(props.purpose)) {
      throw new Error(`${path}: purpose "${props.purpose}" must be lower-case letters, digits and "-", starting with a letter, e.g. "tasks-api"`);
    }
    checkWholeNumberInRange(path, "memoryMiB", props.memoryMiB, MEMORY_MIB_RANGE);
    checkWholeNumberInRange(path, "timeoutSeconds", props.timeoutSeconds, TIMEOUT_SECONDS_RANGE);
    if (props.reservedConcurrency !== undefined && (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 0)) {
      throw new Error(
        `${path}: reservedConcurrency ${props.reservedConcurrency} must be a whole number, at least 0; leave it unset to share the account's pool`,
      );
    }
    checkWholeNumberInRange(path, "asyncRetryAttempts", props.asyncRetryAttempts, ASYNC_RETRY_ATTEMPTS_RANGE);
    checkWholeNumberInRange(path, "asyncMaxEventAgeSeconds", props.asyncMaxEventAgeSeconds, ASYNC_MAX_EVENT_AGE_SECONDS_RANGE);
    for (const name of Object.keys(props.environment ?? {})) {
      if (!ENVIRONMENT_VARIABLE_NAME.test(name)) {
        throw new Error(
          `${path}: environment variable name "${name}" is not valid; use a letter then letters, digits or "_" (at least 2 characters), e.g. "TASKS_TABLE_NAME"`,
        );
      }
      if (RESERVED_ENVIRONMENT_VARIABLES.includes(name)) {
        throw new Error(`${path}: environment variable "${name}" is reserved by the Lambda runtime; choose another name, e.g. "APP_${name.replace(/^_+/, "")}"`);
      }
    }
    for (const [prop, target] of [
      ["deadLetterTarget", props.deadLetterTarget],
      ["onFailureDestination", props.onFailureDestination],
    ] as const) {
      if (!target) continue;
      const service = literalArnService(target.arn);
      if (service !== undefined && service !== target.type) {
        throw new Error(
          `${path}: ${prop} has type "${target.type}" but its ARN "${target.arn}" is ${service ? `an ${service} ARN` : "not an ARN"}; make type and ARN agree`,
        );
      }
    }
  }
}

function checkWholeNumberInRange(
  path: string,
  prop: string,
  value: number | undefined,
  range: { readonly min: number; readonly max: number },
): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${path}: ${prop} ${value} is out of range; use a whole number from ${range.min} to ${range.max}`);
  }
}
