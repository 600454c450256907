/**
 * The Step Functions state machine that runs one `BatchTask` run, written in Amazon States
 * Language with JSONata. What it does, and the AWS behaviour each step answers, is listed in
 * docs/aws-behaviour.md; in short:
 *
 * - `ecs:runTask.sync` starts the task and waits until it stops. The main container learns the
 *   run's identity from `BATCH_RUN_ID`, `BATCH_RUN_STARTED_AT` and `BATCH_ATTEMPT`. An input whose
 *   overrides would pass ECS's 8,192 characters is refused before any task starts.
 * - Capacity and throttling errors (`ECS.AmazonECSException`, `AmazonECS.Unknown`) are retried
 *   with jittered backoff; on Fargate Spot, when they persist, the run falls back to on-demand.
 * - A stopped task is judged by the main container's exit code, not by `.sync`'s verdict, which
 *   also fails when a sidecar is killed after the main container succeeded. Failed attempts are
 *   retried by the state machine itself (a counter and a wait), `retries.attempts` times.
 * - A Task state's timeout raises `States.Timeout` and leaves the ECS task running: the runner
 *   finds the task in the run's own history (the `TaskSubmitted` event of the attempt, which holds
 *   RunTask's response), or else by the `startedBy` it asked for, and stops it; the alert says
 *   which of stopped, not found or not stoppable happened, and what to do by hand.
 * - Every failure it handles is published to the alerts topic with the reason (exit code, stop
 *   reason, error, attempts, links) and ends the execution FAILED with an error named
 *   `Batch.<Kind>`; failures it cannot handle are left to the EventBridge rule.
 * - With `parallel`, a run is a Distributed Map state whose STANDARD child executions are its
 *   shards: each goes through the attempt states above in its own history and ends with its own
 *   `Batch.<Kind>` and a compact cause, never an alert. The run reads its Map Run back (counts,
 *   failed shards, their causes) and publishes one alert, `Batch.ShardsFailed`, when more shards
 *   failed than it tolerates.
 */
import * as pulumi from "@pulumi/pulumi";
import { CapacityProviderStrategyItem, spotTaskCount } from "./capacity";
import { AwsContext } from "./iam";
import { MAIN_CONTAINER_NAME } from "./taskDefinition";

/** Errors of `ecs:runTask.sync` that mean "no capacity now" or throttling: retried with backoff, never counted as a failed attempt. */
export const CAPACITY_ERRORS: readonly string[] = ["ECS.AmazonECSException", "AmazonECS.Unknown"];

/** Task stop codes that mean Fargate Spot took the capacity back. */
export const SPOT_STOP_CODES: readonly string[] = ["SpotInterruption", "TerminationNotice"];

/** The `Batch.<Kind>` errors the runner ends a failed execution with (after it published the alert). */
export const RUN_FAILURES = {
    /** The main container exited non-zero (or never started) on every attempt. */
    containerFailed: "Batch.ContainerFailed",
    /** An attempt ran longer than `timeoutSeconds`; the runner stopped its task, or its alert says why it could not. */
    timedOut: "Batch.TimedOut",
    /** No capacity (or throttling) after every capacity retry and the on-demand fallback. */
    capacityUnavailable: "Batch.CapacityUnavailable",
    /** ECS refused the run for a reason retrying cannot fix (permissions, parameters). */
    runTaskFailed: "Batch.RunTaskFailed",
    /** The run's input was refused; no task was started. */
    invalidInput: "Batch.InvalidInput",
    /** `concurrency` runs were already running; no task was started. Not alerted by default. */
    skipped: "Batch.Skipped",
    /** A sharded run: more shards failed than `parallel.toleratedFailurePercent` allows, or the shards could not run. */
    shardsFailed: "Batch.ShardsFailed",
} as const;

/** Prefix of the errors above: the EventBridge failure rule leaves these out, the runner alerted already. */
export const RUN_FAILURE_PREFIX = "Batch.";

/** Environment variables the runner gives the main container on every attempt. */
export const RUN_ENVIRONMENT = {
    /** The execution name: stable across the attempts of one run, unique per run. */
    runId: "BATCH_RUN_ID",
    /** When the run started (ISO 8601, UTC): stable across attempts. */
    startedAt: "BATCH_RUN_STARTED_AT",
    /** 1 for the first attempt, 2 for the first retry, and so on. */
    attempt: "BATCH_ATTEMPT",
} as const;

/** Environment variables each shard's main container gets besides {@link RUN_ENVIRONMENT}. */
export const SHARD_ENVIRONMENT = {
    /** The shard's index, 0 to SHARD_COUNT - 1: the same on every attempt of that shard. */
    index: "SHARD_INDEX",
    /** How many shards the run has. */
    count: "SHARD_COUNT",
} as const;

/** How a sharded run fans out, resolved (see `BatchTaskParallel`). */
export interface RunnerParallel {
    /** Shards of a run whose input does not say, and the most a run's input may ask for. */
    readonly shards: number;
    /** Most shards running at once. */
    readonly maxConcurrent: number;
    /** Share of failed shards, 0 to 100, within which the run still succeeds. */
    readonly toleratedFailurePercent: number;
}

/** Limits of a sharded run (sources in docs/aws-behaviour.md). */
export const SHARD_LIMITS = {
    /**
     * The most shards a run may have: Distributed Map runs up to 10,000 child executions at once,
     * so every shard can run at once, and the map's items and (without a tolerance) its result of
     * empty outputs stay well under 256 KiB; with a tolerance the results go to S3 ({@link RESULT_WRITER}).
     */
    shards: 10000,
    /**
     * The Map state's label: AWS names each shard's child execution
     * `execution:<state machine>/<label>:<id>` and its metrics' StateMachineArn `<state machine ARN>/<label>`.
     */
    label: "shard",
    /**
     * Shards a run starts a second, at most, in its first wave: half of Fargate's RunTask rate
     * quota (20 calls a second, burst and sustained, shared by the account), so a fan-out leaves
     * room for everything else that starts tasks.
     */
    startsPerSecond: 10,
    /** Failed shards the alert describes one by one; it counts the rest. */
    listed: 20,
    /** Times the run lists its failed shards when fewer are listed than its Map Run counts (ListExecutions is eventually consistent). */
    listings: 3,
} as const;

/**
 * Where a sharded run with a tolerance writes its shards' results: a ResultWriter to S3, so the
 * Map state's result is only a reference (`MapRunArn`, `ResultWriterDetails`), whatever the
 * shards and their failures (without it, the result holds every failed shard's execution record
 * and would pass the 256 KiB of a state, `States.DataLimitExceeded`, which no catcher catches).
 * Step Functions writes under `<prefix>/<Map Run id>/`: a `manifest.json` and the executions of
 * each status in files of their own.
 */
export const RESULT_WRITER = {
    /** The runs' results are under `runs/<run id>/` of the job's results bucket. */
    prefix: "runs",
    /** Days the results are kept: long enough to look into a run's failures, short enough to cost nothing. */
    expirationDays: 14,
} as const;

/** True when a sharded job's runs write their shards' results to S3: with a tolerance (without one, a failed shard fails the map and no result is kept). */
export function writesResults(parallel: Pick<RunnerParallel, "toleratedFailurePercent"> | undefined): boolean {
    return parallel !== undefined && parallel.toleratedFailurePercent > 0;
}

/** How runs are retried, resolved. */
export interface RunnerRetries {
    /** Retries after a failed attempt (the main container exited non-zero, or the task never started). */
    readonly attempts: number;
    readonly intervalSeconds: number;
    readonly backoffRate: number;
    /** Capacity and throttling retries of one attempt. */
    readonly capacityAttempts: number;
    readonly capacityIntervalSeconds: number;
    readonly capacityMaxDelaySeconds: number;
    /** Run on demand when spot capacity stays unavailable. */
    readonly onDemandFallback: boolean;
}

/** Everything the definition is built from. */
export interface RunnerSpec {
    readonly name: string;
    readonly stack: string;
    readonly ctx: AwsContext;
    readonly clusterArn: pulumi.Input<string>;
    readonly taskDefinitionArn: pulumi.Input<string>;
    readonly strategy: readonly CapacityProviderStrategyItem[];
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly assignPublicIp: boolean;
    readonly timeoutSeconds: number;
    readonly retries: RunnerRetries;
    readonly topicArn: pulumi.Input<string>;
    readonly logGroupName: string;
    /** Most runs at once; a run that finds this many running ends `Batch.Skipped`. */
    readonly concurrency: number;
    /** Publish skipped runs to the alerts topic too. */
    readonly alertOnSkipped: boolean;
    /** Run each run as shards, child executions of a Distributed Map state. */
    readonly parallel?: RunnerParallel;
    /** The bucket a sharded run with a tolerance writes its shards' results to ({@link writesResults}). */
    readonly resultBucket?: pulumi.Input<string>;
}

/** vCPUs on each Fargate capacity provider, as AWS counts them against the account's quotas. */
export interface VcpuPeak {
    readonly onDemand: number;
    readonly spot: number;
}

/**
 * The most vCPUs `tasks` tasks of `vcpu` each can hold at once on each capacity provider: a
 * task that may land on a provider counts there in full (ECS places each RunTask's one task by
 * the strategy's base, then its weights; with the spot fallback a spot task can end on demand).
 */
export function peakVcpu(vcpu: number, tasks: number, strategy: readonly CapacityProviderStrategyItem[], onDemandFallback: boolean): VcpuPeak {
    const spotShare = spotTaskCount(strategy, 1);
    const total = vcpu * tasks;
    return { onDemand: spotShare < 1 || onDemandFallback ? total : 0, spot: spotShare > 0 ? total : 0 };
}

/** The on-demand strategy the spot fallback runs with. */
const ON_DEMAND: readonly CapacityProviderStrategyItem[] = [{ capacityProvider: "FARGATE", weight: 1, base: 0 }];

/** True when a strategy places any task on Fargate Spot. */
export function usesSpot(strategy: readonly CapacityProviderStrategyItem[]): boolean {
    return strategy.some((s) => s.capacityProvider === "FARGATE_SPOT");
}

/**
 * The longest the capacity retrier can wait before one attempt's task starts: the wait before each
 * retry doubles from `capacityIntervalSeconds`, each capped at `capacityMaxDelaySeconds` (full
 * jitter waits at most that). With Fargate Spot and the on-demand fallback, twice: on spot, then
 * on demand.
 */
export function capacityWaitSeconds(retries: RunnerRetries, strategy: readonly CapacityProviderStrategyItem[]): number {
    let sequence = 0;
    for (let i = 0; i < retries.capacityAttempts; i++) {
        sequence += Math.min(retries.capacityIntervalSeconds * Math.pow(2, i), retries.capacityMaxDelaySeconds);
    }
    return sequence * (usesSpot(strategy) && retries.onDemandFallback ? 2 : 1);
}

/**
 * The latest second after the first attempt's task started at which the last attempt's task can
 * start: every earlier attempt's timeout, the wait before each retry, and each retried attempt's
 * capacity waits (a task that exits early starts the next attempt sooner).
 */
export function lastAttemptStartSeconds(timeoutSeconds: number, retries: RunnerRetries, strategy: readonly CapacityProviderStrategyItem[]): number {
    let total = 0;
    for (let n = 1; n <= retries.attempts; n++) {
        total += timeoutSeconds + Math.floor(retries.intervalSeconds * Math.pow(retries.backoffRate, n - 1)) + capacityWaitSeconds(retries, strategy);
    }
    return total;
}

/** The CloudWatch console's encoding of a log group or stream name in a URL fragment. */
export function consoleLogName(name: string): string {
    return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, "$");
}

/** JSONata: a string literal. */
const str = (text: string) => JSON.stringify(text);

/** Limits of AWS the runner keeps to (sources in docs/aws-behaviour.md). */
export const RUN_LIMITS = {
    /** ECS RunTask: "A total of 8192 characters are allowed for overrides. This limit includes the JSON formatting characters of the override structure." */
    overrideChars: 8192,
    /** SNS Publish: a subject must be "less than 100 characters long". */
    subjectChars: 99,
    /** Step Functions: an execution name (the run's id) has at most 80 characters. */
    runIdChars: 80,
} as const;

/** The keys a run's input may hold: overrides of the main container. */
export const RUN_INPUT_KEYS: readonly string[] = ["command", "environment"];

/** The keys a sharded job's run input may hold: the overrides and the run's `shards`. */
export const SHARDED_RUN_INPUT_KEYS: readonly string[] = [...RUN_INPUT_KEYS, "shards"];

/** A run's input, as far as the overrides go. */
export interface RunOverrideInput {
    readonly command?: readonly string[];
    readonly environment?: Readonly<Record<string, string>>;
}

/** What the runner adds to every attempt's overrides: the values of {@link RUN_ENVIRONMENT}, and a shard's {@link SHARD_ENVIRONMENT}. */
export interface RunIdentity {
    readonly runId: string;
    readonly startedAt: string;
    readonly attempt: number;
    readonly shard?: { readonly index: number; readonly count: number };
}

/**
 * The longest identity the runner can add: an execution name of 80 characters, a start time with
 * milliseconds (as Step Functions gives `Execution.StartTime`), and the last attempt's number.
 */
export function longestRunIdentity(lastAttempt: number, shards?: number): RunIdentity {
    return { runId: "r".repeat(RUN_LIMITS.runIdChars), startedAt: "2026-12-02T03:00:00.123Z", attempt: lastAttempt, ...(shards !== undefined ? { shard: { index: shards - 1, count: shards } } : {}) };
}

/**
 * The `overrides` of one attempt's RunTask as the ECS API receives them (camelCase, compact
 * JSON): the input's environment, then the run's identity, and the input's command.
 */
export function taskOverrides(input: RunOverrideInput, run: RunIdentity): { containerOverrides: object[] } {
    const environment = [
        ...Object.entries(input.environment ?? {}).map(([name, value]) => ({ name, value })),
        { name: RUN_ENVIRONMENT.runId, value: run.runId },
        { name: RUN_ENVIRONMENT.startedAt, value: run.startedAt },
        { name: RUN_ENVIRONMENT.attempt, value: String(run.attempt) },
        ...(run.shard ? [{ name: SHARD_ENVIRONMENT.index, value: String(run.shard.index) }, { name: SHARD_ENVIRONMENT.count, value: String(run.shard.count) }] : []),
    ];
    return { containerOverrides: [{ name: MAIN_CONTAINER_NAME, environment, ...(input.command !== undefined ? { command: input.command } : {}) }] };
}

/** Characters of {@link taskOverrides} as ECS counts them against {@link RUN_LIMITS}.overrideChars, JSON formatting included. */
export function overrideChars(input: RunOverrideInput, run: RunIdentity): number {
    return JSON.stringify(taskOverrides(input, run)).length;
}

/**
 * JSONata: the main container's override: the input's `command` (when given) and `environment`
 * (an object of names to strings) followed by the run's identity variables (and a shard's).
 */
function containerOverride(sharded: boolean): string {
    const shard = sharded
        ? `,
        {"Name": ${JSON.stringify(SHARD_ENVIRONMENT.index)}, "Value": $string($shard)},
        {"Name": ${JSON.stringify(SHARD_ENVIRONMENT.count)}, "Value": $string($shardCount)}`
        : "";
    return `{% $merge([
    {"Name": ${JSON.stringify(MAIN_CONTAINER_NAME)}, "Environment": $append($each($exists($input.environment) ? $input.environment : {}, function($v, $k) { {"Name": $k, "Value": $v} }), [
        {"Name": ${JSON.stringify(RUN_ENVIRONMENT.runId)}, "Value": $run.id},
        {"Name": ${JSON.stringify(RUN_ENVIRONMENT.startedAt)}, "Value": $run.startedAt},
        {"Name": ${JSON.stringify(RUN_ENVIRONMENT.attempt)}, "Value": $string($attempt)}${shard}
    ])},
    $exists($input.command) ? {"Command": $input.command} : {}
]) %}`;
}

/**
 * JSONata: why a run's input is refused (a list of sentences), or an empty list. Unknown keys are
 * refused rather than ignored, so a misspelt "comand" never runs the default command silently.
 * A well-formed input is then measured as ECS will count its overrides (the same JSON as
 * {@link taskOverrides}, with the identity of the run and of its last attempt, and of its last
 * shard), so an input ECS would refuse at RunTask is refused before any task starts. A sharded
 * job's input may set `shards`, within `parallel.shards` (with a tolerance, the shards' results go
 * to S3, so neither their count nor the input's size is bounded by the Map state's 256 KiB).
 */
function inputProblems(lastAttempt: number, parallel?: RunnerParallel): string {
    const keys = parallel ? SHARDED_RUN_INPUT_KEYS : RUN_INPUT_KEYS;
    const reserved = parallel ? "$substring($k, 0, 6) = \"BATCH_\" or $k in " + JSON.stringify(Object.values(SHARD_ENVIRONMENT)) : '$substring($k, 0, 6) = "BATCH_"';
    const shardEnvironment = parallel
        ? `,
            {"name": ${str(SHARD_ENVIRONMENT.index)}, "value": $string($n - 1)},
            {"name": ${str(SHARD_ENVIRONMENT.count)}, "value": $string($n)}`
        : "";
    const override = `$string({"containerOverrides": [$merge([
        {"name": ${str(MAIN_CONTAINER_NAME)}, "environment": $append($each($exists($in.environment) ? $in.environment : {}, function($v, $k) { {"name": $k, "value": $v} }), [
            {"name": ${str(RUN_ENVIRONMENT.runId)}, "value": $states.context.Execution.Name},
            {"name": ${str(RUN_ENVIRONMENT.startedAt)}, "value": $states.context.Execution.StartTime},
            {"name": ${str(RUN_ENVIRONMENT.attempt)}, "value": ${str(String(lastAttempt))}}${shardEnvironment}
        ])},
        $exists($in.command) ? {"command": $in.command} : {}
    ])]})`;
    const shardsProblem = parallel
        ? `,
        $exists($in.shards) and ($type($in.shards) != "number" or $in.shards != $floor($in.shards) or $in.shards < 1 or $in.shards > ${parallel.shards}) ? ["shards must be a whole number from 1 to ${parallel.shards} (the job's parallel.shards)"] : []`
        : "";
    const shardCount = parallel ? `$n := $exists($in.shards) ? $in.shards : ${parallel.shards};` : "";
    return `{% (
    $in := $states.input;
    $found := 
    $type($in) != "object" ? ['the input must be a JSON object such as {"environment": {"MODE": "full"}}'] : ${parallel ? "$append(" : ""}$append($append(
        $map($filter($keys($in), function($k) { $not($k in ${JSON.stringify(keys)}) }), function($k) { 'unknown key "' & $k & '" (known: ${keys.join(", ")})' }),
        $exists($in.command) and ($type($in.command) != "array" or $count($filter($in.command, function($c) { $type($c) != "string" })) > 0) ? ["command must be a list of strings"] : []
    ),
        $exists($in.environment) ? (
            $type($in.environment) != "object" ? ["environment must be an object of names to strings"] :
            $append(
                $map($filter($keys($in.environment), function($k) { $type($lookup($in.environment, $k)) != "string" }), function($k) { "environment." & $k & " must be a string" }),
                $map($filter($keys($in.environment), function($k) { ${reserved} }), function($k) { "environment." & $k & " is set by the runner" })
            )
        ) : []
    )${parallel ? `${shardsProblem})` : ""};
    ${shardCount}
    $size := $count($found) > 0 ? 0 : $length(${override});
    $count($found) > 0 ? [$found] : $size > ${RUN_LIMITS.overrideChars} ? ["its command and environment make the task's container overrides " & $string($size) & " characters with the runner's ${[...Object.values(RUN_ENVIRONMENT), ...(parallel ? Object.values(SHARD_ENVIRONMENT) : [])].join(", ")}, over the ${RUN_LIMITS.overrideChars} ECS allows (JSON formatting included): pass large values by reference, such as an S3 key"] : []
) %}`;
}

/** One line: Step Functions and ASL validators read an expression as `{% ... %}` on one line. */
const oneLine = (expression: string) => expression.replace(/\s*\n\s*/g, " ");

/** The states of the runner; names are part of the execution history the command line reads. */
export const STATES = {
    start: "Start",
    checkInput: "CheckInput",
    invalidInput: "InvalidInput",
    countRunning: "CountRunningRuns",
    checkConcurrency: "CheckConcurrency",
    skipped: "Skipped",
    run: "RunTask",
    runOnDemand: "RunTaskOnDemand",
    readTask: "ReadStoppedTask",
    judge: "JudgeStoppedTask",
    waitRetry: "WaitBeforeRetry",
    nextAttempt: "NextAttempt",
    capacity: "CapacityExhausted",
    findTimedOut: "FindTimedOutTask",
    checkTimedOut: "CheckTimedOutTask",
    listTimedOut: "ListTimedOutTask",
    stopTimedOut: "StopTimedOutTask",
    notify: "PublishFailure",
    failed: "RunFailed",
    alertFailed: "AlertNotSent",
    succeeded: "RunSucceeded",
    // A sharded run's own states.
    runShards: "RunShards",
    findMapRun: "FindMapRun",
    countShards: "CountShards",
    shardsOutcome: "ShardsOutcome",
    listFailedShards: "ListFailedShards",
    checkFailedListed: "CheckFailedShardsListed",
    waitForListing: "WaitForFailedShards",
    describeFailedShards: "DescribeFailedShards",
    describeShard: "DescribeShard",
    shardRead: "ShardRead",
    notifyShards: "PublishShardFailures",
    // Each shard's (the child executions'), besides the attempt's states above.
    startShard: "StartShard",
    stagger: "StaggerStart",
    shardFailed: "ShardFailed",
    shardSucceeded: "ShardSucceeded",
} as const;

/**
 * The state machine definition (a JSON string), built from resolved values only, so the same
 * inputs always give the same text.
 */
export function runnerDefinition(spec: RunnerSpec): pulumi.Output<string> {
    if (writesResults(spec.parallel) && spec.resultBucket === undefined) {
        throw new Error(`${spec.name}: a sharded runner with a tolerance needs the bucket its shards' results are written to`);
    }
    return pulumi
        .all([spec.ctx.partition, spec.ctx.region, spec.clusterArn, spec.taskDefinitionArn, pulumi.output(spec.subnetIds), spec.securityGroupId, spec.topicArn, spec.resultBucket])
        .apply(([partition, region, cluster, taskDefinition, subnets, securityGroup, topicArn, resultBucket]) =>
            JSON.stringify(definition(spec, { partition, region, cluster, taskDefinition, subnets, securityGroup, topicArn, ...(resultBucket !== undefined ? { resultBucket } : {}) })),
        );
}

interface Resolved {
    readonly partition: string;
    readonly region: string;
    readonly cluster: string;
    readonly taskDefinition: string;
    readonly subnets: string[];
    readonly securityGroup: string;
    readonly topicArn: string;
    readonly resultBucket?: string;
}

function runTaskState(spec: RunnerSpec, r: Resolved, strategy: readonly CapacityProviderStrategyItem[], onCapacityExhausted: string, to: Endings): Record<string, unknown> {
    const retries = spec.retries;
    return {
        Type: "Task",
        Resource: `arn:${r.partition}:states:::ecs:runTask.sync`,
        Arguments: {
            Cluster: r.cluster,
            TaskDefinition: r.taskDefinition,
            CapacityProviderStrategy: strategy.map((i) => ({ CapacityProvider: i.capacityProvider, Weight: i.weight, Base: i.base })),
            PlatformVersion: "LATEST",
            NetworkConfiguration: { AwsvpcConfiguration: { Subnets: r.subnets, SecurityGroups: [r.securityGroup], AssignPublicIp: spec.assignPublicIp ? "ENABLED" : "DISABLED" } },
            PropagateTags: "TASK_DEFINITION",
            EnableECSManagedTags: true,
            StartedBy: "{% $run.startedBy %}",
            // The run's own input (command, environment), then the run's identity, which input cannot override.
            Overrides: { ContainerOverrides: [oneLine(containerOverride(spec.parallel !== undefined))] },
        },
        TimeoutSeconds: spec.timeoutSeconds,
        // Capacity and throttling: wait and try again, without spending an attempt.
        ...(retries.capacityAttempts > 0
            ? {
                  Retry: [
                      {
                          ErrorEquals: [...CAPACITY_ERRORS],
                          IntervalSeconds: retries.capacityIntervalSeconds,
                          MaxAttempts: retries.capacityAttempts,
                          BackoffRate: 2,
                          MaxDelaySeconds: retries.capacityMaxDelaySeconds,
                          JitterStrategy: "FULL",
                      },
                  ],
              }
            : {}),
        Catch: [
            {
                ErrorEquals: ["States.Timeout"],
                Next: STATES.findTimedOut,
                Assign: { task: {}, failure: "{% {'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}", timedOut: { tasks: [], token: null, done: false, pages: 0, error: null } },
            },
            {
                ErrorEquals: [...CAPACITY_ERRORS],
                Next: onCapacityExhausted,
                Assign: { task: {}, failure: `{% {'kind': ${str(RUN_FAILURES.capacityUnavailable)}, 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}` },
            },
            // States.TaskFailed is the wildcard for everything but States.Timeout (caught above):
            // a stopped task's verdict, or an ECS error; the next state tells them apart.
            { ErrorEquals: ["States.TaskFailed"], Next: STATES.readTask, Assign: { failure: "{% {'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}" } },
            { ErrorEquals: ["States.ALL"], Next: to.failed, Assign: { task: {}, failure: `{% {'kind': ${str(RUN_FAILURES.runTaskFailed)}, 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}` } },
        ],
        Next: to.succeeded,
        Assign: { task: "{% $states.result %}" },
    };
}

/**
 * JSONata that reads the stopped task out of a `.sync` failure's cause (the task description as
 * a JSON string, PascalCase keys), or `{}` when the cause is something else.
 */
const TASK_FROM_CAUSE = "($c := $failure.cause; $type($c) = 'string' and $substring($c, 0, 1) = '{' and $contains($c, '\"TaskArn\"') ? $parse($c) : {})";

/** JSONata: the main container of `$task`. */
const MAIN = `$task.Containers[Name = ${str(MAIN_CONTAINER_NAME)}]`;

/** History events the runner reads per page while it looks for a timed-out attempt's task, and the most pages it reads. */
export const TIMED_OUT_TASK_SEARCH = {
    /**
     * The largest events are RunTask's arguments and response, each holding the overrides (8,192
     * characters at most, escaped once more in the event) and a few KB more: ten stay under the
     * 256 KiB a state's result may hold.
     */
    pageSize: 10,
    /** The attempt's TaskSubmitted event is among the newest few; ten pages cover twenty capacity retries. */
    pages: 10,
} as const;

/**
 * JSONata: the timed-out attempt's tasks in one page of the run's history, newest first: the
 * ECS tasks of the `TaskSubmitted` events (RunTask's response) that came after the newest entry
 * into a RunTask state, added to those found on earlier pages.
 */
const TASKS_IN_HISTORY_PAGE = `(
    $events := $states.result.Events;
    $entry := $events[Type = 'TaskStateEntered' and StateEnteredEventDetails.Name in ${JSON.stringify([STATES.run, STATES.runOnDemand])}][0];
    $after := $exists($entry) ? $entry.Id : 0;
    $submitted := [$events[Type = 'TaskSubmitted' and Id > $after and TaskSubmittedEventDetails.ResourceType = 'ecs' and $exists(TaskSubmittedEventDetails.Output)].(
        $o := $parse(TaskSubmittedEventDetails.Output); [$o.Tasks.TaskArn, $o.tasks.taskArn]
    )];
    {
        'tasks': [$distinct($append($timedOut.tasks, $submitted))],
        'token': $exists($states.result.NextToken) ? $states.result.NextToken : null,
        'done': $exists($entry) or $not($exists($states.result.NextToken)),
        'pages': $timedOut.pages + 1,
        'error': null
    }
)`;

/**
 * The states that find and stop a timed-out attempt's task. A Task state's timeout leaves the ECS
 * task running, and Step Functions may set RunTask's `startedBy` itself, so the task is read from
 * the run's own history first (the attempt's TaskSubmitted event holds RunTask's response), and
 * only when that finds none, by the `startedBy` the runner asked for. Each of the three endings
 * (stopped, not found, not stoppable) has its own headline and says what to do by hand.
 */
function timeoutStates(spec: RunnerSpec, r: Resolved, to: Endings): Record<string, unknown> {
    const limit = spec.timeoutSeconds;
    const kind = str(RUN_FAILURES.timedOut);
    const byHand = `aws ecs list-tasks --cluster ${r.cluster} --region ${r.region} --desired-status RUNNING`;
    const stopByHand = `aws ecs stop-task --cluster ${r.cluster} --region ${r.region} --task`;
    // JSONata: the failure when no task was found; `why` says how ListTasks ended.
    const notFound = (why: string) =>
        `{'kind': ${kind}, 'error': 'States.Timeout', 'headline': 'timed out after ${limit} s; its task was not found and may still run', 'cause': 'The attempt ran longer than ${limit} s, and its task was found neither in the history of the run' & ($timedOut.error ? ' (' & $timedOut.error & ')' : '') & ' nor by ListTasks (startedBy ' & $run.startedBy & ')' & ${why} & ': it may still be running. Look for it with: ${byHand}; stop it with: ${stopByHand} <task id>'}`;
    return {
        [STATES.findTimedOut]: {
            Type: "Task",
            Resource: `arn:${r.partition}:states:::aws-sdk:sfn:getExecutionHistory`,
            Arguments: `{% $merge([{'ExecutionArn': $states.context.Execution.Id, 'ReverseOrder': true, 'MaxResults': ${TIMED_OUT_TASK_SEARCH.pageSize}, 'IncludeExecutionData': true}, $timedOut.token ? {'NextToken': $timedOut.token} : {}]) %}`,
            // Throttling and brief outages: a few quick tries before the fallback.
            Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
            Assign: { timedOut: `{% ${oneLine(TASKS_IN_HISTORY_PAGE)} %}` },
            // A page of history as the next states' input would be recorded in the history again.
            Output: {},
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.listTimedOut, Assign: { timedOut: "{% $merge([$timedOut, {'error': $states.errorOutput.Error}]) %}" } }],
            Next: STATES.checkTimedOut,
        },
        [STATES.checkTimedOut]: {
            Type: "Choice",
            Choices: [
                { Condition: "{% $count($timedOut.tasks) > 0 %}", Next: STATES.stopTimedOut },
                { Condition: `{% $not($timedOut.done) and $timedOut.pages < ${TIMED_OUT_TASK_SEARCH.pages} %}`, Next: STATES.findTimedOut },
            ],
            Default: STATES.listTimedOut,
        },
        [STATES.listTimedOut]: {
            Type: "Task",
            // Finds the task only if Step Functions kept the startedBy the runner asked for.
            Resource: `arn:${r.partition}:states:::aws-sdk:ecs:listTasks`,
            Arguments: { Cluster: r.cluster, StartedBy: "{% $run.startedBy %}", DesiredStatus: "RUNNING" },
            Assign: { timedOut: "{% $merge([$timedOut, {'tasks': [$states.result.TaskArns]}]) %}" },
            Catch: [{ ErrorEquals: ["States.ALL"], Next: to.failed, Assign: { failure: `{% ${notFound("' (which failed: ' & $states.errorOutput.Error & ')'")} %}` } }],
            Next: STATES.stopTimedOut,
        },
        [STATES.stopTimedOut]: {
            Type: "Map",
            Items: "{% $timedOut.tasks %}",
            ItemProcessor: {
                ProcessorConfig: { Mode: "INLINE" },
                StartAt: "StopTask",
                States: {
                    StopTask: {
                        Type: "Task",
                        Resource: `arn:${r.partition}:states:::aws-sdk:ecs:stopTask`,
                        Arguments: { Cluster: r.cluster, Task: "{% $states.input %}", Reason: `{% 'Timed out after ${limit} s (run ' & $run.id & ')' %}` },
                        End: true,
                    },
                },
            },
            Catch: [
                {
                    ErrorEquals: ["States.ALL"],
                    Next: to.failed,
                    Assign: {
                        task: "{% {'TaskArn': $timedOut.tasks[0]} %}",
                        failure: `{% {'kind': ${kind}, 'error': 'States.Timeout', 'headline': 'timed out after ${limit} s; its task could not be stopped', 'cause': 'The attempt ran longer than ${limit} s, and stopping its task ' & $join($timedOut.tasks, ', ') & ' failed (' & $states.errorOutput.Error & ': ' & $states.errorOutput.Cause & '): it may still be running. Stop it with: ${stopByHand} ' & $timedOut.tasks[0]} %}`,
                    },
                },
            ],
            Assign: {
                task: "{% $count($timedOut.tasks) > 0 ? {'TaskArn': $timedOut.tasks[0]} : {} %}",
                failure: `{% $count($timedOut.tasks) > 0 ? {'kind': ${kind}, 'error': 'States.Timeout', 'headline': 'timed out after ${limit} s; its task was stopped', 'cause': 'The attempt ran longer than ${limit} s; the runner stopped its task ' & $join($timedOut.tasks, ', ') & '.'} : ${notFound("''")} %}`,
            },
            Next: to.failed,
        },
    };
}

/** Where the states of an attempt go when it ends: a run's alert and success, or a shard's. */
interface Endings {
    readonly failed: string;
    readonly succeeded: string;
}

/** The headline of each failure kind, as the alert's subject and first line say it. */
function headlines(spec: RunnerSpec): Record<string, string> {
    return {
        [RUN_FAILURES.containerFailed]: "failed",
        [RUN_FAILURES.timedOut]: `timed out after ${spec.timeoutSeconds} s`,
        [RUN_FAILURES.capacityUnavailable]: "could not get Fargate capacity",
        [RUN_FAILURES.runTaskFailed]: "could not start its task",
        [RUN_FAILURES.invalidInput]: "was refused: its input is not valid",
        [RUN_FAILURES.skipped]: "was skipped: another run is still running",
    };
}

/** JSONata: the failure's headline: its own (the three endings of a timeout), else its kind's. */
const headlineOf = (spec: RunnerSpec) => `($exists($failure.headline) ? $failure.headline : $lookup(${JSON.stringify(headlines(spec))}, $failure.kind))`;

/** JSONata: the console link of the log stream of the task whose ARN `taskArn` (JSONata) holds. */
function logLinkOf(spec: RunnerSpec, r: Resolved, taskArn: string): string {
    const logGroup = consoleLogName(spec.logGroupName);
    const stream = consoleLogName(`${MAIN_CONTAINER_NAME}/${MAIN_CONTAINER_NAME}/`);
    return `'https://${r.region}.console.aws.amazon.com/cloudwatch/home?region=${r.region}#logsV2:log-groups/log-group/${logGroup}/log-events/${stream}' & $split(${taskArn}, '/')[-1]`;
}

/** JSONata: the console link of this execution. */
const executionLinkOf = (r: Resolved) => `'https://${r.region}.console.aws.amazon.com/states/home?region=${r.region}#/v2/executions/details/' & $states.context.Execution.Id`;

/**
 * The states of one attempt and its retries, as a run (or a shard) goes through them: RunTask,
 * the stopped task's verdict, the wait before a retry and the timeout's search for the task, ending
 * in `to.failed` or `to.succeeded`.
 */
function attemptStates(spec: RunnerSpec, r: Resolved, to: Endings): Record<string, unknown> {
    const { retries } = spec;
    const fallback = usesSpot(spec.strategy) && retries.onDemandFallback;
    return {
        [STATES.run]: runTaskState(spec, r, spec.strategy, fallback ? STATES.capacity : to.failed, to),
        [STATES.readTask]: {
            Type: "Pass",
            // A stopped task's description (a failed attempt), or nothing (ECS refused the run).
            Assign: {
                task: `{% ${TASK_FROM_CAUSE} %}`,
                failure: `{% $merge([$failure, {'kind': $exists(${TASK_FROM_CAUSE}.TaskArn) ? ${str(RUN_FAILURES.containerFailed)} : ${str(RUN_FAILURES.runTaskFailed)}}]) %}`,
            },
            Next: STATES.judge,
        },
        [STATES.judge]: {
            Type: "Choice",
            Choices: [
                // `.sync` fails a run when any container exits non-zero, a sidecar killed after
                // the main container succeeded included: the main container's code decides.
                { Condition: `{% ${MAIN}.ExitCode = 0 %}`, Next: to.succeeded },
                // ECS refused the run (no task): retrying cannot fix permissions or parameters.
                { Condition: "{% $not($exists($task.TaskArn)) %}", Next: to.failed },
                { Condition: `{% $attempt <= ${retries.attempts} %}`, Next: STATES.waitRetry },
            ],
            Default: to.failed,
        },
        [STATES.waitRetry]: {
            Type: "Wait",
            Seconds: `{% $floor(${retries.intervalSeconds} * $power(${retries.backoffRate}, $attempt - 1)) %}`,
            Assign: { attempt: "{% $attempt + 1 %}" },
            // After a fallback, later attempts stay on demand.
            Next: fallback ? STATES.nextAttempt : STATES.run,
        },
        ...timeoutStates(spec, r, to),
    };
}

/** With Fargate Spot and the fallback: the states that move an attempt to on-demand Fargate. */
function fallbackStates(spec: RunnerSpec, r: Resolved, to: Endings): Record<string, unknown> {
    if (!(usesSpot(spec.strategy) && spec.retries.onDemandFallback)) {
        return {};
    }
    return {
        [STATES.capacity]: { Type: "Pass", Assign: { onDemand: true }, Next: STATES.runOnDemand },
        [STATES.runOnDemand]: runTaskState(spec, r, ON_DEMAND, to.failed, to),
        [STATES.nextAttempt]: { Type: "Choice", Choices: [{ Condition: "{% $onDemand %}", Next: STATES.runOnDemand }], Default: STATES.run },
    };
}

/** The states that refuse a run before any task: its input, and the runs already running. */
function admissionStates(spec: RunnerSpec, r: Resolved, next: string): Record<string, unknown> {
    // A sharded job's runs list no child execution of theirs, but a child's ARN names the Map
    // Run's label (a "/" after the state machine's name), so one listed would not be counted.
    const others = spec.parallel
        ? "$states.result.Executions[ExecutionArn != $states.context.Execution.Id and $not($contains($split(ExecutionArn, ':')[6], '/'))].Name"
        : "$states.result.Executions[ExecutionArn != $states.context.Execution.Id].Name";
    return {
        [STATES.checkInput]: {
            Type: "Choice",
            Choices: [{ Condition: "{% $count($problems) > 0 %}", Next: STATES.invalidInput }],
            Default: STATES.countRunning,
        },
        [STATES.invalidInput]: {
            Type: "Pass",
            Assign: { failure: `{% {'kind': ${str(RUN_FAILURES.invalidInput)}, 'error': ${str(RUN_FAILURES.invalidInput)}, 'cause': 'The run input was refused: ' & $join($problems, '; ')} %}` },
            Next: STATES.notify,
        },
        [STATES.countRunning]: {
            Type: "Task",
            // Eventually consistent: runs started within moments of each other may not see each other.
            Resource: `arn:${r.partition}:states:::aws-sdk:sfn:listExecutions`,
            Arguments: { StateMachineArn: "{% $states.context.StateMachine.Id %}", StatusFilter: "RUNNING", MaxResults: spec.concurrency + 1 },
            Assign: { running: `{% [${others}] %}` },
            // Up to 101 executions: kept out of the next states' inputs, which the history records.
            Output: {},
            Next: STATES.checkConcurrency,
        },
        [STATES.checkConcurrency]: {
            Type: "Choice",
            Choices: [{ Condition: `{% $count($running) >= ${spec.concurrency} %}`, Next: STATES.skipped }],
            Default: next,
        },
        [STATES.skipped]: spec.alertOnSkipped
            ? {
                  Type: "Pass",
                  Assign: { failure: `{% {'kind': ${str(RUN_FAILURES.skipped)}, 'error': ${str(RUN_FAILURES.skipped)}, 'cause': 'Skipped: ' & $string($count($running)) & ' run(s) already running (' & $join($running, ', ') & '), and concurrency is ${spec.concurrency}.'} %}` },
                  Next: STATES.notify,
              }
            : {
                  Type: "Fail",
                  Error: RUN_FAILURES.skipped,
                  Cause: `{% 'Skipped: ' & $string($count($running)) & ' run(s) already running (' & $join($running, ', ') & '), and concurrency is ${spec.concurrency}.' %}`,
              },
    };
}

/** The run's alert (with the attempt's task), its Fail state, and the Fail state when the alert could not be sent. */
function alertStates(spec: RunnerSpec, r: Resolved): Record<string, unknown> {
    const { retries } = spec;
    const spot = usesSpot(spec.strategy);
    const message = [
        `'Batch task ${spec.name} (stack ${spec.stack}): run ' & $run.id & ' ' & ${headlineOf(spec)} & '.'`,
        "''",
        "'Status: ' & $failure.kind",
        `'Attempts: ' & $string($attempt) & ' of ' & $string(${retries.attempts + 1})${spot ? ` & ($onDemand ? ' (the last on on-demand Fargate: spot capacity was unavailable)' : ' (on Fargate Spot)')` : ""}`,
        `'Exit code of the main container: ' & ($exists(${MAIN}.ExitCode) ? $string(${MAIN}.ExitCode) : 'none (the container did not run to an exit)')`,
        "'Stop code: ' & ($exists($task.StopCode) ? $task.StopCode : 'none') & ($task.StopCode in " + JSON.stringify(SPOT_STOP_CODES) + " ? ' (Fargate Spot reclaimed the capacity)' : '')",
        "'Stop reason: ' & ($exists($task.StoppedReason) ? $task.StoppedReason : 'none')",
        "'Error: ' & $string($failure.error)",
        "'Cause: ' & $substring($string($failure.cause), 0, 1500)",
        "'Started: ' & $run.startedAt",
        `'Execution: ' & ${executionLinkOf(r)}`,
        `($exists($task.TaskArn) ? 'Task logs: ' & ${logLinkOf(spec, r, "$task.TaskArn")} : 'Task logs: no task ran')`,
    ].join(" & '\\n' & ");
    return {
        [STATES.notify]: {
            Type: "Task",
            Resource: `arn:${r.partition}:states:::sns:publish`,
            Arguments: {
                TopicArn: r.topicArn,
                Subject: `{% $substring('Batch task ${spec.name} (${spec.stack}): run ' & ${headlineOf(spec)}, 0, ${RUN_LIMITS.subjectChars}) %}`,
                Message: `{% ${message} %}`,
            },
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.alertFailed }],
            Next: STATES.failed,
        },
        [STATES.failed]: {
            Type: "Fail",
            Error: "{% $failure.kind %}",
            Cause: `{% $substring(${headlineOf(spec)} & ': ' & $string($failure.error) & ' ' & $string($failure.cause), 0, 32768) %}`,
        },
        // Not a Batch.* error: the EventBridge rule alerts when the runner's own alert failed.
        [STATES.alertFailed]: { Type: "Fail", Error: "AlertNotSent", Cause: "{% 'The run failed and its alert could not be published: ' & $string($states.input.Error) %}" },
    };
}

/** The run's identity and input, read once when it starts. */
function startAssignments(spec: RunnerSpec): Record<string, unknown> {
    return {
        run: {
            id: "{% $states.context.Execution.Name %}",
            startedAt: "{% $states.context.Execution.StartTime %}",
            // RunTask's startedBy takes at most 36 characters: an MD5 (32) of the execution name.
            startedBy: "{% $hash($states.context.Execution.Name, 'MD5') %}",
        },
        input: "{% $states.input %}",
        attempt: 1,
        onDemand: false,
        task: {},
        failure: {},
        problems: oneLine(inputProblems(spec.retries.attempts + 1, spec.parallel)),
    };
}

function definition(spec: RunnerSpec, r: Resolved): Record<string, unknown> {
    if (spec.parallel) {
        return shardedDefinition(spec, spec.parallel, r);
    }
    const run: Endings = { failed: STATES.notify, succeeded: STATES.succeeded };
    const states: Record<string, unknown> = {
        [STATES.start]: { Type: "Pass", Assign: startAssignments(spec), Next: STATES.checkInput },
        ...admissionStates(spec, r, STATES.run),
        ...attemptStates(spec, r, run),
        ...alertStates(spec, r),
        [STATES.succeeded]: {
            Type: "Succeed",
            Output: {
                status: "SUCCEEDED",
                runId: "{% $run.id %}",
                attempt: "{% $attempt %}",
                onDemand: "{% $onDemand %}",
                taskArn: "{% $exists($task.TaskArn) ? $task.TaskArn : null %}",
                exitCode: `{% $exists(${MAIN}.ExitCode) ? ${MAIN}.ExitCode : null %}`,
            },
        },
        ...fallbackStates(spec, r, run),
    };
    return {
        Comment: `Runs one ${spec.name} task on Fargate: retries, timeout and alerts (see docs/aws-behaviour.md)`,
        QueryLanguage: "JSONata",
        StartAt: STATES.start,
        States: states,
    };
}

/**
 * The ItemProcessor of a sharded run: each shard is a child execution that goes through a run's
 * attempts (retries, capacity retries, the spot fallback, the timeout's search for its task) and
 * ends FAILED with its `Batch.*` error and a compact description of what happened (its cause,
 * which the run reads back for its one alert), or SUCCEEDED with an empty output (the Map
 * state's result holds one entry per shard).
 */
function shardProcessor(spec: RunnerSpec, parallel: RunnerParallel, r: Resolved): Record<string, unknown> {
    const shard: Endings = { failed: STATES.shardFailed, succeeded: STATES.shardSucceeded };
    const stagger = parallel.maxConcurrent > SHARD_LIMITS.startsPerSecond;
    const cut = (value: string, chars: number) => `($exists(${value}) ? $substring($string(${value}), 0, ${chars}) : null)`;
    const noTask = JSON.stringify([RUN_FAILURES.timedOut, RUN_FAILURES.capacityUnavailable, RUN_FAILURES.runTaskFailed]);
    // At most about 1,000 characters: the alert's line for the shard, and the Map state's result
    // when it fails within the tolerance, stay small.
    const cause = `$string({
        'shard': $shard,
        'kind': $failure.kind,
        'headline': ${headlineOf(spec)},
        'attempt': $attempt,
        'onDemand': $onDemand,
        'exitCode': $exists(${MAIN}.ExitCode) ? ${MAIN}.ExitCode : null,
        'stopCode': ${cut("$task.StopCode", 60)},
        'stopReason': ${cut("$task.StoppedReason", 255)},
        'taskArn': ${cut("$task.TaskArn", 200)},
        'error': ${cut("$failure.error", 100)},
        'detail': $failure.kind in ${noTask} ? ${cut("$failure.cause", 300)} : null
    })`;
    return {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: STATES.startShard,
        States: {
            [STATES.startShard]: {
                Type: "Pass",
                // A child execution sees no variable of the run: everything comes in its input.
                Assign: {
                    run: {
                        id: "{% $states.input.run.id %}",
                        startedAt: "{% $states.input.run.startedAt %}",
                        // RunTask's startedBy takes at most 36 characters: an MD5 (32) of the run and the shard.
                        startedBy: "{% $hash($states.input.run.id & '/' & $string($states.input.shard), 'MD5') %}",
                    },
                    shard: "{% $states.input.shard %}",
                    // Not "count": a variable named like a JSONata function hides it ($count).
                    shardCount: "{% $states.input.count %}",
                    input: "{% $states.input.input %}",
                    attempt: 1,
                    onDemand: false,
                    task: {},
                    failure: {},
                },
                Next: stagger ? STATES.stagger : STATES.run,
            },
            ...(stagger
                ? {
                      [STATES.stagger]: {
                          Type: "Wait",
                          // The first wave starts SHARD_LIMITS.startsPerSecond shards a second; later shards start as earlier ones end.
                          Seconds: `{% $shard < ${parallel.maxConcurrent} ? $floor($shard / ${SHARD_LIMITS.startsPerSecond}) : 0 %}`,
                          Next: STATES.run,
                      },
                  }
                : {}),
            ...attemptStates(spec, r, shard),
            [STATES.shardFailed]: { Type: "Fail", Error: "{% $failure.kind %}", Cause: `{% ${oneLine(cause)} %}` },
            [STATES.shardSucceeded]: { Type: "Succeed", Output: {} },
            ...fallbackStates(spec, r, shard),
        },
    };
}

/**
 * A sharded run: the run's admission (input, concurrency), then a Distributed Map state whose
 * child executions are the shards, then one outcome. The Map Run fails with
 * `States.ExceedToleratedFailureThreshold` when more shards failed than tolerated, without their
 * causes: the run reads them back from the Map Run (its counts, its failed child executions and
 * their causes) and publishes one alert naming the failed shards.
 */
function shardedDefinition(spec: RunnerSpec, parallel: RunnerParallel, r: Resolved): Record<string, unknown> {
    const sfn = (action: string) => `arn:${r.partition}:states:::aws-sdk:sfn:${action}`;
    // Throttling and brief outages of the Step Functions API: a few jittered tries.
    const retry = [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" }];
    const listed = SHARD_LIMITS.listed;
    const kind = str(RUN_FAILURES.shardsFailed);
    // JSONata: the failed shards' count (0 when the Map Run's counts could not be read: the text says so).
    const failedCount = "($counts ? $counts.Failed + $counts.TimedOut : 0)";
    // A write of the results that failed fails the map whatever the shards did (even all
    // succeeded: a run started before the tolerance was turned off writes to a bucket and under a
    // role policy that are gone), so it is said first, with what the shards did.
    const headline = `($mapError.Error = 'States.ResultWriterFailed' ? "failed: its shards' results could not be written to S3" & ($counts ? ' (' & $string(${failedCount}) & ' of ' & $string($shards) & ' shards failed, within the tolerance)' : '') : $counts and ${failedCount} > 0 ? 'failed: ' & $string(${failedCount}) & ' of ' & $string($shards) & ' shards failed' : $mapError.Error = 'States.ExceedToleratedFailureThreshold' ? 'failed: more shards failed than tolerated' : 'failed: its shards could not run (' & $string($mapError.Error) & ')')`;
    const shardLine = `function($f) { $exists($f.shard) ? 'Shard ' & $string($f.shard) & ': ' & $f.headline & '. Exit code: ' & ($f.exitCode != null ? $string($f.exitCode) : 'none') & '. Stop code: ' & ($f.stopCode ? $f.stopCode : 'none') & '. Stop reason: ' & ($f.stopReason ? $f.stopReason : 'none') & '. Attempts: ' & $string($f.attempt) & ' of ${spec.retries.attempts + 1}' & ($f.onDemand ? ' (the last on on-demand Fargate)' : '') & ($f.detail ? '. ' & $replace($f.detail, /\\.$/, '') : '') & '. Logs: ' & ($f.taskArn ? ${logLinkOf(spec, r, "$f.taskArn")} : 'no task ran') : 'Shard (not read): ' & $f.execution & ': ' & $string($f.error) & ' ' & $substring($string($f.cause), 0, 300) }`;
    const message = [
        `'Batch task ${spec.name} (stack ${spec.stack}): run ' & $run.id & ' ' & ${headline} & ' (tolerated: ${parallel.toleratedFailurePercent}%).'`,
        "''",
        `'Status: ${RUN_FAILURES.shardsFailed}'`,
        `($counts ? 'Shards: ' & $string($shards) & ': ' & $string($counts.Succeeded) & ' succeeded, ' & $string(${failedCount}) & ' failed, ' & $string($counts.Aborted) & ' stopped when the run failed, ' & $string($counts.Pending) & ' not started' & ($counts.Running > 0 ? ', ' & $string($counts.Running) & ' still running' : '') : 'Shards: ' & $string($shards) & ' (their counts could not be read: ' & $string($readError) & ')')`,
        "'Error of the Map state: ' & $string($mapError.Error)",
        "'Cause: ' & $substring($string($mapError.Cause), 0, 500)",
        // Whether AWS writes the results of a Map Run that failed its threshold is not documented:
        // the line points at them only when the Map Run counts some written.
        ...(writesResults(parallel)
            ? [`($counts and $counts.ResultsWritten > 0 ? 'Results of the shards (kept ${RESULT_WRITER.expirationDays} days): s3://${r.resultBucket}/${RESULT_WRITER.prefix}/' & $run.id & '/' : 'Results of the shards: none were written')`]
            : []),
        // The listed shards' lines, then how many more failed.
        `$join($append($append(
            [$count($failedShards) > 0 ? 'Failed shards (' & $string($count($failedShards)) & ' of ' & $string(${failedCount}) & ', the last to end, by shard):' : 'Failed shards: none could be read' & ($readError ? ' (' & $string($readError) & ')' : '')],
            $count($failedShards) > 0 ? $map($sort($failedShards, function($a, $b) { $a.shard > $b.shard }), ${shardLine}) : []),
            ${failedCount} > $count($failedShards) and $count($failedShards) > 0 ? ['... and ' & $string(${failedCount} - $count($failedShards)) & ' more: fargate-workloads logs ${spec.name} --run ' & $run.id & ' --shard K shows shard K'] : []
        ), '\\n')`,
        "'Started: ' & $run.startedAt",
        `'Execution: ' & ${executionLinkOf(r)}`,
    ].join(" & '\\n' & ");
    const states: Record<string, unknown> = {
        [STATES.start]: {
            Type: "Pass",
            Assign: {
                ...startAssignments(spec),
                shards: `{% $type($states.input) = 'object' and $type($states.input.shards) = 'number' ? $states.input.shards : ${parallel.shards} %}`,
                mapError: null,
                mapRun: null,
                counts: null,
                failedShards: [],
                readError: null,
                listings: 1,
            },
            Next: STATES.checkInput,
        },
        ...admissionStates(spec, r, STATES.runShards),
        [STATES.runShards]: {
            Type: "Map",
            Items: "{% [0..($shards - 1)] %}",
            ItemSelector: `{% ${oneLine(`{'shard': $states.context.Map.Item.Value, 'count': $shards, 'run': {'id': $run.id, 'startedAt': $run.startedAt}, 'input': $input}`)} %}`,
            ItemProcessor: shardProcessor(spec, parallel, r),
            Label: SHARD_LIMITS.label,
            MaxConcurrency: parallel.maxConcurrent,
            ToleratedFailurePercentage: parallel.toleratedFailurePercent,
            // With a tolerance, the shards' results (a failed one's is its whole execution record)
            // go to S3 and the state's result is only where they went: any number of failed shards
            // fits. JSONata states give the bucket and prefix as Arguments (Parameters in JSONPath).
            ...(writesResults(parallel)
                ? { ResultWriter: { Resource: `arn:${r.partition}:states:::s3:putObject`, Arguments: { Bucket: r.resultBucket, Prefix: `{% '${RESULT_WRITER.prefix}/' & $states.context.Execution.Name %}` } } }
                : {}),
            // One entry per shard (or the reference to them): not kept in the history.
            Output: {},
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.findMapRun, Assign: { mapError: "{% $states.errorOutput %}" }, Output: {} }],
            Next: STATES.findMapRun,
        },
        [STATES.findMapRun]: {
            Type: "Task",
            Resource: sfn("listMapRuns"),
            Arguments: { ExecutionArn: "{% $states.context.Execution.Id %}" },
            Retry: retry,
            Assign: { mapRun: "{% $count($states.result.MapRuns) > 0 ? $states.result.MapRuns[0].MapRunArn : null %}" },
            Output: {},
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.shardsOutcome, Assign: { readError: "{% $states.errorOutput.Error %}" } }],
            Next: STATES.countShards,
        },
        [STATES.countShards]: {
            Type: "Task",
            Resource: sfn("describeMapRun"),
            Arguments: { MapRunArn: "{% $mapRun %}" },
            Retry: retry,
            Assign: { counts: "{% $states.result.ExecutionCounts %}" },
            Output: {},
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.shardsOutcome, Assign: { readError: "{% $states.errorOutput.Error %}" } }],
            Next: STATES.shardsOutcome,
        },
        [STATES.shardsOutcome]: {
            Type: "Choice",
            Choices: [
                // Within the tolerance: the run succeeded, whatever some shards did.
                { Condition: "{% $mapError = null %}", Next: STATES.succeeded },
                { Condition: "{% $mapRun != null and $readError = null %}", Next: STATES.listFailedShards },
            ],
            Default: STATES.notifyShards,
        },
        [STATES.listFailedShards]: {
            Type: "Task",
            Resource: sfn("listExecutions"),
            Arguments: { MapRunArn: "{% $mapRun %}", StatusFilter: "FAILED", MaxResults: listed },
            Retry: retry,
            Assign: { failedShards: "{% [$states.result.Executions.ExecutionArn] %}" },
            Output: {},
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.notifyShards, Assign: { readError: "{% $states.errorOutput.Error %}" } }],
            Next: STATES.checkFailedListed,
        },
        // ListExecutions is eventually consistent: a shard that failed moments ago may not be
        // listed yet. Fewer listed than the counts say: wait and list again, twice at most.
        [STATES.checkFailedListed]: {
            Type: "Choice",
            Choices: [{ Condition: `{% $count($failedShards) < $min([${failedCount}, ${listed}]) and $listings < ${SHARD_LIMITS.listings} %}`, Next: STATES.waitForListing }],
            Default: STATES.describeFailedShards,
        },
        [STATES.waitForListing]: { Type: "Wait", Seconds: 5, Assign: { listings: "{% $listings + 1 %}" }, Next: STATES.listFailedShards },
        [STATES.describeFailedShards]: {
            Type: "Map",
            Items: "{% $failedShards %}",
            MaxConcurrency: 5,
            ItemProcessor: {
                ProcessorConfig: { Mode: "INLINE" },
                StartAt: STATES.describeShard,
                States: {
                    [STATES.describeShard]: {
                        Type: "Task",
                        Resource: sfn("describeExecution"),
                        Arguments: { ExecutionArn: "{% $states.input %}" },
                        Retry: retry,
                        // The shard's own description (its cause, as the shard wrote it), or what AWS gave.
                        Output: "{% ($c := $states.result.Cause; $type($c) = 'string' and $substring($c, 0, 1) = '{' and $contains($c, '\"shard\"') ? $parse($c) : {'execution': $states.result.ExecutionArn, 'error': $states.result.Error, 'cause': $c}) %}",
                        Catch: [{ ErrorEquals: ["States.ALL"], Output: "{% {'execution': $states.input, 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}", Next: STATES.shardRead }],
                        End: true,
                    },
                    [STATES.shardRead]: { Type: "Pass", End: true },
                },
            },
            Assign: { failedShards: "{% $states.result %}" },
            Output: {},
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.notifyShards, Assign: { failedShards: [], readError: "{% $states.errorOutput.Error %}" } }],
            Next: STATES.notifyShards,
        },
        [STATES.notifyShards]: {
            Type: "Task",
            Resource: `arn:${r.partition}:states:::sns:publish`,
            Arguments: {
                TopicArn: r.topicArn,
                Subject: `{% $substring('Batch task ${spec.name} (${spec.stack}): run ' & ${headline}, 0, ${RUN_LIMITS.subjectChars}) %}`,
                Message: `{% ${oneLine(message)} %}`,
            },
            Assign: { failure: `{% {'kind': ${kind}, 'headline': ${headline}, 'error': $mapError.Error, 'cause': $mapError.Cause} %}` },
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.alertFailed }],
            Next: STATES.failed,
        },
        ...alertStates(spec, r),
        [STATES.succeeded]: {
            Type: "Succeed",
            Output: {
                status: "SUCCEEDED",
                runId: "{% $run.id %}",
                shards: "{% $shards %}",
                succeeded: "{% $counts ? $counts.Succeeded : null %}",
                failed: `{% $counts ? ${failedCount} : null %}`,
            },
        },
    };
    return {
        Comment: `Runs each ${spec.name} run as up to ${parallel.shards} shards on Fargate, ${parallel.maxConcurrent} at once: retries, timeouts and one alert a run (see docs/aws-behaviour.md)`,
        QueryLanguage: "JSONata",
        StartAt: STATES.start,
        States: states,
    };
}

/** What a runner definition does, read back from its JSON (for plans and reports). */
export interface RunnerSummary {
    readonly taskDefinition?: string;
    readonly strategy?: readonly { CapacityProvider: string; Weight: number; Base: number }[];
    readonly assignPublicIp?: string;
    readonly timeoutSeconds?: number;
    /** Retries after a failed attempt. */
    readonly attempts: number;
    /** The wait before retry n, as a JSONata expression of `$attempt`. */
    readonly retryWait?: string;
    /** The wait before each retry in seconds, first retry first (read back from {@link retryWait}). */
    readonly retryWaitsSeconds?: readonly number[];
    /** The capacity retrier of the first RunTask state, if any. */
    readonly capacityRetry?: { readonly MaxAttempts: number; readonly IntervalSeconds: number; readonly MaxDelaySeconds?: number };
    /** Whether a spot run falls back to on-demand. */
    readonly onDemandFallback: boolean;
    /** Most runs at once (the concurrency guard), when the definition has one. */
    readonly concurrency?: number;
    /** A sharded job's fan-out: its Map state's items (the shards of a run whose input does not say), concurrency and tolerance. */
    readonly parallel?: RunnerParallel;
    /** Whether a sharded run writes its shards' results to S3 (its Map state's ResultWriter). */
    readonly writesResults?: boolean;
    /**
     * State transitions of a run that succeeds on its first attempt (each state entered is one):
     * the run's own, and each shard's for a sharded job.
     */
    readonly transitions?: { readonly run: number; readonly shard?: number };
}

/** The states a run that succeeds at once enters, in order (tests/batchRunner.test.ts holds them to the interpreter's path). */
export function successPath(definition: any): { run: string[]; shard?: string[] } | undefined {
    const states = definition?.States ?? {};
    const admission = [STATES.start, STATES.checkInput, STATES.countRunning, STATES.checkConcurrency];
    if (states[STATES.runShards]) {
        const shard = states[STATES.runShards].ItemProcessor?.States ?? {};
        return {
            run: [...admission, STATES.runShards, STATES.findMapRun, STATES.countShards, STATES.shardsOutcome, STATES.succeeded],
            shard: [STATES.startShard, ...(shard[STATES.stagger] ? [STATES.stagger] : []), STATES.run, STATES.shardSucceeded],
        };
    }
    return states[STATES.run] && states[STATES.start] ? { run: [...admission, STATES.run, STATES.succeeded] } : undefined;
}

/**
 * The seconds before each retry: from the wait state's expression as {@link runnerDefinition}
 * writes it, or from the older definition's retrier (interval x backoff rate^(n-1)).
 */
function retryWaitsOf(expression: unknown, legacyRetry: any, attempts: number): number[] | undefined {
    const backoff = typeof expression === "string" ? /^\{% \$floor\(([\d.]+) \* \$power\(([\d.]+), \$attempt - 1\)\) %\}$/.exec(expression) : null;
    const [interval, rate] = backoff ? [Number(backoff[1]), Number(backoff[2])] : legacyRetry ? [legacyRetry.IntervalSeconds ?? 1, legacyRetry.BackoffRate ?? 2] : [];
    if (interval === undefined || rate === undefined) {
        return undefined;
    }
    return Array.from({ length: attempts }, (_, i) => (backoff ? Math.floor(interval * Math.pow(rate, i)) : interval * Math.pow(rate, i)));
}

/** Reads a runner definition (as {@link runnerDefinition} writes it, or the older JSONPath one). */
export function summarizeRunner(definition: any): RunnerSummary {
    const map = definition?.States?.[STATES.runShards];
    // A sharded job's attempt states are those of its Map state's child executions.
    const attempts = map?.ItemProcessor?.States ?? definition?.States ?? {};
    const run = attempts[STATES.run] ?? {};
    const args = run.Arguments ?? run.Parameters ?? {};
    const judge = attempts[STATES.judge];
    const attemptsCondition = ((judge?.Choices ?? []) as any[]).map((c) => /^\{% \$attempt <= (\d+) %\}$/.exec(c?.Condition ?? "")).find((m) => m);
    const legacyRetry = run.Parameters ? run.Retry?.[0] : undefined;
    const attemptCount = attemptsCondition ? Number(attemptsCondition[1]) : (legacyRetry?.MaxAttempts ?? 0);
    const retryWait = attempts[STATES.waitRetry]?.Seconds;
    const guard = definition?.States?.[STATES.countRunning]?.Arguments?.MaxResults;
    const shards = /^\{% \[0\.\.\(\$shards - 1\)\] %\}$/.test(map?.Items ?? "") ? /: (\d+) %\}$/.exec(definition?.States?.[STATES.start]?.Assign?.shards ?? "") : undefined;
    const path = successPath(definition);
    return {
        taskDefinition: args.TaskDefinition,
        strategy: args.CapacityProviderStrategy,
        assignPublicIp: args.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp,
        timeoutSeconds: run.TimeoutSeconds,
        attempts: attemptCount,
        retryWait,
        retryWaitsSeconds: retryWaitsOf(retryWait, legacyRetry, attemptCount),
        capacityRetry: run.Arguments ? run.Retry?.[0] : undefined,
        onDemandFallback: attempts[STATES.runOnDemand] !== undefined,
        ...(typeof guard === "number" ? { concurrency: guard - 1 } : {}),
        ...(map && shards ? { parallel: { shards: Number(shards[1]), maxConcurrent: map.MaxConcurrency, toleratedFailurePercent: map.ToleratedFailurePercentage ?? 0 }, writesResults: map.ResultWriter !== undefined } : {}),
        ...(path ? { transitions: { run: path.run.length, ...(path.shard ? { shard: path.shard.length } : {}) } } : {}),
    };
}
