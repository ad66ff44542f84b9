/**
 * Lambda entry of the notifier (bundle entry `handlers/notifier/index.ts`,
 * export `handler`). Wires the real dependencies once per cold start.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { jsonLineLogger } from "../lib/apigw";
import { loadNotifierConfig } from "./config";
import { createNotifierHandler, type LambdaContextLike, type NotifierHandler, type NotifierResult } from "./handler";
import { sesMailer } from "./mailer";
import { dynamoSentMarkers } from "./sent-markers";

/**
 * A hung connection must fail well inside the function's timeout, so the
 * marker is released and the retry sends, rather than the invocation dying mid-call.
 */
const REQUEST_HANDLER = { connectionTimeout: 2_000, requestTimeout: 5_000 };

let cold: NotifierHandler | undefined;

function coldStart(): NotifierHandler {
  const config = loadNotifierConfig(process.env);
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      requestHandler: REQUEST_HANDLER,
      ...(config.dynamodbEndpoint === undefined ? {} : { endpoint: config.dynamodbEndpoint }),
    }),
  );
  const ses = new SESv2Client({
    requestHandler: REQUEST_HANDLER,
    ...(config.sesEndpoint === undefined ? {} : { endpoint: config.sesEndpoint }),
  });
  return createNotifierHandler({
    markers: dynamoSentMarkers(documents, config.notificationsSentTableName),
    mailer: sesMailer(ses, {
      from: config.mailFrom,
      ...(config.sesConfigurationSet === undefined ? {} : { configurationSet: config.sesConfigurationSet }),
    }),
    clock: () => new Date(),
    log: jsonLineLogger,
    compose: { boardUrl: config.boardUrl, timeZone: config.mailTimeZone },
  });
}

export async function handler(event: unknown, context?: LambdaContextLike): Promise<NotifierResult> {
  cold ??= coldStart();
  return cold(event, context);
}
