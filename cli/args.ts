/** The command line's grammar: parsed with Node's own `util.parseArgs`, then checked per command. */
import { parseArgs } from "util";
import { CliError } from "./errors";

/** Step Functions' limit on an execution's input, in bytes of UTF-8. */
export const MAX_INPUT_BYTES = 256 * 1024;

/** Runs listed by `runs` when `--limit` is not given. */
export const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export const USAGE = `Usage: fargate-workloads <command> <job> [options]

Commands:
  run <job> [--input JSON] [--follow]   start a run; with --follow, stream its logs and wait for the result
  runs <job> [--limit N]                the recent runs, newest first (default ${DEFAULT_LIMIT})
  logs <job> [--run NAME|ARN]           the logs of one run (default the latest)

<job> is a state machine ARN, or a job name looked up in the stack outputs:
  --outputs FILE   the JSON of \`pulumi stack output --json\` (- reads it from standard input)

Exit codes: 0 succeeded, 1 run failed, 2 usage, input or credentials, 3 run skipped, 4 AWS error.
See docs/batch-cli.md.`;

interface Common {
    readonly job: string;
    /** Where the stack outputs are read from: a file, or `-` for standard input. */
    readonly outputs?: string;
}

export type Command =
    | { readonly name: "help" }
    | (Common & { readonly name: "run"; readonly input: string; readonly follow: boolean })
    | (Common & { readonly name: "runs"; readonly limit: number })
    | (Common & { readonly name: "logs"; readonly run?: string });

const OPTIONS = {
    input: { type: "string" },
    follow: { type: "boolean", short: "f" },
    limit: { type: "string", short: "n" },
    run: { type: "string" },
    outputs: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
} as const;

/** Options each command takes, besides `--outputs` and `--help`. */
const ALLOWED: Record<string, readonly string[]> = { run: ["input", "follow"], runs: ["limit"], logs: ["run"] };

/** Parses `argv` (without `node` and the script), or throws a CliError that says what to change. */
export function parseCommand(argv: readonly string[]): Command {
    let parsed;
    try {
        parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
        throw new CliError(`${(e as Error).message.split("\n")[0]}\n${USAGE}`);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals.length === 0 || positionals[0] === "help") {
        if (values.help || positionals[0] === "help") {
            return { name: "help" };
        }
        throw new CliError(USAGE);
    }
    const [name, job, ...rest] = positionals;
    if (!(name in ALLOWED)) {
        throw new CliError(`Unknown command "${name}": use run, runs or logs.\n${USAGE}`);
    }
    if (job === undefined) {
        throw new CliError(`${name}: name the job (a state machine ARN, or a job name with --outputs).\n${USAGE}`);
    }
    if (rest.length > 0) {
        throw new CliError(`${name}: unexpected argument "${rest[0]}"; quote a JSON --input so the shell keeps it one argument.`);
    }
    for (const option of Object.keys(values)) {
        if (!["outputs", "help", ...ALLOWED[name]].includes(option)) {
            throw new CliError(`${name} does not take --${option}.\n${USAGE}`);
        }
    }
    const common: Common = { job, ...(values.outputs !== undefined ? { outputs: values.outputs } : {}) };
    switch (name) {
        case "run":
            return { ...common, name, input: checkInput(values.input), follow: values.follow ?? false };
        case "runs":
            return { ...common, name, limit: checkLimit(values.limit) };
        default:
            return { ...common, name: "logs", ...(values.run !== undefined ? { run: values.run } : {}) };
    }
}

/** The execution input: `{}` when not given, else the JSON text as given once it parses and fits. */
export function checkInput(input: string | undefined): string {
    if (input === undefined) {
        return "{}";
    }
    try {
        JSON.parse(input);
    } catch (e) {
        throw new CliError(`--input is not valid JSON (${(e as Error).message}); quote it for the shell, for example --input '{"command": ["--dry-run"]}'.`);
    }
    const bytes = Buffer.byteLength(input, "utf8");
    if (bytes > MAX_INPUT_BYTES) {
        throw new CliError(`--input is ${bytes} bytes; Step Functions accepts at most ${MAX_INPUT_BYTES} bytes of execution input.`);
    }
    return input;
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
