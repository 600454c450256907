/**
 * The command line of `fargate-workloads plan` (`npm run plan` here): its usage text, and the
 * parsing and checking of its flags before any program runs. Bad usage is exit status 2, with the
 * problem and the usage on stderr. Loads no Pulumi SDK.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { findProjectDir, stackFiles } from "./project";

export const FORMATS = ["text", "markdown", "json"] as const;
export type Format = (typeof FORMATS)[number];

export const USAGE = `Usage: fargate-workloads plan [--stack NAME] [--format text|markdown|json] [--out DIR] [--cwd DIR]
         [--config-dir DIR] [--config KEY=VALUE]... [--stack-outputs STACK=FILE]... [--invokes FILE]
         [--compare REF|DIR [--allow-replace NAME]...]

What \`pulumi up\` would create for a stack of the Pulumi program in this folder, how it is wired
and what it costs a month, from the program run under Pulumi's runtime mocks: no Pulumi CLI, cloud
credentials or state backend. In the fargate-workloads repository: npm run -s plan -- [options].

Options:
  --stack NAME       the stack to plan, from Pulumi.NAME.yaml (default: dev, or the only stack file)
  --format FORMAT    text (default), markdown or json, written to standard output
  --out DIR          also write plan.json, plan.md, architecture.mmd and architecture.dot into DIR
  --cwd DIR          the Pulumi project: the folder of its Pulumi.yaml or one below (default: .)
  --config-dir DIR   the folder holding the Pulumi.<stack>.yaml files (default: the project's)
  --config KEY=VALUE a stand-in value for a configuration key the plan cannot read offline (a
                     secure: value, a key from an ESC environment); repeat it for each key
  --stack-outputs STACK=FILE
                     the outputs of a stack the program references, as written by
                     pulumi stack output --stack STACK --json > FILE; repeat it for each stack
  --invokes FILE     results of invokes the mocks cannot answer, by token, in a JSON file:
                     {"aws:ec2/getVpc:getVpc": {"id": "vpc-0123", "cidrBlock": "10.0.0.0/16"}}
  --compare REF|DIR  instead of the plan, the update pulumi up would make to the stack from the
                     program at a git ref of this repository (origin/main) or in another checkout
                     (a folder): every step in the engine's order, what forces each replacement,
                     and each step AWS would refuse. The offline early warning, not the authority:
                     pulumi preview against the stack's state sees what this cannot
  --allow-replace NAME
                     with --compare: a stateful resource (a table, bucket, key, log group, queue...)
                     that may be replaced or deleted, by logical name or URN; repeat it for each
  -h, --help         print this help and exit

Standard output carries the plan and nothing else; notes, errors and what the program prints go
to standard error. npm prints a banner of its own to standard output unless run with -s, so keep
the -s to pipe the plan, or read it from --out:
  npx fargate-workloads plan --stack prod --format json > plan.json
  npm run -s plan -- --stack prod --format json | jq '.cost.monthlyTotal'

Exit status: 0 the plan is printed; 1 the program refused the stack or could not run offline
(every problem on standard error, with how to fix it), or with --compare a step would fail or a
stateful resource would be replaced or deleted that --allow-replace does not name; 2 bad usage
(with --compare: an unknown ref, a folder without the program, a stack without its file there).
`;

export interface PlanOptions {
    /** The folder of the project's Pulumi.yaml. */
    readonly projectDir: string;
    readonly stack: string;
    readonly format: Format;
    readonly configDir: string;
    readonly out?: string;
    /** Stand-in configuration values, by key. */
    readonly config: Record<string, unknown>;
    /** Outputs of referenced stacks, by stack name. */
    readonly stackOutputs: Record<string, Record<string, unknown>>;
    /** Invoke results, by token. */
    readonly invokes: Record<string, Record<string, unknown>>;
    /** The base to compare with: a git ref or a folder. */
    readonly compare?: string;
    /** Stateful resources the comparison may replace or delete. */
    readonly allowReplace: readonly string[];
}

/** What the command line asks for: a plan, or an exit with text for stdout or stderr. */
export type CommandLine = { readonly run: PlanOptions } | { readonly exit: 0 | 2; readonly stdout?: string; readonly stderr?: string };

const usageError = (problem: string): CommandLine => ({ exit: 2, stderr: `plan: ${problem}\n\n${USAGE}` });

/** The quoted token in one of util.parseArgs' messages (`Unknown option '--x'...`). */
const quoted = (message: string) => /'([^']*)'/.exec(message)?.[1] ?? message;

/** A JSON object read from `file`, or the problem with it, named by `flag` (the option and its value). */
function readJsonObject(flag: string, file: string): Record<string, any> | string {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        return `${flag}: ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
    try {
        const value = JSON.parse(text);
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            return value;
        }
    } catch {
        // reported below
    }
    return `${flag}: ${file} must hold a JSON object`;
}

/** `KEY=VALUE` split at the first `=`; a value that is JSON of an object or list is parsed. */
function keyValue(option: string, text: string): [string, unknown] | string {
    const at = text.indexOf("=");
    if (at <= 0) {
        return `${option} takes KEY=VALUE (got ${JSON.stringify(text)})`;
    }
    const value = text.slice(at + 1);
    if (/^[[{]/.test(value)) {
        try {
            return [text.slice(0, at), JSON.parse(value)];
        } catch {
            return `${option} ${text.slice(0, at)}: the value starts like JSON but is not (${value})`;
        }
    }
    return [text.slice(0, at), value];
}

/** The stack to plan when --stack is not given: dev, or the only stack file; else the problem. */
function defaultStack(stacks: readonly string[], dir: string): string | { problem: string } {
    if (stacks.includes("dev")) {
        return "dev";
    }
    if (stacks.length === 1) {
        return stacks[0];
    }
    return { problem: stacks.length === 0 ? `no Pulumi.<stack>.yaml in ${dir}; name the stack with --stack NAME and add its stack file` : `name the stack to plan with --stack (stack files in ${dir}: ${stacks.join(", ")})` };
}

/** Parses and checks `argv` (the arguments after `plan`); `cwd` is where the project is looked for by default. */
export function parseCommandLine(argv: readonly string[], cwd: string): CommandLine {
    let values: { stack?: string; format?: string; out?: string; cwd?: string; "config-dir"?: string; config?: string[]; "stack-outputs"?: string[]; invokes?: string; compare?: string; "allow-replace"?: string[]; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: [...argv],
            options: {
                stack: { type: "string" },
                format: { type: "string" },
                out: { type: "string" },
                cwd: { type: "string" },
                "config-dir": { type: "string" },
                config: { type: "string", multiple: true },
                "stack-outputs": { type: "string", multiple: true },
                invokes: { type: "string" },
                compare: { type: "string" },
                "allow-replace": { type: "string", multiple: true },
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
    const start = path.resolve(cwd, values.cwd ?? ".");
    if (!fs.statSync(start, { throwIfNoEntry: false })?.isDirectory()) {
        return usageError(`--cwd ${start} is not a directory`);
    }
    const projectDir = findProjectDir(start);
    if (!projectDir) {
        return usageError(`no Pulumi.yaml in ${start} or above; run the plan in your Pulumi project, or give its folder with --cwd DIR`);
    }
    const configDir = path.resolve(cwd, values["config-dir"] ?? projectDir);
    if (!fs.statSync(configDir, { throwIfNoEntry: false })?.isDirectory()) {
        return usageError(`--config-dir ${configDir} is not a directory`);
    }
    const stacks = stackFiles(configDir);
    const stack = values.stack ?? defaultStack(stacks, configDir);
    if (typeof stack !== "string") {
        return usageError(stack.problem);
    }
    if (!stacks.includes(stack)) {
        return usageError(`no stack file Pulumi.${stack}.yaml in ${configDir} (stacks there: ${stacks.join(", ") || "none"})`);
    }
    if (values.out === "") {
        return usageError("--out needs a directory");
    }
    const config: Record<string, unknown> = {};
    for (const text of values.config ?? []) {
        const pair = keyValue("--config", text);
        if (typeof pair === "string") {
            return usageError(pair);
        }
        config[pair[0]] = pair[1];
    }
    const stackOutputs: Record<string, Record<string, unknown>> = {};
    for (const text of values["stack-outputs"] ?? []) {
        const pair = keyValue("--stack-outputs", text);
        if (typeof pair === "string") {
            return usageError(pair);
        }
        const outputs = readJsonObject(`--stack-outputs ${text}`, path.resolve(cwd, String(pair[1])));
        if (typeof outputs === "string") {
            return usageError(outputs);
        }
        stackOutputs[pair[0]] = outputs;
    }
    const invokes = values.invokes === undefined ? {} : readJsonObject(`--invokes ${values.invokes}`, path.resolve(cwd, values.invokes));
    if (typeof invokes === "string") {
        return usageError(invokes);
    }
    if (values.compare === "") {
        return usageError("--compare needs a git ref or a directory");
    }
    if (values["allow-replace"] !== undefined && values.compare === undefined) {
        return usageError("--allow-replace applies to --compare only");
    }
    if (values.compare !== undefined && values.out !== undefined) {
        return usageError("--out writes a plan's files; with --compare, redirect standard output instead");
    }
    return {
        run: {
            projectDir,
            stack,
            format: format as Format,
            configDir,
            ...(values.out !== undefined ? { out: path.resolve(cwd, values.out) } : {}),
            config,
            stackOutputs,
            invokes,
            ...(values.compare !== undefined ? { compare: values.compare } : {}),
            allowReplace: values["allow-replace"] ?? [],
        },
    };
}
