/**
 * The end-to-end test: a throw-away stack of the program with the dev configuration, `up`, the
 * checks of tests/e2e/checks.ts, then always `destroy` and remove, and a report. What it proves,
 * how to run it and its exit codes: docs/e2e.md.
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { STACK_DEFAULTS } from "../../app/config";
import { StackFile } from "../../app/stackFile";
import { describeError } from "../../cli/errors";
import { formatDuration } from "../../cli/history";
import { rollingDeployEstimate } from "../../components/deployTime";
import { TASK_DEFINITION_DEFAULTS } from "../../components/taskDefinition";
import { WEB_SERVICE_DEFAULTS } from "../../components/webService";
import { Check, CheckContext, CheckSettings, CHECKS } from "./checks";
import { Deadline, Interrupted, withinDeadline } from "./wait";
import { E2eStack, World } from "./world";

/** Exit codes of `npm run e2e`; docs/e2e.md lists them. */
export const E2E_EXIT = {
    /** Every check passed, and the stack was destroyed and removed. */
    passed: 0,
    /** At least one check failed or timed out; the stack was destroyed and removed. */
    checkFailed: 1,
    /** The stack could not be created or deployed, or the run could not start (refused credentials, a bad stack file). */
    setupFailed: 2,
    /** Destroying or removing the stack failed: resources may be left; the report names the stack. */
    cleanupFailed: 3,
    /** Nothing was run: no AWS credentials, or no Pulumi CLI. */
    notRun: 77,
    /** Interrupted (SIGINT or SIGTERM); the stack was destroyed and removed. */
    interrupted: 130,
} as const;

const PROJECT = "fargate-workloads";
/** The batch timeout of the e2e stack: long enough for a task to start, short enough to wait out (the dev stack's is 3600 s). */
export const E2E_BATCH_TIMEOUT_SECONDS = 180;
/** How long the first `up` (the whole stack) may take. */
export const UP_TIMEOUT_MS = 30 * 60_000;
const DESTROY_ATTEMPTS = 3;

export interface E2eOptions {
    /** The stack file the e2e stack copies (Pulumi.dev.yaml). */
    readonly source: StackFile;
    /** Where the JSON report is written. */
    readonly reportPath: string;
    /** Which checks run (by id); all when not given. */
    readonly only?: readonly number[];
    /** How often checks poll AWS, in milliseconds. @default 5000 */
    readonly pollMs?: number;
    /** The checks to run. @default CHECKS */
    readonly checks?: readonly Check[];
}

export type CheckStatus = "passed" | "failed" | "timed out" | "not run";

export interface CheckResult {
    readonly id: number;
    readonly name: string;
    readonly status: CheckStatus;
    readonly seconds: number;
    readonly timeoutSeconds: number;
    readonly detail: string;
}

export interface Step {
    readonly status: "ok" | "failed" | "not run";
    readonly seconds: number;
    readonly detail?: string;
}

export interface E2eReport {
    readonly stack: string;
    readonly region: string;
    readonly account?: string;
    readonly pulumiVersion?: string;
    readonly startedAt: string;
    readonly modeledDeploySeconds: number;
    /** Setting the stack's configuration (`pulumi config set`). */
    config: Step;
    up: Step;
    checks: CheckResult[];
    destroy: Step;
    remove: Step;
    exitCode?: number;
    /** What to run by hand when the stack could not be destroyed. */
    leftBehind?: string;
}

/** What to do on a signal: stop the checks (then destroy), pass it on to a running `pulumi`, and what to say. */
export interface SignalAction {
    readonly interrupt: boolean;
    readonly cancelPulumi: boolean;
    readonly line: string;
}

/**
 * The e2e test's answer to SIGINT and SIGTERM. The first stops the checks and destroys the stack.
 * A running `pulumi` gets one SIGINT from it only when it did not get the signal itself: a Ctrl-C
 * in a terminal goes to every process of the foreground group (this one and its `pulumi` child),
 * and a second SIGINT makes Pulumi terminate at once instead of cancelling, which may leave
 * resources it no longer records. SIGTERM is never sent by the terminal, so it is passed on.
 * Later signals change nothing: the stack is being destroyed.
 */
export function onSignal(signal: "SIGINT" | "SIGTERM", alreadyInterrupted: boolean, inTerminal: boolean): SignalAction {
    if (alreadyInterrupted) {
        return { interrupt: false, cancelPulumi: false, line: `[e2e] ${signal}: the stack is being destroyed; killing this process now would leave its resources behind.` };
    }
    const reachedPulumi = signal === "SIGINT" && inTerminal;
    return {
        interrupt: true,
        cancelPulumi: !reachedPulumi,
        line: `[e2e] ${signal}: stopping the checks, then destroying the stack${reachedPulumi ? " (the terminal's Ctrl-C reached pulumi too: it cancels a running update by itself)" : ""}…`,
    };
}

/** A stack name no other run uses: `e2e-<UTC minute>-<random>`, lower case, short enough for every name derived from it. */
export function e2eStackName(now: number, random: string): string {
    const stamp = new Date(now).toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "t");
    return `e2e-${stamp}-${random.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 6)}`;
}

/**
 * The e2e stack's configuration: the source stack's, with the batch timeout lowered so a run can
 * be made to exceed it. Refuses `secure:` values, which are encrypted for their own stack.
 */
export function e2eConfig(source: StackFile): Record<string, unknown> {
    if (source.secretKeys.length > 0) {
        throw new Error(`${source.file} has secret values (${source.secretKeys.join(", ")}), which are encrypted for stack ${source.stack} and cannot be copied; remove them from the e2e run's source`);
    }
    const config = structuredClone(source.config);
    const batch = (config[`${PROJECT}:batch`] ?? {}) as Record<string, unknown>;
    config[`${PROJECT}:batch`] = { ...batch, timeoutSeconds: E2E_BATCH_TIMEOUT_SECONDS };
    return config;
}

/** The region the stack deploys to: its `aws:region`. */
export function regionOf(config: Record<string, unknown>): string {
    const region = config["aws:region"];
    if (typeof region !== "string" || region === "") {
        throw new Error("the source stack file sets no aws:region; the e2e stack deploys where it says");
    }
    return region;
}

/** The figures the checks compare against, for a stack configuration. */
export function checkSettings(config: Record<string, unknown>, pollMs = 5000): CheckSettings {
    const web = (config[`${PROJECT}:web`] ?? {}) as { healthCheckPath?: string };
    const batch = (config[`${PROJECT}:batch`] ?? {}) as { timeoutSeconds?: number };
    const model = rollingDeployEstimate({
        healthCheckIntervalSeconds: WEB_SERVICE_DEFAULTS.healthCheck.intervalSeconds,
        healthyThreshold: WEB_SERVICE_DEFAULTS.healthCheck.healthyThreshold,
        deregistrationDelaySeconds: WEB_SERVICE_DEFAULTS.deregistrationDelaySeconds,
        stopTimeoutSeconds: TASK_DEFINITION_DEFAULTS.stopTimeoutSeconds,
        // The program's web service keeps its default alarms, so ECS watches them through a bake
        // before it calls a deployment complete, as the plan's model counts it.
        deploymentAlarms: WEB_SERVICE_DEFAULTS.alarms.rollbackOnAlarm,
    });
    return {
        healthPath: web.healthCheckPath ?? STACK_DEFAULTS.web.healthCheckPath,
        modeledDeploySeconds: model.totalSeconds,
        batchTimeoutSeconds: batch.timeoutSeconds ?? STACK_DEFAULTS.batch.timeoutSeconds,
        pollMs,
    };
}

const firstLine = (text: string) => text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";

/** The one line printed when the test cannot run here, and whether it is "not run" (77) or a setup failure (2). */
export async function preflight(world: World, region: string): Promise<{ ok: true; account: string; pulumiVersion: string } | { ok: false; line: string; exitCode: number }> {
    const pulumiVersion = await world.backend.pulumiVersion();
    if (pulumiVersion === undefined) {
        return { ok: false, exitCode: E2E_EXIT.notRun, line: "e2e: not run: no Pulumi CLI found (`pulumi version` failed); install it from https://www.pulumi.com/docs/install/ and try again." };
    }
    try {
        const identity = await world.clients(region).sts.send(new GetCallerIdentityCommand({}));
        return { ok: true, account: identity.Account ?? "unknown", pulumiVersion };
    } catch (e) {
        const name = (e as Error)?.name;
        if (name === "CredentialsProviderError" || name === "ProviderError") {
            return { ok: false, exitCode: E2E_EXIT.notRun, line: `e2e: not run: no AWS credentials (${firstLine(String((e as Error).message))}); set them as for the AWS CLI (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again.` };
        }
        return { ok: false, exitCode: E2E_EXIT.setupFailed, line: `e2e: cannot start: STS GetCallerIdentity failed: ${describeError(e).message}` };
    }
}

/** The report as text: one line per step and check. */
export function formatReport(r: E2eReport): string[] {
    const step = (name: string, s: Step) => `${s.status.toUpperCase().padEnd(9)} ${formatDuration(s.seconds * 1000).padStart(6)}  ${name}${s.detail ? `: ${s.detail}` : ""}`;
    return [
        `e2e report for stack ${r.stack} (${r.region}${r.account ? `, account ${r.account}` : ""}), started ${r.startedAt}`,
        step("pulumi config set", r.config),
        step("pulumi up", r.up),
        ...r.checks.map((c) => `${c.status.toUpperCase().padEnd(9)} ${formatDuration(c.seconds * 1000).padStart(6)}  ${c.id}. ${c.name}${c.detail ? `: ${c.detail}` : ""}`),
        step("pulumi destroy", r.destroy),
        step("pulumi stack rm", r.remove),
        ...(r.leftBehind ? [`LEFT BEHIND: ${r.leftBehind}`] : []),
        `exit code ${r.exitCode}: ${r.checks.filter((c) => c.status === "passed").length} of ${r.checks.length} checks passed`,
    ];
}

/** Runs the end-to-end test; resolves to the exit code and never throws. */
export async function runE2e(world: World, options: E2eOptions): Promise<number> {
    const { clock, log } = world;
    const started = clock.now();
    const elapsed = () => formatDuration(clock.now() - started);
    const progress = (line: string) => log.progress(`[e2e ${elapsed()}] ${line}`);
    let config: Record<string, unknown>;
    let region: string;
    try {
        config = e2eConfig(options.source);
        region = regionOf(config);
    } catch (e) {
        log.report(`e2e: cannot start: ${(e as Error).message}`);
        return E2E_EXIT.setupFailed;
    }
    const pre = await preflight(world, region);
    if (!pre.ok) {
        log.report(pre.line);
        return pre.exitCode;
    }
    const settings = checkSettings(config, options.pollMs);
    const checks = (options.checks ?? CHECKS).filter((c) => !options.only || options.only.includes(c.id));
    const name = e2eStackName(started, world.random());
    const notRun: Step = { status: "not run", seconds: 0 };
    const report: E2eReport = {
        stack: name,
        region,
        account: pre.account,
        pulumiVersion: pre.pulumiVersion,
        startedAt: new Date(started).toISOString(),
        modeledDeploySeconds: settings.modeledDeploySeconds,
        config: notRun,
        up: notRun,
        checks: [],
        destroy: notRun,
        remove: notRun,
    };
    const save = () => world.writeFile(options.reportPath, `${JSON.stringify(report, null, 2)}\n`);
    const pulumiDeadline = (at: number): Deadline => ({ clock, at, interrupt: world.interrupt, cancelPulumi: world.cancelPulumi });
    let stack: E2eStack | undefined;
    let setupFailed = false;
    try {
        progress(`creating stack ${name} (${PROJECT}, ${region}, account ${pre.account}) from ${options.source.file}, batch timeout ${E2E_BATCH_TIMEOUT_SECONDS} s`);
        stack = await world.backend.createStack(name);
        const s = stack;
        // In the try: a stack whose configuration cannot be set is still destroyed and removed.
        const configStart = clock.now();
        try {
            for (const [key, value] of Object.entries(config)) {
                await s.setConfig(key, value);
            }
        } catch (e) {
            report.config = { status: "failed", seconds: Math.round((clock.now() - configStart) / 1000), detail: firstLine(describeError(e).message) };
            throw e;
        }
        report.config = { status: "ok", seconds: Math.round((clock.now() - configStart) / 1000) };
        save();
        progress("pulumi up…");
        const upStart = clock.now();
        const deadline = pulumiDeadline(upStart + UP_TIMEOUT_MS);
        let outputs: Record<string, unknown>;
        try {
            outputs = await withinDeadline(deadline, "pulumi up", (signal) => s.up(signal));
        } catch (e) {
            report.up = { status: "failed", seconds: Math.round((clock.now() - upStart) / 1000), detail: firstLine(describeError(e).message) };
            throw e;
        }
        report.up = { status: "ok", seconds: Math.round((clock.now() - upStart) / 1000) };
        progress(`pulumi up done in ${formatDuration(report.up.seconds * 1000)}; ${checks.length} checks`);
        for (const check of checks) {
            if (world.interrupt.aborted) {
                throw new Interrupted();
            }
            report.checks.push(await runCheck(world, check, { stack: s, outputs, config, region, settings, progress }));
            save();
        }
    } catch (e) {
        if (!(e instanceof Interrupted) && !world.interrupt.aborted) {
            setupFailed = true;
            progress(`cannot go on: ${firstLine(describeError(e).message)}`);
            if (report.up.status === "not run" && report.config.status !== "failed") {
                report.up = { status: "failed", seconds: 0, detail: firstLine(describeError(e).message) };
            }
        }
    } finally {
        for (const check of checks.filter((c) => !report.checks.some((r) => r.id === c.id))) {
            report.checks.push({ id: check.id, name: check.name, status: "not run", seconds: 0, timeoutSeconds: Math.round(check.timeoutMs(settings) / 1000), detail: "" });
        }
        if (stack) {
            await cleanUp(world, stack, report, progress);
        }
    }
    const failed = report.checks.some((c) => c.status === "failed" || c.status === "timed out");
    report.exitCode = report.leftBehind
        ? E2E_EXIT.cleanupFailed
        : world.interrupt.aborted
          ? E2E_EXIT.interrupted
          : setupFailed
            ? E2E_EXIT.setupFailed
            : failed
              ? E2E_EXIT.checkFailed
              : E2E_EXIT.passed;
    if (stack) {
        try {
            save();
        } catch (e) {
            log.report(`e2e: the report could not be written to ${options.reportPath}: ${firstLine(describeError(e).message)}`);
        }
    }
    formatReport(report).forEach((l) => log.report(l));
    if (stack) {
        log.report(`report: ${options.reportPath}`);
    }
    return report.exitCode;
}

async function runCheck(world: World, check: Check, shared: Omit<CheckContext, keyof Deadline | "world" | "clients">): Promise<CheckResult> {
    const { clock } = world;
    const timeoutMs = check.timeoutMs(shared.settings);
    const start = clock.now();
    const progress = (line: string) => shared.progress(`check ${check.id}: ${line}`);
    progress(`${check.name} (at most ${formatDuration(timeoutMs)})…`);
    const ctx: CheckContext = { ...shared, world, clients: world.clients(shared.region), clock, at: start + timeoutMs, interrupt: world.interrupt, cancelPulumi: world.cancelPulumi, progress };
    const result = (status: CheckStatus, detail: string): CheckResult => ({ id: check.id, name: check.name, status, seconds: Math.round((clock.now() - start) / 1000), timeoutSeconds: Math.round(timeoutMs / 1000), detail });
    try {
        const detail = await check.run(ctx);
        progress(`passed: ${detail}`);
        return result("passed", detail);
    } catch (e) {
        if (e instanceof Interrupted || world.interrupt.aborted) {
            throw new Interrupted();
        }
        const name = (e as Error)?.name;
        const detail = name === "CheckFailure" || name === "CheckTimeout" ? (e as Error).message : `unexpected error: ${describeError(e).message}`;
        const status: CheckStatus = name === "CheckTimeout" ? "timed out" : "failed";
        progress(`${status.toUpperCase()}: ${detail}`);
        return result(status, detail);
    }
}

/** Destroys the stack (a few attempts: a destroy can fail on ENIs AWS is still releasing), then removes it. */
async function cleanUp(world: World, stack: E2eStack, report: E2eReport, progress: (line: string) => void): Promise<void> {
    const { clock } = world;
    const start = clock.now();
    let lastError = "";
    for (let attempt = 1; attempt <= DESTROY_ATTEMPTS; attempt++) {
        progress(`pulumi destroy of ${stack.name} (attempt ${attempt} of ${DESTROY_ATTEMPTS})…`);
        try {
            await stack.destroy();
            report.destroy = { status: "ok", seconds: Math.round((clock.now() - start) / 1000), ...(attempt > 1 ? { detail: `after ${attempt} attempts` } : {}) };
            break;
        } catch (e) {
            lastError = firstLine(describeError(e).message);
            progress(`destroy failed: ${lastError}`);
        }
    }
    if (report.destroy.status !== "ok") {
        report.destroy = { status: "failed", seconds: Math.round((clock.now() - start) / 1000), detail: lastError };
        report.leftBehind = `stack ${stack.name} still has resources: run \`pulumi destroy --stack ${stack.name} --yes && pulumi stack rm ${stack.name} --yes\` in the repository`;
        return;
    }
    const removeStart = clock.now();
    try {
        await stack.remove();
        report.remove = { status: "ok", seconds: Math.round((clock.now() - removeStart) / 1000) };
    } catch (e) {
        report.remove = { status: "failed", seconds: Math.round((clock.now() - removeStart) / 1000), detail: firstLine(describeError(e).message) };
        report.leftBehind = `stack ${stack.name} is empty but not removed: run \`pulumi stack rm ${stack.name} --yes\``;
    }
}
