/**
 * The AWS SDK v3 operations a bundle contains, read from the bundled code.
 *
 * Each client defines one command builder with its Smithy service shape id
 * and each command class calls it with its operation name, as string
 * literals that survive minification:
 *
 *   minified:  LK=mr(hK,"TrentService","KMSClient",Gr) ... class extends LK(MK,jK,"Sign",PK){}
 *   readable:  command6 = makeBuilder(commonParams6, "TrentService", "KMSClient", getEndpointPlugin);
 *              GetPublicKeyCommand = class extends command6(_ep06, _mw06, "GetPublicKey", GetPublicKey$) {}
 *
 * Older SDK releases put both on the class (`.s("DynamoDB_20120810", "PutItem", {})`); that form is read too.
 * Tree-shaking keeps only the command classes the code imports (plus the
 * ones a package keeps for its own module-level code, which the per-handler
 * allow-list names), so the set is what the code can call.
 */
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";

export interface SdkOperation {
  /** Smithy service shape id, e.g. `DynamoDB_20120810`. */
  readonly service: string;
  /** Client class name, e.g. `DynamoDBClient` (empty for the older `.s(...)` form). */
  readonly client: string;
  /** Operation, e.g. `PutItem`. */
  readonly operation: string;
}

export interface BundleScan {
  readonly operations: readonly SdkOperation[];
  /**
   * Clients whose configuration is in the bundle but none of whose commands
   * were recognised: the SDK's code shape changed and this reader must follow,
   * otherwise calls would go unnoticed.
   */
  readonly unrecognisedClients: readonly string[];
}

const ID = String.raw`[A-Za-z_$][\w$]*`;
const BUILDER = new RegExp(String.raw`(${ID})\s*=\s*${ID}\(\s*${ID}\s*,\s*"([\w.-]+)"\s*,\s*"(\w+Client)"\s*,\s*${ID}\s*\)`, "g");
const COMMAND = new RegExp(String.raw`extends\s+(${ID})\(\s*${ID}\s*,\s*${ID}\s*,\s*"(\w+)"\s*,\s*${ID}\s*\)`, "g");
const LEGACY_COMMAND = /\.s\(\s*"([\w.-]+)"\s*,\s*"(\w+)"\s*,/g;
/** Each client's runtime config names its service id: `serviceId: config?.serviceId ?? "DynamoDB"`. */
const CLIENT_SERVICE_ID = new RegExp(String.raw`serviceId\s*:\s*${ID}\?\.serviceId\s*\?\?\s*"([^"]+)"`, "g");

/** The SDK operations in bundled JavaScript. */
export function scanBundle(code: string): BundleScan {
  // A readable CommonJS bundle may define `command` once per module scope: a command uses the nearest definition above it.
  const builders: { name: string; index: number; service: string; client: string }[] = [];
  for (const match of code.matchAll(BUILDER)) builders.push({ name: match[1]!, index: match.index, service: match[2]!, client: match[3]! });

  const operations = new Map<string, SdkOperation>();
  const add = (operation: SdkOperation) => operations.set(`${operation.service}.${operation.operation}`, operation);
  for (const match of code.matchAll(COMMAND)) {
    const candidates = builders.filter((builder) => builder.name === match[1]);
    const builder = candidates.filter((candidate) => candidate.index < match.index).at(-1) ?? candidates[0];
    if (builder) add({ service: builder.service, client: builder.client, operation: match[2]! });
  }
  let legacy = 0;
  for (const match of code.matchAll(LEGACY_COMMAND)) {
    add({ service: match[1]!, client: "", operation: match[2]! });
    legacy += 1;
  }

  // One builder per client: more clients configured than builders recognised means the code shape changed.
  const configuredClients = [...new Set([...code.matchAll(CLIENT_SERVICE_ID)].map((match) => match[1]!))].sort();
  const builderServices = new Set(builders.map((builder) => builder.service));
  const unrecognisedClients = legacy === 0 && configuredClients.length > builderServices.size ? configuredClients : [];
  return {
    operations: [...operations.values()].sort((a, b) => `${a.service}.${a.operation}`.localeCompare(`${b.service}.${b.operation}`)),
    unrecognisedClients,
  };
}

/** The JavaScript files of a Lambda deployment package, concatenated. */
export function readZippedCode(zip: Uint8Array): string {
  const entries = unzipSync(zip);
  return Object.keys(entries)
    .filter((name) => /\.(m|c)?js$/.test(name))
    .sort()
    .map((name) => new TextDecoder().decode(entries[name]))
    .join("\n");
}

export function readZippedCodeFile(path: string): string {
  return readZippedCode(new Uint8Array(readFileSync(path)));
}
