/** `run`: start an execution, and with `--follow` stream its task's logs until it ends. */
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DescribeMapRunCommand } from "@aws-sdk/client-sfn";
import { Clients, eventsAfter, formatShardCounts } from "./aws";
import { applyEvents, EMPTY_VIEW, formatDuration, RunTaskInfo, RunView, verdict } from "./history";
import { Io } from "./io";
import { StateMachine } from "./jobs";
import { LogLocations, LogStream } from "./logs";
import { describeError } from "./errors";

export const DEFAULT_POLL_MS = 2000;
export const DEFAULT_PROGRESS_MS = 30000;

/** A run's execution name: `run-<UTC time>-<random>`, unique, sortable, within the 80 characters allowed. */
export function runName(now: Date, random: string): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    return `run-${stamp}-${random.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}`;
}

/** The Step Functions console page of an execution (as the runner's alerts link it). */
export function executionLink(executionArn: string): string {
    const region = executionArn.split(":")[3];
    return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The name at the end of an execution ARN. */
export function runNameOf(executionArn: string): string {
    return executionArn.split(":").pop() ?? executionArn;
}

export async function runCommand(io: Io, clients: Clients, stateMachine: StateMachine, input: string, follow: boolean): Promise<number> {
    const name = runName(io.now(), io.random());
    const started = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachine.arn, name, input }));
    const executionArn = started.executionArn!;
    io.err(`Started run ${name} of ${stateMachine.name}: ${executionLink(executionArn)}`);
    if (!follow) {
        io.out(executionArn);
        return 0;
    }
    return followRun(io, clients, executionArn);
}

/**
 * Follows an execution until it ends: its steps on stderr, its task's log lines on stdout. A
 * sharded run's tasks are its shards': the shards' counts are printed as they change, at most
 * once per progress interval.
 */
export async function followRun(io: Io, clients: Clients, executionArn: string): Promise<number> {
    const pollMs = io.pollMs ?? DEFAULT_POLL_MS;
    const progressMs = io.progressMs ?? DEFAULT_PROGRESS_MS;
    const locations = new LogLocations(clients.ecs);
    const startedAt = io.now().getTime();
    let view: RunView = EMPTY_VIEW;
    let task: RunTaskInfo | undefined;
    let stream: LogStream | undefined;
    let quietSince = startedAt;
    let shards = { checked: -Infinity, text: "" };
    const print = async () => {
        const lines = stream ? await stream.read() : [];
        lines.forEach((l) => io.out(l));
        if (lines.length > 0) {
            quietSince = io.now().getTime();
        }
    };
    for (;;) {
        const applied = applyEvents(view, await eventsAfter(clients.sfn, executionArn, view.lastEventId));
        view = applied.view;
        applied.notes.forEach((n) => io.err(n));
        if (applied.notes.length > 0) {
            quietSince = io.now().getTime();
        }
        const latest = view.tasks[view.tasks.length - 1];
        if (latest && latest !== task) {
            // A new attempt: finish the previous task's stream, then read the new one.
            await print();
            task = latest;
            stream = await openStream(io, clients, locations, latest);
        }
        await print();
        if (view.mapRunArn && io.now().getTime() - shards.checked >= progressMs) {
            shards = await shardProgress(io, clients, view.mapRunArn, shards.text);
            quietSince = io.now().getTime();
        }
        if (view.status) {
            // The awslogs driver delivers the last lines a few seconds after the task stops.
            if (stream) {
                await io.sleep(pollMs);
                await print();
            }
            break;
        }
        const now = io.now().getTime();
        if (now - quietSince >= progressMs) {
            io.err(progress(task, stream, formatDuration(now - (view.started?.getTime() ?? startedAt))));
            quietSince = now;
        }
        await io.sleep(pollMs);
    }
    const duration = formatDuration((view.stopped?.getTime() ?? io.now().getTime()) - (view.started?.getTime() ?? startedAt));
    const result = verdict(runNameOf(executionArn), view, duration);
    io.err(result.line);
    return result.exitCode;
}

async function openStream(io: Io, clients: Clients, locations: LogLocations, task: RunTaskInfo): Promise<LogStream | undefined> {
    if (!task.taskDefinitionArn) {
        io.err(`Task ${task.taskId}: its task definition is not in the history, so its logs cannot be found; following the run without them.`);
        return undefined;
    }
    try {
        const where = await locations.of(task.taskDefinitionArn);
        return new LogStream(clients.logs, where.group, `${where.streamPrefix}/${task.taskId}`);
    } catch (e) {
        io.err(`Task ${task.taskId}: its logs cannot be found (${describeError(e).message}); following the run without them.`);
        return undefined;
    }
}

/** Prints a sharded run's counts when they changed; a caller who may not read them is told once. */
async function shardProgress(io: Io, clients: Clients, mapRunArn: string, last: string): Promise<{ checked: number; text: string }> {
    let text: string;
    try {
        text = formatShardCounts((await clients.sfn.send(new DescribeMapRunCommand({ mapRunArn })))?.executionCounts);
    } catch (e) {
        text = `Shard counts cannot be read (${describeError(e).message}).`;
    }
    if (text && text !== last) {
        io.err(text.startsWith("Shard counts") ? text : `Shards: ${text}.`);
    }
    return { checked: io.now().getTime(), text: text || last };
}

function progress(task: RunTaskInfo | undefined, stream: LogStream | undefined, elapsed: string): string {
    if (!task) {
        return `Still waiting for a task (${elapsed})…`;
    }
    if (stream && !stream.started) {
        return `Task ${task.taskId} is still provisioning (${elapsed})…`;
    }
    return `Task ${task.taskId} is running, no new output (${elapsed})…`;
}
