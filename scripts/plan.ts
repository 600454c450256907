// npm run -s plan -- [--stack dev] [--format text|markdown|json] [--out DIR] [--config-dir DIR]
// What `pulumi up` would create for a stack, how it is wired and what it costs, without the
// Pulumi CLI, cloud credentials or a state backend. `--help` prints the usage (scripts/plan/cli.ts).
// Exits 1 with the program's own messages when the stack's configuration is refused, 2 on bad usage.
import * as fs from "fs";
import * as path from "path";
import { parseCommandLine, withConsoleOnStderr } from "./plan/cli";

const REPOSITORY_ROOT = path.join(__dirname, "..");

/** Writes `text` and waits until it is handed to the stream: process.exit would cut a piped write short. */
const write = (stream: NodeJS.WriteStream, text: string) => new Promise<void>((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));

async function main(): Promise<number> {
    const commandLine = parseCommandLine(process.argv.slice(2), REPOSITORY_ROOT);
    if ("exit" in commandLine) {
        await write(process.stdout, commandLine.stdout ?? "");
        await write(process.stderr, commandLine.stderr ?? "");
        return commandLine.exit;
    }
    const options = commandLine.run;
    // Required only now, so that --help and usage errors answer without loading the Pulumi SDK.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { installMocks, useFastStackTraces } = require("../components/testing") as typeof import("../components/testing");
    const { buildPlan } = require("./plan/plan") as typeof import("./plan/plan");
    const { renderJson, renderMarkdown, renderText } = require("./plan/render") as typeof import("./plan/render");
    /* eslint-enable @typescript-eslint/no-require-imports */
    useFastStackTraces();
    const mocks = installMocks();
    let plan;
    try {
        plan = await withConsoleOnStderr(() => buildPlan(mocks, options.stack, options.configDir));
    } catch (e) {
        process.stderr.write(`Stack ${options.stack} is refused, as pulumi preview would refuse it:\n${(e as Error).message}\n`);
        return 1;
    }
    const rendered = { text: renderText, markdown: renderMarkdown, json: renderJson }[options.format](plan);
    if (options.out) {
        fs.mkdirSync(options.out, { recursive: true });
        fs.writeFileSync(path.join(options.out, "plan.json"), renderJson(plan));
        fs.writeFileSync(path.join(options.out, "plan.md"), renderMarkdown(plan));
        fs.writeFileSync(path.join(options.out, "architecture.mmd"), plan.diagram.mermaid);
        fs.writeFileSync(path.join(options.out, "architecture.dot"), plan.diagram.dot);
        process.stderr.write(`Wrote plan.json, plan.md, architecture.mmd and architecture.dot to ${options.out}\n`);
    }
    await write(process.stdout, rendered);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`${(e as Error).stack ?? e}\n`);
        process.exit(1);
    },
);
