import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import type { TableDescriptor } from "../contracts/tables";

/**
 * Creates a table from its shared descriptor, the way the dynamodb module
 * does in AWS (on-demand, same keys, same stream), for dynalite. Existing
 * tables are left as they are, so a restart keeps its data.
 */
export async function ensureTable(client: DynamoDBClient, descriptor: TableDescriptor, tableName: string): Promise<void> {
  const keys = [descriptor.partitionKey, ...(descriptor.sortKey ? [descriptor.sortKey] : [])];
  const attributeDefinitions: AttributeDefinition[] = keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
  const keySchema: KeySchemaElement[] = [
    { AttributeName: descriptor.partitionKey.name, KeyType: "HASH" },
    ...(descriptor.sortKey ? [{ AttributeName: descriptor.sortKey.name, KeyType: "RANGE" as const }] : []),
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: attributeDefinitions,
        KeySchema: keySchema,
        ...(descriptor.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: descriptor.stream } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // dynalite creates tables asynchronously; wait until it is ACTIVE.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
