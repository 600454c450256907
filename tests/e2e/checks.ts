/**
 * The seven checks of the end-to-end test, each a promise the README makes, tested against the
 * deployed stack. Each returns a one-line detail when the promise holds and throws CheckFailure
 * (or CheckTimeout, through its bounded waits) with what was seen when it does not; each can
 * fail, and tests/e2e.test.ts shows each failing on its bad case.
 */
import { createHash } from "crypto";
import { DescribeServicesCommand, DescribeTasksCommand, Deployment, ListTasksCommand, Service } from "@aws-sdk/client-ecs";
import { ListExecutionsCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { ConfirmSubscriptionCommand, GetSubscriptionAttributesCommand, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { eventsAfter } from "../../cli/aws";
import { describeError } from "../../cli/errors";
import { applyEvents, EMPTY_VIEW, RUN_ERRORS, RunView } from "../../cli/history";
import { Io } from "../../cli/io";
import { resolveJob } from "../../cli/jobs";
import { followRun, runCommand } from "../../cli/run";
import { CheckFailure, Deadline, sleepWithin, waitFor, withinDeadline } from "./wait";
import { E2eClients, E2eStack, World } from "./world";

/** The job name the command line finds the program's runner by (docs/batch-cli.md). */
export const BATCH_JOB = "export";

/** What the checks share: the deployed stack, its outputs and configuration, and the clients. */
export interface CheckContext extends Deadline {
    readonly world: World;
    readonly stack: E2eStack;
    readonly clients: E2eClients;
    readonly region: string;
    readonly outputs: Record<string, unknown>;
    /** The stack's configuration (namespaced keys to values); checks that change it update it here. */
    readonly config: Record<string, unknown>;
    readonly settings: CheckSettings;
    progress(line: string): void;
}

/** The figures the checks compare against, from the model and the e2e stack's configuration. */
export interface CheckSettings {
    /** The web service's health check path. */
    readonly healthPath: string;
    /** The modeled rolling deploy time (components/deployTime.ts), in seconds. */
    readonly modeledDeploySeconds: number;
    /** The batch timeout the e2e stack runs with, in seconds. */
    readonly batchTimeoutSeconds: number;
    /** How often the checks poll AWS, in milliseconds. */
    readonly pollMs: number;
}

export interface Check {
    readonly id: number;
    readonly name: string;
    /** The check's own time budget, in milliseconds. */
    timeoutMs(settings: CheckSettings): number;
    run(ctx: CheckContext): Promise<string>;
}

const MINUTE = 60_000;
const seconds = (ms: number) => Math.round(ms / 1000);

function output(ctx: CheckContext, name: string): string {
    const value = ctx.outputs[name];
    if (typeof value !== "string" || value === "") {
        throw new CheckFailure(`the stack has no output "${name}" (outputs: ${Object.keys(ctx.outputs).join(", ") || "none"})`);
    }
    return value;
}

async function describeService(ctx: CheckContext, include?: "TAGS"[]): Promise<Service> {
    const response = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster: output(ctx, "clusterName"), services: [output(ctx, "serviceName")], ...(include ? { include } : {}) }));
    const service = response.services?.[0];
    if (!service) {
        throw new CheckFailure(`ECS does not know service ${output(ctx, "serviceName")} in cluster ${output(ctx, "clusterName")}`);
    }
    return service;
}

const primaryOf = (service: Service): Deployment | undefined => service.deployments?.find((d) => d.status === "PRIMARY");
const describeDeployments = (service: Service) => (service.deployments ?? []).map((d) => `${d.id} ${d.status} ${d.rolloutState ?? ""}`.trim()).join(", ") || "none";

/** A namespaced object key of the configuration with `path` (dot-separated) set to `value`. */
export function withConfigValue(config: Record<string, unknown>, key: string, path: string, value: unknown): Record<string, unknown> {
    const root = structuredClone((config[key] ?? {}) as Record<string, unknown>);
    const parts = path.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
        node[part] = typeof node[part] === "object" && node[part] !== null ? node[part] : {};
        node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
    return root;
}

async function setConfig(ctx: CheckContext, key: string, path: string, value: unknown): Promise<void> {
    const updated = withConfigValue(ctx.config, key, path, value);
    await ctx.stack.setConfig(key, updated);
    ctx.config[key] = updated;
}

/**
 * 1. The site answers on its health path, and ECS took no longer than the modeled deploy time to
 * complete the service's deployment. `up` waited for the service's steady state, so the site
 * must answer within a few polls; the model's time is measured where ECS measured it, from the
 * deployment's creation to its COMPLETED rollout, bake included (a first deployment has no old
 * tasks to drain or stop, so it should take less than the model; more means the model's task
 * start, an assumption, or its bake does not hold).
 */
export const siteAnswers: Check = {
    id: 1,
    name: "the url answers HTTP 200 on the health path, and ECS completed the deployment within the modeled deploy time",
    // ECS marks a deployment COMPLETED only after its alarms' bake, which `up`'s wait for steady
    // state does not include: wait as long as the model allows, and a minute more.
    timeoutMs: (s) => Math.max(5 * MINUTE, (s.modeledDeploySeconds + 60) * 1000),
    async run(ctx) {
        const target = new URL(ctx.settings.healthPath, output(ctx, "url")).toString();
        const start = ctx.clock.now();
        await waitFor(ctx, `HTTP 200 from ${target}`, ctx.settings.pollMs, async () => {
            try {
                const status = await ctx.world.httpStatus(target, 10_000);
                return status === 200 ? { value: status, seen: "200" } : { seen: `HTTP ${status}` };
            } catch (e) {
                return { seen: describeError(e).message };
            }
        });
        const waited = seconds(ctx.clock.now() - start);
        const primary = await waitFor(ctx, `ECS to mark the deployment of ${output(ctx, "serviceName")} COMPLETED`, ctx.settings.pollMs, async () => {
            const service = await describeService(ctx);
            const p = primaryOf(service);
            return p?.rolloutState === "COMPLETED" && p.createdAt && p.updatedAt ? { value: p, seen: "COMPLETED" } : { seen: describeDeployments(service) };
        });
        const measured = seconds(primary.updatedAt!.getTime() - primary.createdAt!.getTime());
        const modeled = ctx.settings.modeledDeploySeconds;
        if (measured > modeled) {
            throw new CheckFailure(`ECS took ${measured} s to complete deployment ${primary.id} (created to COMPLETED), longer than the modeled ${modeled} s: the model's figures do not hold here`);
        }
        return `HTTP 200 from ${target} after ${waited} s; ECS completed deployment ${primary.id} in ${measured} s, within the modeled ${modeled} s`;
    },
};

/** A batch run as the command line starts and follows it. */
export interface BatchRun {
    readonly executionArn: string;
    readonly name: string;
    readonly view: RunView;
    /** The task's log lines, as `--follow` printed them. */
    readonly lines: readonly string[];
}

/**
 * Starts a run of the program's batch job with the command line's own modules (`run`, then
 * `--follow`), bounded by the check's deadline; stops the execution if the check gives up on it.
 */
export async function batchRun(ctx: CheckContext, input: Record<string, unknown>): Promise<BatchRun> {
    const stateMachine = resolveJob(BATCH_JOB, ctx.outputs);
    // The job's concurrency is 1 and ListExecutions is eventually consistent: a run started while
    // the previous one still shows RUNNING would end Batch.Skipped.
    await waitFor(ctx, `ListExecutions to show no running run of ${stateMachine.name}`, ctx.settings.pollMs, async () => {
        const running = (await ctx.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachine.arn, statusFilter: "RUNNING" }))).executions ?? [];
        return running.length === 0 ? { value: true, seen: "none" } : { seen: `running: ${running.map((e) => e.name).join(", ")}` };
    });
    const lines: string[] = [];
    let executionArn: string | undefined;
    const io: Io = {
        clients: () => ctx.clients,
        out: (line) => {
            if (executionArn === undefined) {
                executionArn = line;
            } else {
                lines.push(line);
                ctx.progress(`  | ${line}`);
            }
        },
        err: (line) => ctx.progress(`  ${line}`),
        now: () => new Date(ctx.clock.now()),
        sleep: (ms) => sleepWithin(ctx, ms, () => `timed out following run ${executionArn ?? "(not started)"}`),
        random: () => ctx.world.random(),
        readFile: () => {
            throw new Error("not used");
        },
        readStdin: async () => "",
        pollMs: ctx.settings.pollMs,
    };
    await runCommand(io, ctx.clients, stateMachine, JSON.stringify(input), false);
    if (executionArn === undefined) {
        throw new CheckFailure("the run command did not print the started execution's ARN");
    }
    const arn = executionArn;
    let ended = false;
    try {
        await followRun(io, ctx.clients, arn);
        const view = applyEvents(EMPTY_VIEW, await eventsAfter(ctx.clients.sfn, arn, 0)).view;
        ended = view.status !== undefined;
        return { executionArn: arn, name: arn.split(":").pop() ?? arn, view, lines };
    } finally {
        if (!ended) {
            // Leave nothing running: stopping a runTask.sync execution stops its task.
            await ctx.clients.sfn.send(new StopExecutionCommand({ executionArn: arn, error: "E2E.Abandoned", cause: "The end-to-end check gave up on this run." })).catch(() => undefined);
        }
    }
}

const describeRun = (run: BatchRun) => `${run.view.status ?? "still running"}${run.view.error ? ` ${run.view.error}` : ""}`;

/** 2. A run started with the command line succeeds, and its log stream has the container's output. */
export const batchSucceeds: Check = {
    id: 2,
    name: "a batch run started with the command line succeeds and its logs have the container's output",
    timeoutMs: () => 10 * MINUTE,
    async run(ctx) {
        const marker = `e2e-output-${ctx.world.random()}`;
        const run = await batchRun(ctx, { command: [`echo ${marker}`] });
        if (run.view.status !== "SUCCEEDED") {
            throw new CheckFailure(`run ${run.name} ended ${describeRun(run)}, not SUCCEEDED: ${run.view.cause ?? "no cause given"}`);
        }
        if (!run.lines.some((l) => l.includes(marker))) {
            throw new CheckFailure(`run ${run.name} succeeded, but its log stream does not have the container's output "${marker}" (${run.lines.length} lines read)`);
        }
        return `run ${run.name} SUCCEEDED; its log stream has "${marker}"`;
    },
};

/** An SQS queue subscribed to a topic, to see what the topic publishes. */
interface Listener {
    readonly queueUrl: string;
    readonly subscriptionArn: string;
}

/** A queue policy that lets exactly `topicArn` send to `queueArn`. */
export function queuePolicy(queueArn: string, topicArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "AlertsTopic", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn, Condition: { ArnEquals: { "aws:SourceArn": topicArn } } }],
    });
}

/** The notification in an SQS message body: raw (the message itself) or SNS's JSON envelope. */
export function notificationOf(body: string): { type: string; message: string; token?: string } {
    try {
        const envelope = JSON.parse(body);
        if (envelope && typeof envelope === "object" && typeof envelope.Type === "string" && typeof envelope.Message === "string") {
            return { type: envelope.Type, message: envelope.Message, ...(typeof envelope.Token === "string" ? { token: envelope.Token } : {}) };
        }
    } catch {
        // Raw delivery: the body is the message as published.
    }
    return { type: "Notification", message: body };
}

async function listen(ctx: CheckContext, topicArn: string, name: string, created: { listener?: Partial<Listener> }): Promise<Listener> {
    const { sqs, sns } = ctx.clients;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: "3600" } }))).QueueUrl!;
    created.listener = { queueUrl };
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: queuePolicy(queueArn, topicArn) } }));
    const subscriptionArn = (await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "true" }, ReturnSubscriptionArn: true }))).SubscriptionArn!;
    created.listener = { queueUrl, subscriptionArn };
    // Same-account SQS subscriptions are usually confirmed at once; confirm one that is not.
    await waitFor(ctx, `the subscription of queue ${name} to the alerts topic to be confirmed`, ctx.settings.pollMs, async () => {
        const attributes = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).Attributes ?? {};
        if (attributes.PendingConfirmation === "false") {
            return { value: true, seen: "confirmed" };
        }
        for (const m of (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? []) {
            const n = notificationOf(m.Body ?? "");
            if (n.type === "SubscriptionConfirmation" && n.token) {
                await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: n.token }));
            }
            await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
        return { seen: "pending confirmation" };
    });
    return { queueUrl, subscriptionArn };
}

async function stopListening(ctx: CheckContext, listener: Partial<Listener>): Promise<void> {
    if (listener.subscriptionArn) {
        await ctx.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: listener.subscriptionArn })).catch((e) => ctx.progress(`could not delete subscription ${listener.subscriptionArn}: ${describeError(e).message}`));
    }
    if (listener.queueUrl) {
        await ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: listener.queueUrl })).catch((e) => ctx.progress(`could not delete queue ${listener.queueUrl}: ${describeError(e).message}`));
    }
}

/**
 * The input that makes a run fail with exit code 3. The program's batch container has the entry
 * point `/bin/sh -c`, so the command is one shell string: `["sh", "-c", "exit 3"]` would run `sh`
 * alone (with `-c` and `exit 3` as its `$0` and `$1`), which exits 0.
 */
export const FAILING_INPUT = { command: ["exit 3"] };

/** 3. A failing run ends Batch.ContainerFailed, and the alert names the exit code. */
export const failureAlerts: Check = {
    id: 3,
    name: "a failing run ends Batch.ContainerFailed and its alert names exit code 3",
    timeoutMs: () => 15 * MINUTE,
    async run(ctx) {
        const topicArn = output(ctx, "alertTopicArn");
        const created: { listener?: Partial<Listener> } = {};
        try {
            const listener = await listen(ctx, topicArn, `${ctx.stack.name}-alerts`.slice(0, 80), created);
            const run = await batchRun(ctx, FAILING_INPUT);
            if (run.view.status !== "FAILED" || run.view.error !== RUN_ERRORS.containerFailed) {
                throw new CheckFailure(`run ${run.name} ended ${describeRun(run)}, not FAILED ${RUN_ERRORS.containerFailed}`);
            }
            const alert = await waitFor(ctx, `the alert of run ${run.name} on queue ${listener.queueUrl}`, 1000, async () => {
                const messages = (await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: listener.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }))).Messages ?? [];
                const found = messages.map((m) => notificationOf(m.Body ?? "").message).find((m) => m.includes(run.name));
                return found === undefined ? { seen: `${messages.length} other message(s)` } : { value: found, seen: "the alert" };
            });
            if (!/Exit code of the main container: 3\b/.test(alert)) {
                const line = alert.split("\n").find((l) => l.startsWith("Exit code")) ?? "no exit code line";
                throw new CheckFailure(`the alert of run ${run.name} does not name exit code 3 (${line})`);
            }
            return `run ${run.name} FAILED ${RUN_ERRORS.containerFailed}; the alert reached the topic and says "Exit code of the main container: 3"`;
        } finally {
            if (created.listener) {
                await stopListening(ctx, created.listener);
            }
        }
    },
};

/** RunTask's startedBy for a run: the runner tags each task with the MD5 of the execution name. */
export const startedByOf = (runName: string) => createHash("md5").update(runName).digest("hex");

/** 4. A run past its timeout ends Batch.TimedOut, not as a crash, and its task is stopped. */
export const timeoutStops: Check = {
    id: 4,
    name: "a run past its timeout ends Batch.TimedOut and its task is stopped",
    timeoutMs: (s) => s.batchTimeoutSeconds * 1000 + 10 * MINUTE,
    async run(ctx) {
        const run = await batchRun(ctx, { command: [`sleep ${ctx.settings.batchTimeoutSeconds * 5}`] });
        if (run.view.status !== "FAILED" || run.view.error !== RUN_ERRORS.timedOut) {
            throw new CheckFailure(`run ${run.name} ended ${describeRun(run)}, not FAILED ${RUN_ERRORS.timedOut}`);
        }
        const cluster = output(ctx, "clusterName");
        let tasks = run.view.tasks.map((t) => t.taskArn);
        if (tasks.length === 0) {
            tasks = (await ctx.clients.ecs.send(new ListTasksCommand({ cluster, startedBy: startedByOf(run.name), desiredStatus: "STOPPED" }))).taskArns ?? [];
        }
        if (tasks.length === 0) {
            throw new CheckFailure(`run ${run.name} timed out, but no task of it is found (history or ListTasks startedBy)`);
        }
        const stopped = await waitFor(ctx, `the task(s) of run ${run.name} to stop`, ctx.settings.pollMs, async () => {
            const found = (await ctx.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks }))).tasks ?? [];
            const seen = found.map((t) => `${t.taskArn?.split("/").pop()} desired ${t.desiredStatus} last ${t.lastStatus}`).join(", ") || "no task described";
            return found.length === tasks.length && found.every((t) => t.desiredStatus === "STOPPED" && t.lastStatus === "STOPPED") ? { value: found, seen } : { seen };
        });
        // The runner's StopTask reason, not the task ending by itself (its sleep outlasts the check).
        const expected = `Timed out after ${ctx.settings.batchTimeoutSeconds} s (run ${run.name})`;
        const other = stopped.find((t) => t.stoppedReason !== expected);
        if (other) {
            throw new CheckFailure(`task ${other.taskArn?.split("/").pop()} of run ${run.name} stopped, but not by the runner: its reason is "${other.stoppedReason ?? "none"}" (stop code ${other.stopCode ?? "none"}), not "${expected}"`);
        }
        return `run ${run.name} FAILED ${RUN_ERRORS.timedOut}; ${stopped.length} task(s) STOPPED by the runner ("${expected}")`;
    },
};

/** The sharding the e2e stack turns on for check 5: three shards, all at once. */
export const SHARDED_BATCH = { command: ["echo shard $SHARD_INDEX of $SHARD_COUNT"], parallel: { shards: 3, maxConcurrent: 3 } } as const;

/** The input of check 5's run: shard 1 of 3 exits 3 (one shell string, as FAILING_INPUT), the others succeed. */
export const FAILING_SHARD_INPUT = { command: ['if [ "$SHARD_INDEX" = 1 ]; then exit 3; fi; echo shard $SHARD_INDEX of $SHARD_COUNT'] };

/** How long check 5 keeps reading the topic after the run's alert, to see that it is the only one. */
export const SECOND_ALERT_WINDOW_MS = 60_000;

/**
 * 5. A sharded run with one failing shard ends Batch.ShardsFailed with one alert, which names that
 * shard and its exit code, and no other.
 */
export const shardedFailureAlerts: Check = {
    id: 5,
    name: "a run of 3 shards whose shard 1 exits 3 ends Batch.ShardsFailed with one alert naming shard 1 and exit code 3",
    timeoutMs: () => 25 * MINUTE,
    async run(ctx) {
        await setConfig(ctx, "fargate-workloads:batch", "command", [...SHARDED_BATCH.command]);
        await setConfig(ctx, "fargate-workloads:batch", "parallel", { ...SHARDED_BATCH.parallel });
        ctx.progress("pulumi up with batch.parallel (3 shards)…");
        await withinDeadline(ctx, "pulumi up (batch.parallel)", (signal) => ctx.stack.up(signal));
        const topicArn = output(ctx, "alertTopicArn");
        const created: { listener?: Partial<Listener> } = {};
        try {
            const listener = await listen(ctx, topicArn, `${ctx.stack.name}-shards`.slice(0, 80), created);
            const run = await batchRun(ctx, FAILING_SHARD_INPUT);
            if (run.view.status !== "FAILED" || run.view.error !== RUN_ERRORS.shardsFailed) {
                throw new CheckFailure(`run ${run.name} ended ${describeRun(run)}, not FAILED ${RUN_ERRORS.shardsFailed}`);
            }
            const alerts: string[] = [];
            const receive = async () => {
                const messages = (await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: listener.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }))).Messages ?? [];
                alerts.push(...messages.map((m) => notificationOf(m.Body ?? "").message).filter((m) => m.includes(run.name)));
                return messages.length;
            };
            await waitFor(ctx, `the alert of run ${run.name} on queue ${listener.queueUrl}`, 1000, async () => {
                const read = await receive();
                return alerts.length > 0 ? { value: true, seen: "the alert" } : { seen: `${read} other message(s)` };
            });
            // One alert a run: keep reading for a while, for a second one (one a shard would come now).
            const until = ctx.clock.now() + SECOND_ALERT_WINDOW_MS;
            while (ctx.clock.now() < until) {
                await receive();
                await sleepWithin(ctx, 1000, () => `timed out reading the alerts of run ${run.name}`);
            }
            if (alerts.length !== 1) {
                throw new CheckFailure(`run ${run.name} sent ${alerts.length} alerts, not one: ${alerts.map((a) => a.split("\n")[0]).join(" | ")}`);
            }
            const shardLines = alerts[0].split("\n").filter((l) => l.startsWith("Shard "));
            if (!/ 1 of 3 shards failed\b/.test(alerts[0].split("\n")[0]) || shardLines.length !== 1 || !shardLines[0].startsWith("Shard 1: failed. Exit code: 3.")) {
                throw new CheckFailure(`the alert of run ${run.name} does not name shard 1 alone with exit code 3 (${alerts[0].split("\n")[0]}; ${shardLines.join(" | ") || "no shard line"})`);
            }
            return `run ${run.name} FAILED ${RUN_ERRORS.shardsFailed}; one alert, naming "${shardLines[0].split(". Stop code")[0]}"`;
        } finally {
            if (created.listener) {
                await stopListening(ctx, created.listener);
            }
        }
    },
};

/**
 * 6. Changing only the stack's tags starts no new deployment: the services send
 * `forceNewDeployment` with every update (a capacity change needs it), and the provider leaves
 * tags out of UpdateService, so a tags-only update must not deploy.
 */
export const scalingKeepsDeployment: Check = {
    id: 6,
    name: "changing only the owner tag starts no new deployment",
    timeoutMs: () => 20 * MINUTE,
    async run(ctx) {
        const before = await describeService(ctx);
        const primary = primaryOf(before);
        const owner = `e2e-${ctx.clock.now()}`;
        await ctx.stack.setConfig("fargate-workloads:owner", owner);
        ctx.config["fargate-workloads:owner"] = owner;
        ctx.progress("pulumi up with a new owner tag…");
        await withinDeadline(ctx, "pulumi up (owner tag)", (signal) => ctx.stack.up(signal));
        const after = await describeService(ctx, ["TAGS"]);
        const now = primaryOf(after);
        const tag = after.tags?.find((t) => t.key === "owner")?.value;
        if (tag !== owner) {
            throw new CheckFailure(`the service's owner tag is ${tag ?? "absent"} after the update, not ${owner}: the update did not reach it`);
        }
        if (!primary || !now || now.id !== primary.id || (after.deployments ?? []).length !== 1) {
            throw new CheckFailure(`changing only the tags started a new deployment: PRIMARY was ${primary?.id ?? "none"}, is now ${now?.id ?? "none"} (deployments: ${describeDeployments(after)})`);
        }
        return `owner tag ${owner}; still one deployment, ${now.id}`;
    },
};

/** The configuration that deploys a web task which never passes its health check: the app listens on another port. */
export const UNHEALTHY_WEB = { key: "fargate-workloads:web", path: "environment.ASPNETCORE_HTTP_PORTS", value: "8081" } as const;

/** 7. A deploy that fails its health checks rolls back, and `up` reports the failure. */
export const badDeployRollsBack: Check = {
    id: 7,
    name: "a deploy that fails its health check rolls back and up reports the failure",
    timeoutMs: () => 40 * MINUTE,
    async run(ctx) {
        const before = await describeService(ctx);
        const previous = before.taskDefinition;
        await setConfig(ctx, UNHEALTHY_WEB.key, UNHEALTHY_WEB.path, UNHEALTHY_WEB.value);
        ctx.progress(`pulumi up with web.${UNHEALTHY_WEB.path}=${UNHEALTHY_WEB.value} (the app stops listening on the health-checked port); expected to fail…`);
        let upError: string | undefined;
        try {
            await withinDeadline(ctx, "pulumi up (unhealthy web task)", (signal) => ctx.stack.up(signal));
        } catch (e) {
            if ((e as Error).name === "CheckTimeout" || (e as Error).name === "Interrupted") {
                throw e;
            }
            // The Automation API's error holds the whole output: keep the line that says why.
            const lines = String((e as Error)?.message ?? e).split("\n").map((l) => l.trim()).filter((l) => l !== "");
            upError = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? "no message";
        }
        if (upError === undefined) {
            throw new CheckFailure("pulumi up succeeded with a task that fails its health check: the failed deploy was not reported");
        }
        const service = await waitFor(ctx, `service ${output(ctx, "serviceName")} to roll back to ${previous}`, ctx.settings.pollMs, async () => {
            const s = await describeService(ctx);
            const p = primaryOf(s);
            const seen = `task definition ${s.taskDefinition}; deployments: ${describeDeployments(s)}`;
            return p?.taskDefinition === previous && p?.rolloutState === "COMPLETED" && (s.deployments ?? []).length === 1 ? { value: s, seen } : { seen };
        });
        const rollback = (service.events ?? []).find((e) => /circuit breaker|roll(ing|ed)? ?back/i.test(e.message ?? ""))?.message;
        return `up failed (${upError.slice(0, 200)}); the service is back on ${previous}${rollback ? `; ECS: "${rollback}"` : ""}`;
    },
};

export const CHECKS: readonly Check[] = [siteAnswers, batchSucceeds, failureAlerts, timeoutStops, shardedFailureAlerts, scalingKeepsDeployment, badDeployRollsBack];

