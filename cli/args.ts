/** The command line's grammar: parsed with Node's own `util.parseArgs`, then checked per command. */
import { closest, distance } from "fastest-levenshtein";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { CliError } from "./errors";

/** Step Functions' limit on an execution's input, in bytes of UTF-8. */
export const MAX_INPUT_BYTES = 256 * 1024;

/**
 * ECS's limit on a task's overrides: "A total of 8192 characters are allowed for overrides. This
 * limit includes the JSON formatting characters of the override structure" (RunTask, TaskOverride).
 * The runner refuses an input over it; components/batchRunner.ts RUN_LIMITS holds the same.
 */
export const MAX_OVERRIDE_CHARS = 8192;

/** The most shards a run may have (components/batchRunner.ts SHARD_LIMITS.shards; a job's own `parallel.shards` may be lower, which the runner checks). */
export const MAX_SHARDS = 10000;

/** Runs listed by `runs` when `--limit` is not given. */
export const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** Where the full reference is: docs/batch-cli.md, which the package ships beside dist/. */
export function referencePath(): string {
    // cli/ in this repository, dist/cli/ in the installed package.
    const candidates = [path.resolve(__dirname, "..", "docs", "batch-cli.md"), path.resolve(__dirname, "..", "..", "docs", "batch-cli.md")];
    return candidates.find((file) => fs.existsSync(file)) ?? "docs/batch-cli.md in the fargate-workloads package";
}

export const USAGE = `Usage: fargate-workloads <command> <job> [options]

Commands:
  run <job> [--input JSON] [--shards N] [--follow]
                                        start a run (of a sharded job, N shards); with --follow, stream its logs and wait for the result
  runs <job> [--limit N]                the recent runs, the last started first (default ${DEFAULT_LIMIT}), with their shards' counts
  logs <job> [--run NAME|ARN] [--shard K]
                                        the logs of one run (default the last started); of a sharded run, of its shard K

<job> is a state machine ARN, or a job name looked up in the stack outputs:
  --outputs FILE   the JSON of \`pulumi stack output --json\` (- reads it from standard input)

Exit codes: 0 succeeded, 1 run failed, 2 usage, input, credentials or permissions, 3 run skipped, 4 AWS error.`;

/** The usage and where the full reference is, for `--help`. */
export function help(): string {
    return `${USAGE}\nFull reference: ${referencePath()}`;
}

interface Common {
    readonly job: string;
    /** Where the stack outputs are read from: a file, or `-` for standard input. */
    readonly outputs?: string;
}

export type Command =
    | { readonly name: "help" }
    /** No arguments at all: the usage, as an error. */
    | { readonly name: "usage" }
    | (Common & { readonly name: "run"; readonly input: string; readonly follow: boolean })
    | (Common & { readonly name: "runs"; readonly limit: number })
    | (Common & { readonly name: "logs"; readonly run?: string; readonly shard?: number });

const OPTIONS = {
    input: { type: "string" },
    follow: { type: "boolean", short: "f" },
    limit: { type: "string", short: "n" },
    run: { type: "string" },
    shards: { type: "string" },
    shard: { type: "string" },
    outputs: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
} as const;

/** How each option is written in messages. */
const SHOWN: Record<keyof typeof OPTIONS, string> = { input: "--input JSON", follow: "--follow", limit: "--limit N", run: "--run NAME|ARN", shards: "--shards N", shard: "--shard K", outputs: "--outputs FILE", help: "--help" };

/** Options each command takes, besides `--outputs` and `--help`. */
const ALLOWED: Record<string, readonly (keyof typeof OPTIONS)[]> = { run: ["input", "shards", "follow"], runs: ["limit"], logs: ["run", "shard"] };
const COMMANDS = Object.keys(ALLOWED);

/** The closest of `known` to `word`, when it is close enough to be a typo (at most a third of its letters off). */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
    if (known.length === 0) {
        return undefined;
    }
    const best = closest(word, [...known]);
    return distance(word, best) <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** The options `command` takes, as a message lists them. */
function takes(command: string | undefined): string {
    const own = command !== undefined && command in ALLOWED ? ALLOWED[command] : [];
    return [...own, "outputs", "help"].map((o) => SHOWN[o as keyof typeof OPTIONS]).join(", ");
}

/** A CliError for an option `util.parseArgs` refused, in the command's own words. */
function optionError(e: Error & { code?: string }, command: string | undefined): CliError {
    const given = /'(?:-[A-Za-z], )?(-{1,2}[^' =,]+)/.exec(e.message)?.[1] ?? "";
    const subject = command !== undefined && command in ALLOWED ? command : "fargate-workloads";
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
        const names = [...(command !== undefined && command in ALLOWED ? ALLOWED[command] : (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[])), "outputs", "help"].map((o) => `--${o}`);
        const guess = given.startsWith("--") ? didYouMean(given, names) : undefined;
        return new CliError(`${subject}: unknown option ${given}${guess ? `; did you mean ${guess}?` : "."} It takes ${takes(command)}.`);
    }
    if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
        const option = given.replace(/^-+/, "") as keyof typeof OPTIONS;
        const shown = SHOWN[option] ?? given;
        return new CliError(option in OPTIONS && OPTIONS[option].type === "string" ? `${subject}: ${given} needs a value: ${shown}.` : `${subject}: ${given} takes no value.`);
    }
    return new CliError(`${subject}: ${e.message.split("\n")[0]}`);
}

/** Parses `argv` (without `node` and the script), or throws a CliError that says what to change. */
export function parseCommand(argv: readonly string[]): Command {
    if (argv.length === 0) {
        return { name: "usage" };
    }
    const first = argv.find((a) => !a.startsWith("-"));
    let parsed;
    try {
        parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
        throw optionError(e as Error & { code?: string }, first);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals[0] === "help") {
        return { name: "help" };
    }
    if (positionals.length === 0) {
        return { name: "usage" };
    }
    const [name, job, ...rest] = positionals;
    if (!(name in ALLOWED)) {
        const guess = didYouMean(name, COMMANDS);
        throw new CliError(`Unknown command "${name}"${guess ? `; did you mean ${guess}?` : "."} The commands are ${COMMANDS.join(", ")}; fargate-workloads --help shows the usage.`);
    }
    if (job === undefined) {
        throw new CliError(`${name}: name the job (a state machine ARN, or a job name with --outputs FILE); fargate-workloads --help shows the usage.`);
    }
    if (rest.length > 0) {
        throw new CliError(`${name}: unexpected argument "${rest[0]}"; quote a JSON --input so the shell keeps it one argument.`);
    }
    for (const option of Object.keys(values)) {
        if (!["outputs", "help", ...ALLOWED[name]].includes(option)) {
            throw new CliError(`${name} does not take --${option}. It takes ${takes(name)}.`);
        }
    }
    const common: Common = { job, ...(values.outputs !== undefined ? { outputs: values.outputs } : {}) };
    switch (name) {
        case "run":
            return { ...common, name, input: checkInput(values.input, values.shards === undefined ? undefined : checkWhole("--shards", values.shards, 1, MAX_SHARDS)), follow: values.follow ?? false };
        case "runs":
            return { ...common, name, limit: checkLimit(values.limit) };
        default:
            return {
                ...common,
                name: "logs",
                ...(values.run !== undefined ? { run: values.run } : {}),
                ...(values.shard !== undefined ? { shard: checkWhole("--shard", values.shard, 0, MAX_SHARDS - 1) } : {}),
            };
    }
}

/**
 * The characters of a run's container overrides as ECS counts them (compact JSON, camelCase), with
 * what the runner adds: `BATCH_RUN_ID` (a run name of this command, 33 characters at most),
 * `BATCH_RUN_STARTED_AT` (24) and `BATCH_ATTEMPT` (2 digits at most). The same JSON as the
 * runner's `taskOverrides` (components/batchRunner.ts); tests/cli.test.ts holds them together.
 */
export function overrideCharsOf(
    input: { command?: unknown; environment?: unknown; shards?: unknown },
    run: { runId: string; startedAt: string; attempt: number } = { runId: "run-20250301T020000Z-a1b2c3d4e5f6", startedAt: "2025-03-01T02:00:00.000Z", attempt: 10 },
): number {
    // A sharded run's last shard adds SHARD_INDEX and SHARD_COUNT (components/batchRunner.ts SHARD_ENVIRONMENT).
    const shards = typeof input.shards === "number" ? input.shards : undefined;
    const environment = [
        ...Object.entries((input.environment ?? {}) as Record<string, unknown>).map(([name, value]) => ({ name, value })),
        { name: "BATCH_RUN_ID", value: run.runId },
        { name: "BATCH_RUN_STARTED_AT", value: run.startedAt },
        { name: "BATCH_ATTEMPT", value: String(run.attempt) },
        ...(shards !== undefined ? [{ name: "SHARD_INDEX", value: String(shards - 1) }, { name: "SHARD_COUNT", value: String(shards) }] : []),
    ];
    return JSON.stringify({ containerOverrides: [{ name: "app", environment, ...(input.command !== undefined ? { command: input.command } : {}) }] }).length;
}

/**
 * The execution input: `{}` when not given, else the JSON text as given once it parses and fits;
 * with `shards` (from --shards), the input with `"shards"` set.
 */
export function checkInput(given: string | undefined, shards?: number): string {
    let input = given ?? "{}";
    let value: unknown;
    try {
        value = JSON.parse(input);
    } catch (e) {
        throw new CliError(`--input is not valid JSON (${(e as Error).message}); quote it for the shell, for example --input '{"environment": {"MODE": "full"}}'.`);
    }
    if (shards !== undefined) {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            throw new CliError(`--shards needs an --input that is a JSON object, such as {"environment": {"MODE": "full"}}; the run's shards go into it.`);
        }
        if ("shards" in value && (value as { shards: unknown }).shards !== shards) {
            throw new CliError(`--shards ${shards} and the "shards" of --input (${JSON.stringify((value as { shards: unknown }).shards)}) differ; give the shards once.`);
        }
        value = { ...value, shards };
        input = JSON.stringify(value);
    }
    const bytes = Buffer.byteLength(input, "utf8");
    if (bytes > MAX_INPUT_BYTES) {
        throw new CliError(`--input is ${bytes} bytes; Step Functions accepts at most ${MAX_INPUT_BYTES} bytes of execution input.`);
    }
    // The runner refuses other shapes itself, with the reason; here only what ECS would refuse.
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const chars = overrideCharsOf(value as { command?: unknown; environment?: unknown; shards?: unknown });
        if (chars > MAX_OVERRIDE_CHARS) {
            const sharded = typeof (value as { shards?: unknown }).shards === "number";
            throw new CliError(
                `--input makes ${chars} characters of container overrides with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT and BATCH_ATTEMPT${sharded ? " and the last shard's SHARD_INDEX and SHARD_COUNT" : ""}; ECS allows at most ${MAX_OVERRIDE_CHARS} per task, JSON formatting included. Pass large values by reference, such as an S3 key.`,
            );
        }
    }
    return input;
}

/** A whole number option within `min..max`, or a CliError that says so. */
function checkWhole(option: string, text: string, min: number, max: number): number {
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < min || n > max) {
        throw new CliError(`${option} (${text}) must be a whole number from ${min} to ${max}.`);
    }
    return n;
}

function checkLimit(limit: string | undefined): number {
    if (limit === undefined) {
        return DEFAULT_LIMIT;
    }
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
        throw new CliError(`--limit (${limit}) must be a whole number from 1 to ${MAX_LIMIT}.`);
    }
    return n;
}
