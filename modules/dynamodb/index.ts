import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { PlatformContext } from "../core/context";
import type { IGrantee } from "../core/policy";
import { EncryptionKey } from "../kms";
import type { KeyAttribute, TableDescriptor } from "../../contracts/tables";
import { MAX_KEY_ATTRIBUTE_NAME_LENGTH, MAX_TABLE_NAME_LENGTH, TABLE_DEFAULTS } from "./defaults";

/**
 * A table's shape (a descriptor from `contracts/tables.ts` fits as is) plus
 * how the platform runs it.
 */
export interface TableProps extends TableDescriptor {
  /**
   * Refuse `DeleteTable`, so neither `terraform destroy` nor a change that
   * replaces the table can drop its data. Turn it off only for throwaway
   * environments, and expect a two-step delete (disable, apply, destroy) otherwise.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * The customer managed key encrypting the table, its stream and its backups.
   * @default - a key of the table's own (`alias/<app>-<env>-<purpose>-table`), rotated yearly
   */
  readonly encryptionKey?: EncryptionKey;
}

const READ_OPERATIONS = ["GetItem", "BatchGetItem", "Query", "Scan", "ConditionCheckItem", "DescribeTable"] as const;
const WRITE_OPERATIONS = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"] as const;
const READ_ACTIONS = READ_OPERATIONS.map((operation) => `dynamodb:${operation}`);
const WRITE_ACTIONS = WRITE_OPERATIONS.map((operation) => `dynamodb:${operation}`);

/** A data-plane operation on a table's items, named as in the SDK and IAM (`PutItem` -> `dynamodb:PutItem`). */
export type TableDataOperation = (typeof READ_OPERATIONS)[number] | (typeof WRITE_OPERATIONS)[number];
const STREAM_READ_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"];

/**
 * A DynamoDB table with the platform's floor: on-demand billing, point-in-time
 * recovery, encryption with a customer managed KMS key, deletion protection.
 *
 * Roles get access only through the `grant*` methods, scoped to this table
 * (and its stream) and to its key.
 */
export class Table extends Construct {
  readonly table: DynamodbTable;
  readonly tableName: string;
  readonly tableArn: string;
  /** The stream's ARN, when the table has a stream. */
  readonly streamArn?: string;
  readonly encryptionKey: EncryptionKey;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    this.validate(props);
    const platform = PlatformContext.of(this);

    this.encryptionKey =
      props.encryptionKey ??
      new EncryptionKey(this, "key", {
        purpose: `${props.purpose}-table`,
        description: `${platform.name(props.purpose)} DynamoDB table encryption`,
      });

    const keys = [props.partitionKey, ...(props.sortKey ? [props.sortKey] : [])];
    this.table = new DynamodbTable(this, "table", {
      name: platform.name(props.purpose, { maxLength: MAX_TABLE_NAME_LENGTH }),
      billingMode: TABLE_DEFAULTS.billingMode,
      tableClass: TABLE_DEFAULTS.tableClass,
      hashKey: props.partitionKey.name,
      rangeKey: props.sortKey?.name,
      // Only key attributes are declared: DynamoDB is schemaless for the rest and rejects unused declarations.
      attribute: keys.map((key) => ({ name: key.name, type: key.type })),
      pointInTimeRecovery: { enabled: TABLE_DEFAULTS.pointInTimeRecovery },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.encryptionKey.keyArn },
      deletionProtectionEnabled: props.deletionProtection ?? TABLE_DEFAULTS.deletionProtection,
      ...(props.ttlAttribute ? { ttl: { attributeName: props.ttlAttribute, enabled: true } } : {}),
      ...(props.stream ? { streamEnabled: true, streamViewType: props.stream } : {}),
    });
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    if (props.stream) this.streamArn = this.table.streamArn;
  }

  /** Read items (get, batch get, query, scan, condition checks) and describe the table. */
  grantReadData(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: READ_ACTIONS, resources: this.dataResources() });
    this.encryptionKey.grantDecrypt(grantee, `${sid}Key`, { viaService: "dynamodb" });
  }

  /** Put, update and delete items, without any read action. */
  grantWriteData(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: WRITE_ACTIONS, resources: this.dataResources() });
    // Writes need the table key's data key too: DynamoDB encrypts each item under it.
    this.encryptionKey.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "dynamodb" });
  }

  /**
   * Exactly the operations the grantee's code calls, e.g. `["GetItem", "PutItem"]`
   * (what the least-privilege proof in `scripts/proofs/` reads from its bundle). The key grant follows:
   * encrypt/decrypt when any operation writes, decrypt only otherwise.
   */
  grantDataOperations(grantee: IGrantee, sid: string, operations: readonly TableDataOperation[]): void {
    if (operations.length === 0) {
      throw new Error(
        `${this.node.path}: grantDataOperations("${sid}") lists no operation; name the ones the grantee's code calls, ` +
          `from ${[...READ_OPERATIONS, ...WRITE_OPERATIONS].join(", ")}`,
      );
    }
    const duplicates = operations.filter((operation, index) => operations.indexOf(operation) !== index);
    if (duplicates.length > 0) {
      throw new Error(`${this.node.path}: grantDataOperations("${sid}") lists ${duplicates.join(", ")} twice; list each operation once`);
    }
    grantee.addToPolicy({ sid, actions: operations.map((operation) => `dynamodb:${operation}`), resources: this.dataResources() });
    const writes = operations.some((operation) => (WRITE_OPERATIONS as readonly string[]).includes(operation));
    if (writes) this.encryptionKey.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "dynamodb" });
    else this.encryptionKey.grantDecrypt(grantee, `${sid}Key`, { viaService: "dynamodb" });
  }

  /** `grantReadData` and `grantWriteData` in one statement. */
  grantReadWriteData(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: [...READ_ACTIONS, ...WRITE_ACTIONS], resources: this.dataResources() });
    this.encryptionKey.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "dynamodb" });
  }

  /**
   * Read the table's stream, as a Lambda event source mapping does. Adds three
   * statements: `<sid>` on the stream, `<sid>List` and `<sid>Key` (decrypt records).
   */
  grantStreamRead(grantee: IGrantee, sid: string): void {
    if (!this.streamArn) {
      throw new Error(`${this.node.path}: grantStreamRead("${sid}") needs a stream; set the table's stream view type`);
    }
    grantee.addToPolicy({ sid, actions: STREAM_READ_ACTIONS, resources: [this.streamArn] });
    // ListStreams supports no resource-level permission (the Service Authorization Reference lists no
    // resource type for it), so IAM needs `*`. It returns stream ARNs and table names only, no data.
    grantee.addToPolicy({ sid: `${sid}List`, actions: ["dynamodb:ListStreams"], resources: ["*"] });
    this.encryptionKey.grantDecrypt(grantee, `${sid}Key`, { viaService: "dynamodb" });
  }

  /**
   * The ARNs data grants cover. The table has no secondary indexes, so no
   * `<tableArn>/index/*`: add it here when an index is added, and only then.
   */
  private dataResources(): string[] {
    return [this.tableArn];
  }

  private validate(props: TableProps): void {
    const path = this.node.path;
    if (!/[a-z0-9]/i.test(props.purpose)) {
      throw new Error(`${path}: purpose "${props.purpose}" must contain a letter or digit; it names the table (e.g. "users")`);
    }
    checkKeyName(path, "partitionKey", props.partitionKey);
    if (props.sortKey) {
      checkKeyName(path, "sortKey", props.sortKey);
      if (props.sortKey.name === props.partitionKey.name) {
        throw new Error(
          `${path}: sortKey "${props.sortKey.name}" is the partition key's name; ` +
            "use a different attribute as the sort key, or leave sortKey out",
        );
      }
    }
    if (props.ttlAttribute !== undefined) {
      if (props.ttlAttribute.length === 0 || props.ttlAttribute.length > MAX_KEY_ATTRIBUTE_NAME_LENGTH) {
        throw new Error(
          `${path}: ttlAttribute "${props.ttlAttribute}" must be 1 to ${MAX_KEY_ATTRIBUTE_NAME_LENGTH} characters; ` +
            "name the epoch-seconds attribute (e.g. \"expiresAt\") or leave ttlAttribute out",
        );
      }
      const keyNames = [props.partitionKey.name, props.sortKey?.name];
      if (keyNames.includes(props.ttlAttribute)) {
        throw new Error(
          `${path}: ttlAttribute "${props.ttlAttribute}" is a key attribute; ` +
            "use a separate Number attribute holding the expiry in epoch seconds",
        );
      }
    }
  }
}

function checkKeyName(path: string, field: string, key: KeyAttribute): void {
  if (key.name.length === 0 || key.name.length > MAX_KEY_ATTRIBUTE_NAME_LENGTH) {
    throw new Error(
      `${path}: ${field} name "${key.name}" must be 1 to ${MAX_KEY_ATTRIBUTE_NAME_LENGTH} characters (DynamoDB's key attribute limit)`,
    );
  }
}
