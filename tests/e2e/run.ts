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
import { E2E_EXIT, onSignal, runE2e } from "./e2e";
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
    async createStack(name) {
        const stack = await LocalWorkspace.createStack({ stackName: name, workDir: ROOT });
        const e2e: E2eStack = {
            name,
            setConfig: async (key, value) => stack.setConfig(key, { value: typeof value === "string" ? value : JSON.stringify(value) }),
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

/**
 * Signals as tests/e2e/e2e.ts `onSignal` answers them: the first stops the checks and destroys the
 * stack, and cancels a running `pulumi` unless the terminal's Ctrl-C reached it already; later
 * ones only say that the destroy goes on.
 */
function interruptOnSignals(log: (line: string) => void): { interrupt: AbortSignal; cancelPulumi: AbortSignal } {
    const interrupt = new AbortController();
    const cancelPulumi = new AbortController();
    // A Ctrl-C typed in a terminal goes to its whole foreground process group.
    const inTerminal = Boolean(process.stdin.isTTY || process.stderr.isTTY);
    const handle = (signal: "SIGINT" | "SIGTERM") => {
        const action = onSignal(signal, interrupt.signal.aborted, inTerminal);
        log(action.line);
        if (action.interrupt) {
            interrupt.abort();
        }
        if (action.cancelPulumi) {
            cancelPulumi.abort();
        }
    };
    process.on("SIGINT", handle);
    process.on("SIGTERM", handle);
    return { interrupt: interrupt.signal, cancelPulumi: cancelPulumi.signal };
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
        ...interruptOnSignals(err),
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
