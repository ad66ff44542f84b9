import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { strFromU8, unzipSync } from "fflate";
import { BUNDLE_FILE, REPO_ROOT, bundleHandler, packZip, writeArtifact } from "../../modules/lambda/private/bundle";

const FIXTURES = join(REPO_ROOT, "__tests__", "fixtures", "lambda");
const HELLO_ENTRY = "__tests__/fixtures/lambda/hello/index.ts";

const temporaryDirs: string[] = [];
function freshDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(() => temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Copies the fixture handler (and what it imports) under `root`, stamping every file and folder with `mtime`.
 * The root gets the repository's `"type": "module"`, which changes how esbuild interops with CommonJS.
 */
function copyFixture(root: string, mtime: Date): void {
  writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
  const target = join(root, "hello");
  cpSync(join(FIXTURES, "hello"), target, { recursive: true });
  for (const name of readdirSync(target)) utimesSync(join(target, name), mtime, mtime);
  utimesSync(target, mtime, mtime);
}

interface ZipEntry {
  readonly name: string;
  readonly os: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly localDosTime: number;
  readonly localDosDate: number;
  readonly unixMode: number;
  readonly extraLength: number;
  readonly commentLength: number;
}

/** Reads the central directory (and each local header's timestamp) of a zip without a comment. */
function readCentralDirectory(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  expect(view.getUint32(eocd, true)).toBe(0x06054b50);
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    expect(view.getUint32(offset, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const local = view.getUint32(offset + 42, true);
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    entries.push({
      name: strFromU8(zip.subarray(offset + 46, offset + 46 + nameLength)),
      os: view.getUint8(offset + 5),
      dosTime: view.getUint16(offset + 12, true),
      dosDate: view.getUint16(offset + 14, true),
      localDosTime: view.getUint16(local + 10, true),
      localDosDate: view.getUint16(local + 12, true),
      unixMode: view.getUint32(offset + 38, true) >>> 16,
      extraLength,
      commentLength,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// DOS date: (year - 1980) << 9 | month << 5 | day; DOS time 00:00:00 is 0.
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

describe("bundleHandler", () => {
  it("gives byte-identical zips for the same sources at different paths and mtimes", () => {
    const first = freshDir("lambda-repro-a-");
    const second = join(freshDir("lambda-repro-b-"), "a", "much", "deeper", "checkout");
    mkdirSync(second, { recursive: true });
    copyFixture(first, new Date("2001-02-03T04:05:06Z"));
    copyFixture(second, new Date("2030-11-12T13:14:15Z"));
    expect(statSync(join(first, "hello", "index.ts")).mtimeMs).not.toBe(statSync(join(second, "hello", "index.ts")).mtimeMs);

    const a = bundleHandler({ entry: "hello/index.ts", rootDir: first, cache: false });
    const b = bundleHandler({ entry: "hello/index.ts", rootDir: second, cache: false });

    expect(a.sha256Hex).toBe(b.sha256Hex);
    expect(a.sha256Base64).toBe(b.sha256Base64);
    expect(Buffer.from(a.zip).equals(Buffer.from(b.zip))).toBe(true);
    // The checkout's own copy bundles to the same bytes too: nothing of the location is in the output.
    expect(bundleHandler({ entry: HELLO_ENTRY, cache: false }).sha256Hex).toBe(a.sha256Hex);

    const code = strFromU8(unzipSync(a.zip)[BUNDLE_FILE] ?? new Uint8Array());
    for (const machinePath of [first, second, REPO_ROOT, tmpdir()]) expect(code).not.toContain(machinePath);
  });

  it("stamps every zip entry 1980-01-01 00:00, sorts them, and marks them rw-r--r-- Unix files", () => {
    const bundle = bundleHandler({ entry: HELLO_ENTRY });
    const entries = readCentralDirectory(bundle.zip);
    expect(entries.map((e) => e.name)).toEqual([BUNDLE_FILE]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        dosDate: DOS_DATE_1980_01_01,
        dosTime: 0,
        localDosDate: DOS_DATE_1980_01_01,
        localDosTime: 0,
        os: 3,
        unixMode: 0o100644,
        extraLength: 0,
        commentLength: 0,
      });
    }
  });

  it("packs entries in sorted order whatever order they are given in", () => {
    const one = { "lib/b.js": new TextEncoder().encode("b"), "a.js": new TextEncoder().encode("a"), "index.mjs": new Uint8Array([1]) };
    const other = { "index.mjs": new Uint8Array([1]), "a.js": new TextEncoder().encode("a"), "lib/b.js": new TextEncoder().encode("b") };
    const zip = packZip(one);
    expect(readCentralDirectory(zip).map((e) => e.name)).toEqual(["a.js", "index.mjs", "lib/b.js"]);
    expect(Buffer.from(zip).equals(Buffer.from(packZip(other)))).toBe(true);
    expect(readCentralDirectory(zip).every((e) => e.dosDate === DOS_DATE_1980_01_01 && e.dosTime === 0)).toBe(true);
  });

  it("builds the same bytes in another time zone", () => {
    const script = [
      `import { bundleHandler } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, "modules/lambda/private/bundle.ts")).href)};`,
      `process.stdout.write(bundleHandler({ entry: ${JSON.stringify(HELLO_ENTRY)} }).sha256Hex);`,
    ].join("\n");
    const elsewhere = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: REPO_ROOT,
      env: { ...process.env, TZ: "Pacific/Kiritimati" },
      encoding: "utf8",
    });
    expect(elsewhere).toBe(bundleHandler({ entry: HELLO_ENTRY }).sha256Hex);
  });

  it("hashes the zip bytes it returns, hex and base64", () => {
    const bundle = bundleHandler({ entry: HELLO_ENTRY });
    const digest = createHash("sha256").update(bundle.zip).digest();
    expect(bundle.sha256Hex).toBe(digest.toString("hex"));
    expect(bundle.sha256Base64).toBe(digest.toString("base64"));
    expect(bundle.files).toEqual([{ path: BUNDLE_FILE, sizeBytes: expect.any(Number) }]);
    expect(bundle.inputs).toEqual([
      "__tests__/fixtures/lambda/hello/counter.cjs",
      "__tests__/fixtures/lambda/hello/greeting.ts",
      "__tests__/fixtures/lambda/hello/index.ts",
    ]);
  });

  it("emits one minified ESM file with no source map and no legal comments", () => {
    const bundle = bundleHandler({ entry: HELLO_ENTRY });
    const files = unzipSync(bundle.zip);
    expect(Object.keys(files)).toEqual(["index.mjs"]);
    const code = strFromU8(files["index.mjs"] ?? new Uint8Array());
    expect(code).not.toMatch(/sourceMappingURL|@license|@preserve/);
    expect(code).toMatch(/export\s*\{[^}]*as handler\s*\}/);
    // Minified: the fixture's comments and its files' names are gone.
    expect(code).not.toContain("CommonJS on purpose");
    expect(code).not.toContain("greeting.ts");
  });

  it("produces a bundle Node.js runs, CommonJS dependencies and all", async () => {
    const dir = freshDir("lambda-run-");
    const files = unzipSync(bundleHandler({ entry: HELLO_ENTRY }).zip);
    writeFileSync(join(dir, "index.mjs"), files["index.mjs"] ?? new Uint8Array());
    const module = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as {
      handler: (event: { name?: string }) => Promise<{ statusCode: number; body: string }>;
    };
    const response = await module.handler({ name: "board" });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ message: "Hello, board!", invocation: 1 });
  });

  it("bundles each entry once per process", () => {
    const first = bundleHandler({ entry: HELLO_ENTRY });
    expect(bundleHandler({ entry: join(REPO_ROOT, HELLO_ENTRY) })).toBe(first);
    const rebuilt = bundleHandler({ entry: HELLO_ENTRY, cache: false });
    expect(rebuilt).not.toBe(first);
    expect(rebuilt.sha256Hex).toBe(first.sha256Hex);
  });

  it("writes the zip as <sha256>.zip in the build folder", () => {
    const dir = freshDir("lambda-build-");
    const bundle = bundleHandler({ entry: HELLO_ENTRY });
    const path = writeArtifact(bundle, dir);
    expect(path).toBe(join(dir, `${bundle.sha256Hex}.zip`));
    expect(readFileSync(path).equals(Buffer.from(bundle.zip))).toBe(true);
    expect(writeArtifact(bundle, dir)).toBe(path);
    expect(readdirSync(dir)).toEqual([`${bundle.sha256Hex}.zip`]);
  });

  it("throws when the entry does not export handler", () => {
    expect(() => bundleHandler({ entry: "__tests__/fixtures/lambda/no-handler.ts" })).toThrow(
      /no-handler\.ts does not export "handler" \(exports: main\)/,
    );
  });

  it("throws when the entry does not exist", () => {
    expect(() => bundleHandler({ entry: "handlers/missing/index.ts" })).toThrow(/handlers\/missing\/index\.ts does not exist/);
  });

  it("throws when the entry is outside the root", () => {
    const dir = freshDir("lambda-outside-");
    copyFixture(dir, new Date());
    expect(() => bundleHandler({ entry: join(dir, "hello", "index.ts") })).toThrow(/is outside .*; keep handlers inside the repository/);
  });

  it("throws with esbuild's message when the code does not compile", () => {
    const dir = freshDir("lambda-broken-");
    writeFileSync(join(dir, "index.ts"), 'import { nothing } from "./missing";\nexport const handler = () => nothing;\n');
    expect(() => bundleHandler({ entry: "index.ts", rootDir: dir })).toThrow(/esbuild could not bundle index\.ts:\n.*Could not resolve "\.\/missing"/);
  });
});
