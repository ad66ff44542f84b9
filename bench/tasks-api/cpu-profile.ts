import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileShare {
  readonly name: string;
  /** Percent of the busy (non-idle) samples. */
  readonly percent: number;
}

export interface ProfileSummary {
  /** Percent of all samples in which the process was busy (not `(idle)`). */
  readonly busyPercent: number;
  /** Where samples were executing, by package or source file (self time). */
  readonly selfByOrigin: readonly ProfileShare[];
  /** Samples with the package or file anywhere on the stack (inclusive time): "everything under jose". */
  readonly inclusiveByOrigin: readonly ProfileShare[];
  /** The hottest functions by self time. */
  readonly selfByFunction: readonly ProfileShare[];
}

/** `node_modules/@scope/pkg/...` → `@scope/pkg`; a repository file stays a path. */
function originOfSource(source: string, repoRoot: string): string {
  const path = source.startsWith("file://") ? fileURLToPath(source) : source;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (modules) return modules[1]!;
  return relative(repoRoot, path);
}

/**
 * Summarises a CPU profile of the bundled service. Frames of the bundle are
 * mapped back to their original file through the bundle's source map (the
 * bundle is one file, so its own URL says nothing); Node's internals are
 * grouped by module (`node:internal/http` …), natives by name.
 */
export function summariseCpuProfile(profileFile: string, bundleFile: string, repoRoot: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile;
  const mapFile = `${bundleFile}.map`;
  const payload = JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload;
  const sourceMap = new SourceMap(payload);
  const mapDir = dirname(mapFile);
  const bundleUrls = new Set([bundleFile, `file://${bundleFile}`]);

  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const originCache = new Map<number, { origin: string; label: string }>();
  const describe = (node: CpuProfileNode): { origin: string; label: string } => {
    const cached = originCache.get(node.id);
    if (cached) return cached;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName || "(anonymous)";
    let origin: string;
    if (url === "") origin = functionName.startsWith("(") ? functionName : `native ${name}`;
    else if (bundleUrls.has(url)) {
      const entry = sourceMap.findEntry(lineNumber, columnNumber);
      origin = "originalSource" in entry ? originOfSource(resolve(mapDir, entry.originalSource), repoRoot) : "bundle (unmapped)";
    } else if (url.startsWith("node:")) origin = url.replace(/^node:(internal\/)?/, "node:").split("/").slice(0, 2).join("/");
    else origin = originOfSource(url, repoRoot);
    const described = { origin, label: `${name} (${origin})` };
    originCache.set(node.id, described);
    return described;
  };

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const sample of profile.samples) {
    const node = byId.get(sample);
    if (!node || node.callFrame.functionName === "(idle)") continue;
    busy += 1;
    const { origin, label } = describe(node);
    self.set(origin, (self.get(origin) ?? 0) + 1);
    functions.set(label, (functions.get(label) ?? 0) + 1);
    const onStack = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id);
      if (frame && frame.callFrame.functionName !== "(root)") onStack.add(describe(frame).origin);
    }
    for (const origin of onStack) inclusive.set(origin, (inclusive.get(origin) ?? 0) + 1);
  }

  const ranked = (counts: Map<string, number>): ProfileShare[] =>
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, top)
      .map(([name, count]) => ({ name, percent: (100 * count) / Math.max(busy, 1) }));

  return {
    busyPercent: (100 * busy) / Math.max(profile.samples.length, 1),
    selfByOrigin: ranked(self),
    inclusiveByOrigin: ranked(inclusive),
    selfByFunction: ranked(functions),
  };
}

export function formatProfileSummary(title: string, summary: ProfileSummary): string {
  const column = (heading: string, shares: readonly ProfileShare[]) =>
    [`  ${heading}`, ...shares.map((share) => `    ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`)].join("\n");
  return [
    `${title}: busy ${summary.busyPercent.toFixed(0)} % of the time; shares of busy samples:`,
    column("self time by origin", summary.selfByOrigin),
    column("inclusive time by origin (on the stack)", summary.inclusiveByOrigin),
    column("hottest functions (self)", summary.selfByFunction),
  ].join("\n");
}
