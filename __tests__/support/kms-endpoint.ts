/**
 * A local KMS-protocol endpoint for tests: a node:http server on loopback that
 * speaks the AWS JSON 1.1 protocol of KMS (`POST /`, `X-Amz-Target:
 * TrentService.<Operation>`, JSON bodies with base64 blobs) for the two
 * operations token signing uses, `Sign` and `GetPublicKey`, backed by
 * node:crypto keys.
 *
 * It is a protocol stand-in, not an emulator: no KMS emulator installs on
 * these machines (no Docker for LocalStack/local-kms, nothing on npm), so the
 * test points the real `KMSClient` at this server with `endpoint`. Everything
 * the SDK does on the wire (serialisation, SigV4 signing, error parsing) is
 * real; like KMS it returns ECDSA signatures DER-encoded, which is the
 * conversion the signer under test must get right. It records each request so
 * tests can assert what went on the wire.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { KMSClient } from "@aws-sdk/client-kms";

const REGION = "ap-northeast-2";
const ACCOUNT = "111122223333";

export type FakeKeySpec = "ECC_NIST_P256" | "RSA_2048";

export interface FakeKmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: FakeKeySpec;
  readonly keyUsage: "SIGN_VERIFY" | "ENCRYPT_DECRYPT";
  readonly publicKey: KeyObject;
  /** Private half, kept inside the fake "KMS"; tests use it only to sign tokens a verifier must accept. */
  readonly privateKey: KeyObject;
  enabled: boolean;
}

/** One request as it arrived on the wire. */
export interface KmsWireRequest {
  /** `TrentService.Sign` */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface KmsEndpoint {
  readonly endpoint: string;
  /** A real KMSClient pointed at this server, with dummy credentials. */
  readonly client: KMSClient;
  /** An ECC_NIST_P256 SIGN_VERIFY key, created at start. */
  readonly key: FakeKmsKey;
  readonly requests: KmsWireRequest[];
  createKey(options?: { readonly keySpec?: FakeKeySpec; readonly keyUsage?: FakeKmsKey["keyUsage"]; readonly alias?: string }): FakeKmsKey;
  /** Requests for this target only (`"Sign"`, `"GetPublicKey"`). */
  requestsFor(operation: string): KmsWireRequest[];
  stop(): Promise<void>;
}

const SIGNING_ALGORITHMS: Record<FakeKeySpec, readonly string[]> = {
  ECC_NIST_P256: ["ECDSA_SHA_256"],
  RSA_2048: ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_256"],
};

/** KMS's limit for `MessageType: RAW`. */
const RAW_MESSAGE_MAX_BYTES = 4096;

class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startKmsEndpoint(): Promise<KmsEndpoint> {
  const keys = new Map<string, FakeKmsKey>();
  const requests: KmsWireRequest[] = [];

  const createKey: KmsEndpoint["createKey"] = (options = {}) => {
    const keySpec = options.keySpec ?? "ECC_NIST_P256";
    const pair = keySpec === "ECC_NIST_P256" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyId = randomUUID();
    const key: FakeKmsKey = {
      keyId,
      arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
      keySpec,
      keyUsage: options.keyUsage ?? "SIGN_VERIFY",
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      enabled: true,
    };
    for (const name of [keyId, key.arn, ...(options.alias ? [options.alias, `arn:aws:kms:${REGION}:${ACCOUNT}:${options.alias}`] : [])]) {
      keys.set(name, key);
    }
    return key;
  };

  const resolveKey = (body: Record<string, unknown>): FakeKmsKey => {
    const keyId = body.KeyId;
    if (typeof keyId !== "string" || keyId === "") throw new KmsFault("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint");
    const key = keys.get(keyId);
    if (key === undefined) throw new KmsFault("NotFoundException", `Key '${keyId}' does not exist`);
    if (!key.enabled) throw new KmsFault("DisabledException", `${key.arn} is disabled.`);
    return key;
  };

  const operations: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    GetPublicKey: (body) => {
      const key = resolveKey(body);
      return {
        KeyId: key.arn,
        PublicKey: key.publicKey.export({ format: "der", type: "spki" }).toString("base64"),
        KeySpec: key.keySpec,
        CustomerMasterKeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        ...(key.keyUsage === "SIGN_VERIFY" ? { SigningAlgorithms: SIGNING_ALGORITHMS[key.keySpec] } : { EncryptionAlgorithms: ["RSAES_OAEP_SHA_256"] }),
      };
    },
    Sign: (body) => {
      const key = resolveKey(body);
      if (key.keyUsage !== "SIGN_VERIFY") throw new KmsFault("InvalidKeyUsageException", `${key.arn} key usage is ${key.keyUsage} which is not valid for Sign.`);
      const algorithm = body.SigningAlgorithm;
      if (typeof algorithm !== "string" || !SIGNING_ALGORITHMS[key.keySpec].includes(algorithm)) {
        throw new KmsFault("InvalidKeyUsageException", `Algorithm ${String(algorithm)} is incompatible with key spec ${key.keySpec}.`);
      }
      const messageType = body.MessageType ?? "RAW";
      if (messageType !== "RAW") throw new KmsFault("UnsupportedOperationException", `the test stand-in signs MessageType RAW only, got ${String(messageType)}`);
      if (typeof body.Message !== "string") throw new KmsFault("ValidationException", "Message is required");
      const message = Buffer.from(body.Message, "base64");
      if (message.length === 0 || message.length > RAW_MESSAGE_MAX_BYTES) {
        throw new KmsFault("ValidationException", `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${RAW_MESSAGE_MAX_BYTES}`);
      }
      // KMS returns ECDSA signatures DER-encoded (RFC 3279), not JOSE's r||s.
      const signature = sign("sha256", message, { key: key.privateKey, dsaEncoding: "der" });
      return { KeyId: key.arn, Signature: signature.toString("base64"), SigningAlgorithm: algorithm };
    },
  };

  const reply = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const target = String(request.headers["x-amz-target"] ?? "");
      try {
        if (request.method !== "POST" || request.url !== "/") throw new KmsFault("UnknownOperationException", "POST / only");
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new KmsFault("SerializationException", "body must be a JSON object");
        const body: Record<string, unknown> = Object.fromEntries(Object.entries(parsed));
        requests.push({ target, headers: request.headers, body });
        const operation = target.startsWith("TrentService.") ? operations[target.slice("TrentService.".length)] : undefined;
        if (operation === undefined) throw new KmsFault("UnknownOperationException", `unsupported target ${target}`);
        reply(response, 200, operation(body));
      } catch (error) {
        const fault = error instanceof KmsFault ? error : new KmsFault("SerializationException", error instanceof Error ? error.message : String(error));
        reply(response, 400, { __type: fault.type, message: fault.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new KMSClient({ endpoint, region: REGION, credentials: { accessKeyId: "test", secretAccessKey: "test" } });

  return {
    endpoint,
    client,
    key: createKey(),
    requests,
    createKey,
    requestsFor: (operation) => requests.filter((r) => r.target === `TrentService.${operation}`),
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
