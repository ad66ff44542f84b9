import { X509Certificate, createPrivateKey } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { connect } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../../handlers/tasks-api/http/self-signed-certificate";

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe("createSelfSignedCertificate", () => {
  const now = new Date("2026-11-21T09:00:00Z");

  it("makes an ECDSA P-256 key and a v3 certificate for it that OpenSSL parses and verifies", () => {
    const { key, cert } = createSelfSignedCertificate({ hostName: "tasks-api", now });
    const parsed = new X509Certificate(cert);
    expect(parsed.subject).toBe("CN=tasks-api");
    expect(parsed.issuer).toBe("CN=tasks-api");
    expect(parsed.subjectAltName).toBe("DNS:tasks-api");
    expect(parsed.ca).toBe(false);
    expect(parsed.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    expect(parsed.verify(parsed.publicKey)).toBe(true);
    expect(parsed.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(parsed.checkHost("tasks-api")).toBe("tasks-api");
    // Valid from five minutes before `now` (clock skew) for 400 days.
    expect(new Date(parsed.validFrom).toISOString()).toBe("2026-11-21T08:55:00.000Z");
    expect(new Date(parsed.validTo).toISOString()).toBe("2027-12-26T09:00:00.000Z");
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it("makes a new key and serial every time: nothing is shared between tasks", () => {
    const first = createSelfSignedCertificate({ hostName: "tasks-api" });
    const second = createSelfSignedCertificate({ hostName: "tasks-api" });
    expect(first.key).not.toBe(second.key);
    expect(new X509Certificate(first.cert).serialNumber).not.toBe(new X509Certificate(second.cert).serialNumber);
  });

  it("writes dates from 2050 as GeneralizedTime, as RFC 5280 requires", () => {
    const parsed = new X509Certificate(createSelfSignedCertificate({ hostName: "tasks-api", now: new Date("2049-12-01T00:00:00Z"), validDays: 60 }).cert);
    expect(new Date(parsed.validTo).toISOString()).toBe("2050-01-30T00:00:00.000Z");
  });

  it("serves TLS 1.3 that a client trusting this certificate accepts for its name", async () => {
    const { key, cert } = createSelfSignedCertificate({ hostName: "tasks-api.internal" });
    server = createServer({ key, cert }, (_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const outcome = await new Promise<{ authorized: boolean; protocol: string | null }>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, servername: "tasks-api.internal", ca: cert }, () => {
        resolve({ authorized: socket.authorized, protocol: socket.getProtocol() });
        socket.end();
      });
      socket.on("error", reject);
    });
    expect(outcome).toEqual({ authorized: true, protocol: "TLSv1.3" });
  });

  it.each([
    [{ hostName: "Tasks-API" }, 'hostName "Tasks-API" is not a lowercase host name'],
    [{ hostName: "" }, 'hostName "" is not a lowercase host name'],
    [{ hostName: "tasks-api", validDays: 0 }, "validDays 0 must be a whole number of days, at least 1"],
  ])("refuses %j, naming the field", (options, message) => {
    expect(() => createSelfSignedCertificate(options)).toThrow(message);
  });
});
