// npm run plan [-- --stack dev] [--format text|markdown|json] [--out DIR] [--config-dir DIR]
// What `pulumi up` would create for a stack, how it is wired and what it costs, without the
// Pulumi CLI, cloud credentials or a state backend. Exits 1 with the program's own messages when
// the stack's configuration is refused.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { installMocks, useFastStackTraces } from "../components/testing";
import { buildPlan } from "./plan/plan";
import { renderJson, renderMarkdown, renderText } from "./plan/render";

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string", default: "dev" },
            format: { type: "string", default: "text" },
            out: { type: "string" },
            "config-dir": { type: "string" },
        },
    });
    const format = values.format as string;
    if (!["text", "markdown", "json"].includes(format)) {
        process.stderr.write(`--format must be text, markdown or json (got ${JSON.stringify(format)})\n`);
        return 2;
    }
    useFastStackTraces();
    const mocks = installMocks();
    let plan;
    try {
        plan = await buildPlan(mocks, values.stack as string, values["config-dir"] ? path.resolve(values["config-dir"]) : undefined);
    } catch (e) {
        const error = e as Error & { code?: string };
        if (error.code === "ENOENT") {
            process.stderr.write(`No stack file: ${error.message}\n`);
        } else {
            process.stderr.write(`Stack ${values.stack} is refused, as pulumi preview would refuse it:\n${error.message}\n`);
        }
        return 1;
    }
    const rendered = { text: renderText, markdown: renderMarkdown, json: renderJson }[format as "text" | "markdown" | "json"](plan);
    process.stdout.write(rendered);
    if (values.out) {
        const dir = path.resolve(values.out);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "plan.json"), renderJson(plan));
        fs.writeFileSync(path.join(dir, "plan.md"), renderMarkdown(plan));
        fs.writeFileSync(path.join(dir, "architecture.mmd"), plan.diagram.mermaid);
        fs.writeFileSync(path.join(dir, "architecture.dot"), plan.diagram.dot);
        process.stderr.write(`Wrote plan.json, plan.md, architecture.mmd and architecture.dot to ${dir}\n`);
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`${(e as Error).stack ?? e}\n`);
        process.exit(1);
    },
);
