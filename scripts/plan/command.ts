/**
 * `fargate-workloads plan` (and `npm run plan` here): parses the command line, evaluates the
 * project's program for the stack in a child process (child.ts), and prints or writes the plan.
 * This process loads no Pulumi SDK and no program: only the child does.
 */
import * as fs from "fs";
import * as path from "path";
import { evaluateInChild } from "./child";
import { parseCommandLine } from "./cli";
import { ProjectError, readProject } from "./project";
import { renderJson, renderMarkdown, renderText } from "./render";
import { compare, CompareInputError, renderComparisonJson, renderComparisonMarkdown, renderComparisonText } from "./compare";
import type { PlanOptions } from "./cli";

/** `plan --compare`: the update from the base program to this one, and an exit status that gates it. */
async function compareCommand(options: PlanOptions & { readonly compare: string }, io: PlanIo): Promise<number> {
    let result: Awaited<ReturnType<typeof compare>>;
    try {
        result = await compare(options, io.cwd);
    } catch (e) {
        if (e instanceof CompareInputError) {
            await io.err(`plan: ${e.message}\n`);
            return 2;
        }
        throw e;
    }
    if ("problems" in result) {
        await io.err(`${result.problems.join("\n")}\n`);
        return result.exit;
    }
    await io.out({ text: renderComparisonText, markdown: renderComparisonMarkdown, json: renderComparisonJson }[options.format](result));
    return result.blocking.length > 0 ? 1 : 0;
}

/** Where the command writes: standard output and error by default. */
export interface PlanIo {
    readonly cwd: string;
    out(text: string): Promise<void>;
    err(text: string): Promise<void>;
}

/** Writes `text` and waits until it is handed to the stream: an exit would cut a piped write short. */
const write = (stream: NodeJS.WriteStream) => (text: string) => new Promise<void>((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));

export const processPlanIo = (): PlanIo => ({ cwd: process.cwd(), out: write(process.stdout), err: write(process.stderr) });

/** Runs `plan` with `argv` (the arguments after it) and resolves to the exit status. */
export async function planCommand(argv: readonly string[], io: PlanIo = processPlanIo()): Promise<number> {
    const commandLine = parseCommandLine(argv, io.cwd);
    if ("exit" in commandLine) {
        await io.out(commandLine.stdout ?? "");
        await io.err(commandLine.stderr ?? "");
        return commandLine.exit;
    }
    const options = commandLine.run;
    try {
        readProject(options.projectDir);
    } catch (e) {
        if (e instanceof ProjectError) {
            await io.err(`plan: ${e.message}\n`);
            return 1;
        }
        throw e;
    }
    if (options.compare !== undefined) {
        return compareCommand({ ...options, compare: options.compare }, io);
    }
    const answer = await evaluateInChild({ projectDir: options.projectDir, stack: options.stack, configDir: options.configDir, config: options.config, stackOutputs: options.stackOutputs, invokes: options.invokes, plan: true });
    if (!answer.ok) {
        const notes = answer.notes.map((n) => `note: ${n}\n`).join("");
        await io.err(`Stack ${options.stack} is refused, as pulumi preview would refuse it:\n${answer.problems.join("\n")}\n${notes}`);
        return 1;
    }
    const plan = answer.plan!;
    if (options.out) {
        fs.mkdirSync(options.out, { recursive: true });
        fs.writeFileSync(path.join(options.out, "plan.json"), renderJson(plan));
        fs.writeFileSync(path.join(options.out, "plan.md"), renderMarkdown(plan));
        fs.writeFileSync(path.join(options.out, "architecture.mmd"), plan.diagram.mermaid);
        fs.writeFileSync(path.join(options.out, "architecture.dot"), plan.diagram.dot);
        await io.err(`Wrote plan.json, plan.md, architecture.mmd and architecture.dot to ${options.out}\n`);
    }
    await io.out({ text: renderText, markdown: renderMarkdown, json: renderJson }[options.format](plan));
    return 0;
}
