import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LOG_RETENTION_DAYS } from "../../config/schema";
import { EncryptionKey } from "../kms";
import type { IGrantee } from "../core/policy";

export interface LogGroupProps {
  /** Full log group name, e.g. `/aws/lambda/taskboard-dev-auth`. */
  readonly name: string;
  /** Days to keep events; must be a value CloudWatch accepts. */
  readonly retentionDays: number;
  /** @default - the stack's shared logs key (`EncryptionKey.forLogs`) */
  readonly encryptionKey?: EncryptionKey;
}

/** A CloudWatch log group that always has a retention and is always KMS-encrypted. */
export class LogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly logGroupName: string;
  readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: LogGroupProps) {
    super(scope, id);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(props.retentionDays)) {
      throw new Error(
        `${this.node.path}: retentionDays ${props.retentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    }
    const key = props.encryptionKey ?? EncryptionKey.forLogs(this);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: key.keyArn,
    });
    this.logGroupName = this.logGroup.name;
    this.logGroupArn = this.logGroup.arn;
  }

  /** Lets a role create streams and put events in this group only. */
  grantWrite(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({
      sid,
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${this.logGroupArn}:*`],
    });
  }
}
