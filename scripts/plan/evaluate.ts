/**
 * Evaluates a Pulumi program under the runtime mocks of `fargate-workloads/testing`, as `pulumi
 * preview` would run it (entry point, TypeScript, configuration), and returns what it registered
 * as a serialisable {@link ProgramRecord}: every resource with its type, name, URN, parent, inputs,
 * mocked state and resource options.
 *
 * The command line runs this in a child process (evaluateChild.ts), one per evaluation, so that
 * the program's module cache, TypeScript loader and global state never mix with the caller's;
 * the tests call {@link evaluateProgram} in their own process with their shared mocks.
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { MockRecorder, RecordedResource, requireFresh } from "../../components/testing";
import { offlineNotes, readProject, readStackConfig, regionOf } from "./project";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import tsCache = require("./tsCache");

/** What to evaluate. */
export interface EvaluationRequest {
    /** The folder of the project's `Pulumi.yaml`. */
    readonly projectDir: string;
    readonly stack: string;
    /** The folder of `Pulumi.<stack>.yaml`. @default projectDir */
    readonly configDir?: string;
    /** Stand-in configuration values (`key` or `namespace:key` to value), over the stack's. */
    readonly config?: Readonly<Record<string, unknown>>;
    /** Outputs of the stacks the program references (`org/project/stack` to outputs). */
    readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
    /** Answers of invokes the mocks do not know (token to result). */
    readonly invokes?: Readonly<Record<string, Record<string, unknown>>>;
}

/** What a program registered for a stack: everything `pulumi preview` would send the engine. */
export interface ProgramRecord {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    /** The entry point, relative to the project. */
    readonly entryPoint: string;
    /** In registration order; each with its resource options (see RegistrationOptions). */
    readonly resources: RecordedResource[];
    /** What could not be known offline and how to give a value. */
    readonly notes: string[];
}

/** The program refused the stack, or could not run offline: every problem, with how to fix it. */
export class EvaluationError extends Error {
    constructor(
        public readonly problems: readonly string[],
        public readonly notes: readonly string[] = [],
    ) {
        super(problems.join("\n"));
        this.name = "EvaluationError";
    }
}

/** The entry point of a project as the Pulumi Node.js host resolves it. */
export interface EntryPoint {
    /** What the host requires or imports: a file, or a folder. */
    readonly program: string;
    /** The file that runs. */
    readonly file: string;
    /** The program is an ES module (its package.json says `"type": "module"`). */
    readonly esm: boolean;
}

function nearestPackageJson(from: string): { dir: string; data: any } | undefined {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            return { dir, data: JSON.parse(fs.readFileSync(file, "utf8")) };
        }
        if (path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

const isDirectory = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** The file `require(program)` loads: the file, or a folder's package.json `main` or index. */
function fileOf(program: string, esm: boolean): string | undefined {
    const extensions = esm ? [".js", ".mjs", ".ts", ".mts"] : [".js", ".json", ".node", ".ts", ".cts"];
    if (isDirectory(program)) {
        const main = !esm && isFile(path.join(program, "package.json")) ? JSON.parse(fs.readFileSync(path.join(program, "package.json"), "utf8")).main : undefined;
        return (typeof main === "string" ? fileOf(path.join(program, main), esm) : undefined) ?? extensions.map((e) => path.join(program, `index${e}`)).find(isFile);
    }
    return [program, ...extensions.map((e) => `${program}${e}`)].find(isFile);
}

/**
 * `main` of Pulumi.yaml if given; else package.json's `exports` (its "." entry) or `main`; else the
 * project folder (its index), as @pulumi/pulumi's cmd/run does.
 */
export function resolveEntryPoint(projectDir: string, main: string | undefined): EntryPoint {
    let program = main !== undefined ? path.resolve(projectDir, main) : projectDir;
    const pkg = nearestPackageJson(isDirectory(program) ? program : path.dirname(program));
    if (program === projectDir && pkg) {
        const exported = typeof pkg.data.exports === "string" ? pkg.data.exports : pkg.data.exports?.["."];
        const entry = typeof exported === "string" ? exported : exported ? (exported.default ?? exported.require ?? exported.import) : pkg.data.main;
        if (typeof entry === "string" && fs.existsSync(path.join(pkg.dir, entry))) {
            program = path.join(pkg.dir, entry);
        }
    }
    const esm = pkg?.data.type === "module";
    const file = fileOf(program, esm);
    if (!file) {
        const where = main !== undefined ? `main: ${main} of Pulumi.yaml` : "package.json's main, or an index.ts or index.js";
        throw new EvaluationError([`The program's entry point ${path.relative(projectDir, program) || "."} does not exist (read from ${where}); set main in Pulumi.yaml to the program's file.`]);
    }
    return { program, file, esm };
}

const isTypeScript = (file: string) => /\.[cm]?ts$/.test(file);

/** Refuses a second copy of @pulumi/pulumi: the mocks would not see the program's resources. */
function checkOnePulumi(projectDir: string): void {
    const ours = require.resolve("@pulumi/pulumi");
    let theirs: string | undefined;
    try {
        theirs = require.resolve("@pulumi/pulumi", { paths: [projectDir] });
    } catch {
        throw new EvaluationError([`${projectDir} has no @pulumi/pulumi installed; run npm install there first.`]);
    }
    if (fs.realpathSync(ours) !== fs.realpathSync(theirs)) {
        throw new EvaluationError([
            `The program uses @pulumi/pulumi from ${path.dirname(theirs)} and the plan another copy, from ${path.dirname(ours)}: the plan's mocks would not see the program's resources. ` +
                `Install fargate-workloads in the project (npm install --save-dev fargate-workloads) and run its plan from there (npx fargate-workloads plan).`,
        ]);
    }
}

/** Makes the program's TypeScript loadable, with the project's own ts-node and typescript. */
async function prepareTypeScript(projectDir: string, entry: EntryPoint, tsconfig: string | undefined): Promise<void> {
    if (!isTypeScript(entry.file)) {
        return;
    }
    if (entry.esm) {
        // ES modules go through ts-node's loader (no cache), as `pulumi preview` runs them.
        let loader: string;
        try {
            loader = require.resolve("ts-node/esm", { paths: [projectDir] });
        } catch {
            throw new EvaluationError([new tsCache.MissingTypeScriptError(projectDir, ["ts-node"]).message]);
        }
        process.env.TS_NODE_TRANSPILE_ONLY ??= "true";
        if (fs.existsSync(path.resolve(projectDir, tsconfig ?? "tsconfig.json"))) {
            process.env.TS_NODE_PROJECT ??= path.resolve(projectDir, tsconfig ?? "tsconfig.json");
        }
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("module") as { register(specifier: string, parentURL: string): void }).register(pathToFileURL(loader).href, pathToFileURL(`${projectDir}/`).href);
        return;
    }
    if (require.extensions[".ts"] && !tsCache.isOurs(require.extensions[".ts"])) {
        // A TypeScript loader (ts-node under mocha) is in place already: the program's files use it.
        return;
    }
    try {
        tsCache.installTypeScript(projectDir, { tsconfig: process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? tsconfig });
    } catch (e) {
        throw new EvaluationError([(e as Error).message]);
    }
}

/** Runs the entry point: requires (or imports) it, and awaits an exported function or promise. */
async function runProgram(projectDir: string, entry: EntryPoint): Promise<void> {
    let exported: unknown;
    if (entry.esm) {
        exported = await import(pathToFileURL(entry.file).href);
        const module = exported as Record<string, unknown>;
        if (Object.getOwnPropertyDescriptor(module, "default") !== undefined && Object.keys(module).length === 1) {
            exported = module.default;
        }
    } else {
        // Only the entry point is evaluated again: in the tests' process the components stay loaded.
        exported = requireFresh(entry.file);
    }
    await (typeof exported === "function" ? exported() : exported);
}

/**
 * A readable message of anything a program throws, without the SDK's "error serializing
 * property" chain; with its stack trace when FARGATE_WORKLOADS_PLAN_STACKS=1.
 */
function messageOf(e: unknown): string {
    const text = e instanceof Error ? (process.env.FARGATE_WORKLOADS_PLAN_STACKS === "1" && e.stack ? e.stack : e.message) : String(e);
    return text.replace(/^(error serializing property "[^"]*": )+/, "");
}

/** Hints for messages of problems the command line can help with. */
function withHint(message: string): string {
    const config = /Missing required configuration variable '([^']+)'/.exec(message);
    if (config) {
        return `${message.split("\n")[0]}: set it in the stack file, or give a stand-in with --config ${config[1]}=VALUE`;
    }
    const output = /Required output '([^']+)' does not exist on stack '([^']+)'/.exec(message);
    if (output) {
        return `${message}: give the stack's outputs with --stack-outputs ${output[2]}=FILE (the JSON of pulumi stack output --stack ${output[2]} --json)`;
    }
    return message;
}

/**
 * Evaluates the program of `request.projectDir` for `request.stack` with `mocks` and returns what
 * it registered. Throws an {@link EvaluationError} with every problem when the program refuses
 * the stack or cannot run offline.
 */
export async function evaluateProgram(mocks: MockRecorder, request: EvaluationRequest): Promise<ProgramRecord> {
    const projectDir = path.resolve(request.projectDir);
    const project = readProject(projectDir);
    const stack = readStackConfig(project, request.stack, request.configDir ?? projectDir, request.config);
    const entry = resolveEntryPoint(projectDir, project.main);
    checkOnePulumi(projectDir);
    await prepareTypeScript(projectDir, entry, project.tsconfig);
    const region = regionOf(stack.config);
    mocks.useStack(request.stack, { project: project.name, config: stack.config, secretKeys: stack.secretKeys, region });
    for (const [token, result] of Object.entries(request.invokes ?? {})) {
        mocks.onInvoke(token, () => result);
    }
    const problems: string[] = [];
    const unreadStacks = new Set<string>();
    const restore = offlineAnswers(mocks, request, unreadStacks);
    const onRejection = (e: unknown) => problems.push(withHint(messageOf(e)));
    process.on("unhandledRejection", onRejection);
    try {
        await runProgram(projectDir, entry);
    } catch (e) {
        problems.push(withHint(messageOf(e)));
    }
    try {
        await mocks.settle();
    } catch (e) {
        problems.push(withHint(messageOf(e)));
    }
    // Rejections of registrations surface on the next turns of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
    restore();
    const notes = [
        ...offlineNotes(stack),
        ...[...unreadStacks].map(
            (name) => `The program reads the stack ${name}, whose outputs cannot be read offline: it saw none; give them with --stack-outputs ${name}=FILE (the JSON of pulumi stack output --stack ${name} --json).`,
        ),
    ];
    if (problems.length > 0) {
        throw new EvaluationError([...new Set(problems)], notes);
    }
    return { project: project.name, stack: request.stack, region, entryPoint: path.relative(projectDir, entry.file), resources: [...mocks.resources], notes };
}

/**
 * Answers what the mocks cannot know offline, for this evaluation: a stack reference gets the
 * outputs given for it (or none, noted), and an invoke without an answer fails with the way to
 * give one. Returns the function that undoes it.
 */
function offlineAnswers(mocks: MockRecorder, request: EvaluationRequest, unreadStacks: Set<string>): () => void {
    const saved = { newResource: mocks.newResource, call: mocks.call };
    mocks.newResource = (args) => {
        const result = saved.newResource.call(mocks, args);
        if (args.type !== "pulumi:pulumi:StackReference") {
            return result;
        }
        const name = String(args.inputs.name ?? args.name);
        const outputs = request.stackOutputs?.[name];
        if (!outputs) {
            unreadStacks.add(name);
        }
        return { id: result.id, state: { ...result.state, name, outputs: outputs ?? {}, secretOutputNames: [] } };
    };
    mocks.call = (args) => {
        try {
            return saved.call.call(mocks, args);
        } catch (e) {
            if (!/no mock for invoke/.test(messageOf(e))) {
                throw e;
            }
            const message = `The invoke ${args.token} (called with ${JSON.stringify(args.inputs)}) cannot be answered offline; give its result in a JSON file with --invokes FILE, as in {"${args.token}": {...}}`;
            throw Object.assign(new Error(message), { details: message });
        }
    };
    return () => {
        mocks.newResource = saved.newResource;
        mocks.call = saved.call;
    };
}
