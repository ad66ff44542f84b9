import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

/**
 * A fresh ECDSA P-256 key and a self-signed X.509 certificate for it, made in
 * memory when the service starts, so the ALB's hop to the task is encrypted.
 *
 * Why self-signed, and why here: an ALB encrypts to an HTTPS target but
 * verifies no target certificate (AWS documents that self-signed and expired
 * ones are accepted), so a CA adds nothing on this hop; a key made per task
 * and never written anywhere cannot leak from the image, ECR, a volume or
 * Terraform state. Why no library: node:crypto does every cryptographic step
 * (key generation, SPKI encoding, the ECDSA signature in DER); what is left
 * is a few DER structures. `@peculiar/x509` (the field's library) adds about
 * 350 kB to the bundle and needs a global `Reflect` polyfill for that.
 */
export interface SelfSignedCertificate {
  /** PKCS#8 PEM. */
  readonly key: string;
  /** X.509 PEM. */
  readonly cert: string;
}

export interface SelfSignedOptions {
  /** Subject common name and DNS subject alternative name. */
  readonly hostName: string;
  /** @default new Date() */
  readonly now?: Date;
  /** @default 400 days: longer than a task lives, under the 398-day ceiling browsers apply to public certificates */
  readonly validDays?: number;
}

const DAY_MS = 86_400_000;
/** Clock skew the validity tolerates at the start. */
const BACKDATE_MS = 5 * 60_000;

// ---- DER ---------------------------------------------------------------------

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.from([size]);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const integer = (bytes: Buffer) => tlv(0x02, bytes);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
const octetString = (bytes: Buffer) => tlv(0x04, bytes);
const bitString = (bytes: Buffer) => tlv(0x03, Buffer.from([0]), bytes);
const explicit = (tagNumber: number, inner: Buffer) => tlv(0xa0 | tagNumber, inner);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number) as [number, number, ...number[]];
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), "ascii")) : tlv(0x18, Buffer.from(iso, "ascii"));
}

const ECDSA_WITH_SHA256 = sequence(oid("1.2.840.10045.4.3.2"));
const COMMON_NAME = "2.5.4.3";
const SUBJECT_ALT_NAME = "2.5.29.17";
const BASIC_CONSTRAINTS = "2.5.29.19";

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function createSelfSignedCertificate(options: SelfSignedOptions): SelfSignedCertificate {
  if (!HOST_NAME.test(options.hostName)) {
    throw new Error(`hostName "${options.hostName}" is not a lowercase host name (labels of a-z, 0-9 and inner hyphens, e.g. "tasks-api")`);
  }
  const validDays = options.validDays ?? 400;
  if (!Number.isInteger(validDays) || validDays < 1) throw new Error(`validDays ${validDays} must be a whole number of days, at least 1`);
  const now = options.now ?? new Date();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });

  const name = sequence(set(sequence(oid(COMMON_NAME), utf8(options.hostName))));
  // A positive 128-bit serial: RFC 5280 wants it unique and at most 20 bytes; a leading 0x01 keeps it positive and minimal.
  const serial = Buffer.concat([Buffer.from([0x01]), randomBytes(15)]);
  const extensions = explicit(
    3,
    sequence(
      sequence(oid(BASIC_CONSTRAINTS), tlv(0x01, Buffer.from([0xff])), octetString(sequence())),
      sequence(oid(SUBJECT_ALT_NAME), octetString(sequence(tlv(0x82, Buffer.from(options.hostName, "ascii"))))),
    ),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(new Date(now.getTime() - BACKDATE_MS)), time(new Date(now.getTime() + validDays * DAY_MS))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, bitString(sign("sha256", tbs, privateKey)));
  const pem = certificate.toString("base64").replace(/.{1,64}/g, "$&\n");
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${pem}-----END CERTIFICATE-----\n`,
  };
}
