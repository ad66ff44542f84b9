import { execFile } from "node:child_process";

/**
 * The AWS CLI, as the delivery scripts call it (GitHub's runners ship it and
 * configure-aws-credentials sets its credentials; the repository pins no SDK
 * for ECS, S3 or CloudFront). In dry-run mode nothing is called: each command
 * is printed, and reads answer from `responses` (or fail, naming the command).
 */
export interface AwsCli {
  /** Runs `aws <args> --output json` and parses the answer (`undefined` for an empty one). */
  json<T>(args: readonly string[]): Promise<T>;
  readonly dryRun: boolean;
}

export class AwsCliError extends Error {
  override name = "AwsCliError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`aws ${args.join(" ")} failed (exit ${exitCode}): ${stderr.trim().split("\n").slice(-3).join(" ")}`);
  }

  /** Whether AWS answered with one of these error codes (e.g. `NoSuchKey`, `RepositoryNotFoundException`). */
  is(...codes: readonly string[]): boolean {
    return codes.some((code) => this.stderr.includes(`(${code})`) || this.stderr.includes(code));
  }
}

export interface AwsCliOptions {
  readonly dryRun: boolean;
  readonly log?: (line: string) => void;
  /** Dry-run answers, by the command's first two words (`ecs describe-task-definition`). */
  readonly responses?: (args: readonly string[]) => unknown;
  /** @default "aws" */
  readonly binary?: string;
}

export function awsCli(options: AwsCliOptions): AwsCli {
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    dryRun: options.dryRun,
    async json<T>(args: readonly string[]): Promise<T> {
      if (options.dryRun) {
        log(`[dry-run] aws ${args.map(quote).join(" ")}`);
        const answer = options.responses?.(args);
        return answer as T;
      }
      const stdout = await run(options.binary ?? "aws", [...args, "--output", "json"]);
      return (stdout.trim() === "" ? undefined : JSON.parse(stdout)) as T;
    },
  };
}

function run(binary: string, args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(binary, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, AWS_PAGER: "" } }, (error, stdout, stderr) => {
      if (error) {
        const code = typeof error.code === "number" ? error.code : 1;
        reject(new AwsCliError(args, code, stderr || error.message));
      } else {
        resolvePromise(stdout);
      }
    });
  });
}

/** Shell-style quoting for printed commands, so a dry run can be pasted. */
export function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command's first two words, for dry-run response tables. */
export function commandOf(args: readonly string[]): string {
  return args.slice(0, 2).join(" ");
}
