/**
 * `npm run e2e`: the end-to-end test against real AWS (docs/e2e.md). The real world for
 * tests/e2e/e2e.ts: the Pulumi Automation API on this repository's program, the AWS SDK's default
 * credential chain, Node's fetch, the process's streams and signals.
 *
 * Options: `--only 1,3` runs those checks; the report goes to $E2E_REPORT (default: a file in the
 * system's temporary directory, named after the start time).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { readStackFile } from "../../app/stackFile";
import { createClients } from "../../cli/aws";
import { E2E_EXIT, runE2e } from "./e2e";
import { Backend, E2eClients, E2eStack, World } from "./world";

const ROOT = path.resolve(__dirname, "..", "..");

/** The Automation API, reduced to what the test uses. */
export const automationBackend = (onOutput: (chunk: string) => void): Backend => ({
    async pulumiVersion() {
        try {
            const command = await PulumiCommand.get();
            return command.version?.toString() ?? "unknown";
        } catch {
            return undefined;
        }
    },
    async createStack(name, config) {
        const stack = await LocalWorkspace.createStack({ stackName: name, workDir: ROOT });
        const set = (key: string, value: unknown) => stack.setConfig(key, { value: typeof value === "string" ? value : JSON.stringify(value) });
        for (const [key, value] of Object.entries(config)) {
            await set(key, value);
        }
        const e2e: E2eStack = {
            name,
            setConfig: set,
            async up(signal) {
                const result = await stack.up({ onOutput, signal, color: "never" });
                return Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
            },
            async destroy() {
                await stack.destroy({ onOutput, color: "never" });
            },
            async remove() {
                await stack.workspace.removeStack(name);
            },
        };
        return e2e;
    },
});

function clients(region: string): E2eClients {
    const config = { region, maxAttempts: 5 };
    return { ...createClients(region), sqs: new SQSClient(config), sns: new SNSClient(config), sts: new STSClient(config) };
}

async function httpStatus(url: string, timeoutMs: number): Promise<number> {
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status;
}

/** The first signal stops the checks and destroys the stack; later ones only say that it goes on. */
function interruptOnSignals(log: (line: string) => void): AbortSignal {
    const controller = new AbortController();
    const handle = (signal: NodeJS.Signals) => {
        if (!controller.signal.aborted) {
            log(`[e2e] ${signal}: stopping the checks, then destroying the stack…`);
            controller.abort();
        } else {
            log(`[e2e] ${signal}: the stack is being destroyed; killing this process now would leave its resources behind.`);
        }
    };
    process.on("SIGINT", handle);
    process.on("SIGTERM", handle);
    return controller.signal;
}

async function main(argv: readonly string[]): Promise<number> {
    const { values } = parseArgs({ args: [...argv], options: { only: { type: "string" } }, strict: true });
    const only = values.only?.split(",").map(Number);
    const err = (line: string) => process.stderr.write(`${line}\n`);
    const source = readStackFile(ROOT, "dev");
    const world: World = {
        clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
        log: { progress: err, report: (line) => process.stdout.write(`${line}\n`) },
        backend: automationBackend((chunk) => process.stderr.write(chunk)),
        clients,
        httpStatus,
        random: () => randomBytes(4).toString("hex"),
        writeFile: (file, text) => {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
        },
        interrupt: interruptOnSignals(err),
    };
    const stamp = new Date().toISOString().replace(/[-:.]/g, "");
    const reportPath = path.resolve(process.env.E2E_REPORT ?? path.join(os.tmpdir(), "fargate-workloads-e2e", `${stamp}.json`));
    return runE2e(world, { source, reportPath, ...(only ? { only } : {}) });
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`e2e: ${(e as Error).stack ?? e}\n`);
            process.exit(E2E_EXIT.setupFailed);
        },
    );
}
