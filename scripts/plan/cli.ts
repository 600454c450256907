/**
 * The command line of `npm run plan`: its usage text, and the parsing and checking of its flags
 * before any program runs. Bad usage is exit status 2, with the problem and the usage on stderr.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

export const FORMATS = ["text", "markdown", "json"] as const;
export type Format = (typeof FORMATS)[number];

export const USAGE = `Usage: npm run -s plan -- [--stack NAME] [--format text|markdown|json] [--out DIR] [--config-dir DIR]

What \`pulumi up\` would create for a stack, how it is wired and what it costs a month, from the
program run under Pulumi's runtime mocks: no Pulumi CLI, cloud credentials or state backend.

Options:
  --stack NAME       the stack to plan, from Pulumi.NAME.yaml (default: dev)
  --format FORMAT    text (default), markdown or json, written to standard output
  --out DIR          also write plan.json, plan.md, architecture.mmd and architecture.dot into DIR
  --config-dir DIR   the folder holding the Pulumi.<stack>.yaml files (default: the repository)
  -h, --help         print this help and exit

Standard output carries the plan and nothing else; notes and errors go to standard error. npm
prints a banner of its own to standard output unless run with -s (--silent), so keep the -s to
pipe the plan, or read it from --out:
  npm run -s plan -- --stack prod --format json > plan.json
  npm run -s plan -- --stack prod --format json | jq '.cost.monthlyTotal'

Exit status: 0 the plan is printed; 1 the stack's configuration is refused (the program's own
messages on standard error); 2 bad usage.
`;

export interface PlanOptions {
    readonly stack: string;
    readonly format: Format;
    readonly configDir: string;
    readonly out?: string;
}

/** What the command line asks for: a plan, or an exit with text for stdout or stderr. */
export type CommandLine = { readonly run: PlanOptions } | { readonly exit: 0 | 2; readonly stdout?: string; readonly stderr?: string };

const usageError = (problem: string): CommandLine => ({ exit: 2, stderr: `plan: ${problem}\n\n${USAGE}` });

/** The quoted token in one of util.parseArgs' messages (`Unknown option '--x'...`). */
const quoted = (message: string) => /'([^']*)'/.exec(message)?.[1] ?? message;

/** Parses and checks `argv` (the arguments after the script); `repositoryRoot` is where stack files are by default. */
export function parseCommandLine(argv: readonly string[], repositoryRoot: string): CommandLine {
    let values: { stack?: string; format?: string; out?: string; "config-dir"?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: [...argv],
            options: {
                stack: { type: "string" },
                format: { type: "string" },
                out: { type: "string" },
                "config-dir": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (e) {
        const error = e as Error & { code?: string };
        switch (error.code) {
            case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
                return usageError(`unknown option ${quoted(error.message)}`);
            case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
                return usageError(`unexpected argument "${quoted(error.message)}"; every value follows its option, as in --stack prod`);
            case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
                // "Option '--stack <value>' argument missing", or "Option '-h, --help' does not take an argument".
                const option = /--[\w-]+/.exec(quoted(error.message))?.[0] ?? quoted(error.message);
                return usageError(/does not take/.test(error.message) ? `${option} does not take a value` : `${option} needs a value`);
            }
            default:
                return usageError(error.message);
        }
    }
    if (values.help) {
        return { exit: 0, stdout: USAGE };
    }
    const format = values.format ?? "text";
    if (!(FORMATS as readonly string[]).includes(format)) {
        return usageError(`--format must be text, markdown or json (got ${JSON.stringify(format)})`);
    }
    const configDir = path.resolve(values["config-dir"] ?? repositoryRoot);
    if (!fs.statSync(configDir, { throwIfNoEntry: false })?.isDirectory()) {
        return usageError(`--config-dir ${configDir} is not a directory`);
    }
    const stack = values.stack ?? "dev";
    // Required here, not at the top: app/stackFile loads the Pulumi SDK (through app/config), and
    // --help and the usage errors above answer without it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { listStacks } = require("../../app/stackFile") as typeof import("../../app/stackFile");
    const stacks = listStacks(configDir);
    if (!stacks.includes(stack)) {
        return usageError(`no stack file Pulumi.${stack}.yaml in ${configDir} (stacks there: ${stacks.join(", ") || "none"})`);
    }
    if (values.out === "") {
        return usageError("--out needs a directory");
    }
    return { run: { stack, format: format as Format, configDir, ...(values.out !== undefined ? { out: path.resolve(values.out) } : {}) } };
}

/**
 * Runs `fn` with console.log, console.info and console.debug writing to stderr, so that nothing
 * the program prints while it is evaluated (Pulumi's info logs use console.log under mocks) can
 * land inside the plan on stdout.
 */
export async function withConsoleOnStderr<T>(fn: () => Promise<T>): Promise<T> {
    const saved = { log: console.log, info: console.info, debug: console.debug };
    console.log = console.info = console.debug = console.error;
    try {
        return await fn();
    } finally {
        Object.assign(console, saved);
    }
}
