/**
 * What a run did, read from its execution history alone: ECS forgets a stopped task within
 * about an hour, the history keeps it for 90 days. Pure functions over `HistoryEvent`s.
 *
 * The names below are the runner's (components/batchRunner.ts); they are repeated here so the
 * command does not load Pulumi, and tests/cli.test.ts fails if the two drift apart.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";

/** The runner's states the command recognises in a history. */
export const RUNNER_STATES = {
    run: "RunTask",
    runOnDemand: "RunTaskOnDemand",
    waitRetry: "WaitBeforeRetry",
    capacity: "CapacityExhausted",
    findTimedOut: "FindTimedOutTask",
} as const;

/** The errors a runner's failed execution ends with. */
export const RUN_ERRORS = {
    containerFailed: "Batch.ContainerFailed",
    timedOut: "Batch.TimedOut",
    capacityUnavailable: "Batch.CapacityUnavailable",
    runTaskFailed: "Batch.RunTaskFailed",
    /** The run's input was refused before any task started. */
    invalidInput: "Batch.InvalidInput",
    /** A run that ended at once because another run of the job was still running. */
    skipped: "Batch.Skipped",
    /** A sharded run: more shards failed than tolerated, or its shards could not run. */
    shardsFailed: "Batch.ShardsFailed",
} as const;

/** The errors of `ecs:runTask.sync` that mean "no Fargate capacity now" (the runner retries them). */
export const CAPACITY_ERRORS: readonly string[] = ["ECS.AmazonECSException", "AmazonECS.Unknown"];

/** One task the run started: one attempt, or its on-demand fallback. */
export interface RunTaskInfo {
    readonly taskArn: string;
    readonly taskId: string;
    readonly taskDefinitionArn?: string;
    readonly attempt: number;
    readonly onDemand: boolean;
}

export type FinalStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** A run as its history tells it so far. */
export interface RunView {
    readonly lastEventId: number;
    readonly state?: string;
    readonly attempt: number;
    readonly tasks: readonly RunTaskInfo[];
    readonly status?: FinalStatus;
    readonly error?: string;
    readonly cause?: string;
    /** When the execution started, and when it ended (the last terminal event). */
    readonly started?: Date;
    readonly stopped?: Date;
    /** A sharded run's Map Run: its shards are child executions, with tasks and histories of their own. */
    readonly mapRunArn?: string;
}

export const EMPTY_VIEW: RunView = { lastEventId: 0, attempt: 1, tasks: [] };

/** The task a `TaskSubmitted` event of `ecs:runTask.sync` carries (RunTask's response), if any. */
export function submittedTask(event: HistoryEvent): { taskArn: string; taskDefinitionArn?: string } | undefined {
    const details = event.taskSubmittedEventDetails;
    if (event.type !== "TaskSubmitted" || details?.resourceType !== "ecs" || !details.resource?.startsWith("runTask") || !details.output) {
        return undefined;
    }
    let response: any;
    try {
        response = JSON.parse(details.output);
    } catch {
        return undefined;
    }
    const task = (response?.Tasks ?? response?.tasks ?? [])[0];
    const taskArn = task?.TaskArn ?? task?.taskArn;
    if (typeof taskArn !== "string") {
        return undefined;
    }
    const taskDefinitionArn = task?.TaskDefinitionArn ?? task?.taskDefinitionArn;
    return { taskArn, ...(typeof taskDefinitionArn === "string" ? { taskDefinitionArn } : {}) };
}

/** The id at the end of a task ARN (`arn:...:task/<cluster>/<id>`). */
export function taskIdOf(taskArn: string): string {
    return taskArn.split("/").pop() ?? taskArn;
}

const isRunState = (state: string | undefined) => state === RUNNER_STATES.run || state === RUNNER_STATES.runOnDemand;

/**
 * Applies `events` (oldest first) to `view`; returns the new view and a line for each step a
 * person watching the run would want to know about.
 */
export function applyEvents(view: RunView, events: readonly HistoryEvent[]): { view: RunView; notes: string[] } {
    const notes: string[] = [];
    let v = view;
    for (const event of events) {
        if (event.id === undefined || event.id <= v.lastEventId) {
            continue;
        }
        v = { ...v, lastEventId: event.id };
        if (event.type === "ExecutionStarted" && event.timestamp) {
            v = { ...v, started: event.timestamp };
        }
        if (/^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(event.type ?? "") && event.timestamp) {
            v = { ...v, stopped: event.timestamp };
        }
        const mapRunArn = event.mapRunStartedEventDetails?.mapRunArn;
        if (event.type === "MapRunStarted" && mapRunArn) {
            v = { ...v, mapRunArn };
            notes.push(`The run's shards are starting (Map Run ${mapRunArn}).`);
            continue;
        }
        const entered = event.stateEnteredEventDetails?.name;
        if (entered !== undefined && event.type?.endsWith("StateEntered")) {
            if (entered === RUNNER_STATES.waitRetry) {
                v = { ...v, attempt: v.attempt + 1 };
                notes.push(`Attempt ${v.attempt - 1} failed; attempt ${v.attempt} starts after the retry wait.`);
            } else if (entered === RUNNER_STATES.capacity) {
                notes.push("No Fargate Spot capacity after every retry: falling back to on-demand Fargate.");
            } else if (entered === RUNNER_STATES.findTimedOut) {
                notes.push("The attempt ran past its timeout: the runner looks for its task to stop it.");
            } else if (isRunState(entered)) {
                notes.push(`Starting the task (attempt ${v.attempt}${entered === RUNNER_STATES.runOnDemand ? ", on-demand" : ""})…`);
            }
            v = { ...v, state: entered };
            continue;
        }
        const task = submittedTask(event);
        if (task && isRunState(v.state)) {
            const info: RunTaskInfo = { ...task, taskId: taskIdOf(task.taskArn), attempt: v.attempt, onDemand: v.state === RUNNER_STATES.runOnDemand };
            v = { ...v, tasks: [...v.tasks, info] };
            notes.push(`Task ${info.taskId} is provisioning (attempt ${info.attempt})…`);
            continue;
        }
        const failed = event.taskFailedEventDetails;
        if (event.type === "TaskFailed" && isRunState(v.state) && failed?.error && CAPACITY_ERRORS.includes(failed.error)) {
            notes.push(`No Fargate capacity yet (${failed.error}); the runner retries.`);
            continue;
        }
        switch (event.type) {
            case "ExecutionSucceeded":
                v = { ...v, status: "SUCCEEDED" };
                break;
            case "ExecutionFailed":
                v = { ...v, status: "FAILED", error: event.executionFailedEventDetails?.error, cause: event.executionFailedEventDetails?.cause };
                break;
            case "ExecutionTimedOut":
                v = { ...v, status: "TIMED_OUT", error: event.executionTimedOutEventDetails?.error, cause: event.executionTimedOutEventDetails?.cause };
                break;
            case "ExecutionAborted":
                v = { ...v, status: "ABORTED", error: event.executionAbortedEventDetails?.error, cause: event.executionAbortedEventDetails?.cause };
                break;
            case "ExecutionRedriven":
                // A redriven run goes on from its failed state: it is running again.
                v = { ...v, status: undefined, error: undefined, cause: undefined, stopped: undefined };
                notes.push("The run was redriven: it goes on from its failed state.");
                break;
        }
    }
    return { view: v, notes };
}

/** The first line of a cause, cut to `max` characters. */
export function firstLine(text: string | undefined, max = 160): string {
    const line = (text ?? "").split("\n")[0].trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** True when a failed run ended as skipped (another run was still running). */
export function isSkipped(status: string | undefined, error: string | undefined): boolean {
    return status === "FAILED" && error === RUN_ERRORS.skipped;
}

/** The sentence that ends a run's report, and the exit code that goes with it. */
export function verdict(name: string, view: Pick<RunView, "status" | "error" | "cause" | "tasks" | "mapRunArn">, duration: string): { line: string; exitCode: number } {
    const reason = [view.error, firstLine(view.cause)].filter((s) => s).join(": ");
    // A sharded run's tasks are its shards', in their own histories.
    const noTask = view.tasks.length === 0 && view.mapRunArn === undefined ? " No task was started for this run." : "";
    switch (view.status) {
        case "SUCCEEDED":
            return { line: `Run ${name} succeeded in ${duration}.`, exitCode: 0 };
        case "FAILED":
            if (isSkipped(view.status, view.error)) {
                return { line: `Run ${name} was skipped: ${firstLine(view.cause) || "another run of the job was still running"}.`, exitCode: 3 };
            }
            if (view.error === RUN_ERRORS.timedOut) {
                return { line: `Run ${name} timed out after ${duration} (${reason}).${noTask}`, exitCode: 1 };
            }
            if (view.error === RUN_ERRORS.capacityUnavailable) {
                return { line: `Run ${name} failed: no Fargate capacity (${reason}).${noTask}`, exitCode: 1 };
            }
            return { line: `Run ${name} failed after ${duration} (${reason || "no error given"}).${noTask}`, exitCode: 1 };
        case "TIMED_OUT":
            return { line: `Run ${name} timed out: the execution ran past its own time limit after ${duration}${reason ? ` (${reason})` : ""}.${noTask}`, exitCode: 1 };
        case "ABORTED":
            return { line: `Run ${name} was aborted after ${duration}${reason ? ` (${reason})` : ""}.${noTask}`, exitCode: 1 };
        default:
            return { line: `Run ${name} is still running (${duration} so far).`, exitCode: 0 };
    }
}

/** A duration as people read it: 45s, 3m12s, 2h05m. */
export function formatDuration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) {
        return `${s}s`;
    }
    if (s < 3600) {
        return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
    }
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
