import { LIMITS } from "../../../contracts/api";
import { ApiError } from "../../lib/errors";

/**
 * The rest of the body is never read, so the connection cannot carry another
 * request: `Connection: close` tells the client not to reuse it.
 */
function tooLarge(): ApiError {
  return new ApiError("payload_too_large", `request body must be at most ${LIMITS.bodyBytes} bytes`, undefined, { Connection: "close" });
}

/** `application/json`, with or without parameters such as `; charset=utf-8`. */
function isJson(contentType: string | null): boolean {
  return contentType !== null && contentType.split(";")[0]!.trim().toLowerCase() === "application/json";
}

/**
 * Reads a JSON request body without trusting the client:
 * 413 when `Content-Length` announces too much, before anything is read, and
 * again when the bytes actually received pass the limit (chunked bodies, lying
 * headers); 415 for anything but `application/json`; 400 for bytes that are
 * not UTF-8 JSON. Returns the parsed value for the schema to judge.
 */
export async function readJsonBody(request: Request, limitBytes: number = LIMITS.bodyBytes): Promise<unknown> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limitBytes) throw tooLarge();
  if (!isJson(request.headers.get("content-type"))) {
    throw new ApiError("unsupported_media_type", "send the body as application/json");
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > limitBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError("bad_request", "request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "request body is not valid JSON");
  }
}
