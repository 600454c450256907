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
 */
import * as pulumi from "@pulumi/pulumi";
import { CapacityProviderStrategyItem } from "./capacity";
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

/** A run's input, as far as the overrides go. */
export interface RunOverrideInput {
    readonly command?: readonly string[];
    readonly environment?: Readonly<Record<string, string>>;
}

/** What the runner adds to every attempt's overrides: the values of {@link RUN_ENVIRONMENT}. */
export interface RunIdentity {
    readonly runId: string;
    readonly startedAt: string;
    readonly attempt: number;
}

/**
 * The longest identity the runner can add: an execution name of 80 characters, a start time with
 * milliseconds (as Step Functions gives `Execution.StartTime`), and the last attempt's number.
 */
export function longestRunIdentity(lastAttempt: number): RunIdentity {
    return { runId: "r".repeat(RUN_LIMITS.runIdChars), startedAt: "2026-12-02T03:00:00.123Z", attempt: lastAttempt };
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
    ];
    return { containerOverrides: [{ name: MAIN_CONTAINER_NAME, environment, ...(input.command !== undefined ? { command: input.command } : {}) }] };
}

/** Characters of {@link taskOverrides} as ECS counts them against {@link RUN_LIMITS}.overrideChars, JSON formatting included. */
export function overrideChars(input: RunOverrideInput, run: RunIdentity): number {
    return JSON.stringify(taskOverrides(input, run)).length;
}

/**
 * JSONata: the main container's override: the input's `command` (when given) and `environment`
 * (an object of names to strings) followed by the run's identity variables.
 */
const CONTAINER_OVERRIDE = `{% $merge([
    {"Name": ${JSON.stringify(MAIN_CONTAINER_NAME)}, "Environment": $append($each($exists($input.environment) ? $input.environment : {}, function($v, $k) { {"Name": $k, "Value": $v} }), [
        {"Name": ${JSON.stringify(RUN_ENVIRONMENT.runId)}, "Value": $run.id},
        {"Name": ${JSON.stringify(RUN_ENVIRONMENT.startedAt)}, "Value": $run.startedAt},
        {"Name": ${JSON.stringify(RUN_ENVIRONMENT.attempt)}, "Value": $string($attempt)}
    ])},
    $exists($input.command) ? {"Command": $input.command} : {}
]) %}`;

/**
 * JSONata: why a run's input is refused (a list of sentences), or an empty list. Unknown keys are
 * refused rather than ignored, so a misspelt "comand" never runs the default command silently.
 * A well-formed input is then measured as ECS will count its overrides (the same JSON as
 * {@link taskOverrides}, with the identity of the run and of its last attempt), so an input ECS
 * would refuse at RunTask is refused before any task starts.
 */
function inputProblems(lastAttempt: number): string {
    const override = `$string({"containerOverrides": [$merge([
        {"name": ${str(MAIN_CONTAINER_NAME)}, "environment": $append($each($exists($in.environment) ? $in.environment : {}, function($v, $k) { {"name": $k, "value": $v} }), [
            {"name": ${str(RUN_ENVIRONMENT.runId)}, "value": $states.context.Execution.Name},
            {"name": ${str(RUN_ENVIRONMENT.startedAt)}, "value": $states.context.Execution.StartTime},
            {"name": ${str(RUN_ENVIRONMENT.attempt)}, "value": ${str(String(lastAttempt))}}
        ])},
        $exists($in.command) ? {"command": $in.command} : {}
    ])]})`;
    return `{% (
    $in := $states.input;
    $found := 
    $type($in) != "object" ? ['the input must be a JSON object such as {"environment": {"MODE": "full"}}'] : $append($append(
        $map($filter($keys($in), function($k) { $not($k in ${JSON.stringify(RUN_INPUT_KEYS)}) }), function($k) { 'unknown key "' & $k & '" (known: ${RUN_INPUT_KEYS.join(", ")})' }),
        $exists($in.command) and ($type($in.command) != "array" or $count($filter($in.command, function($c) { $type($c) != "string" })) > 0) ? ["command must be a list of strings"] : []
    ),
        $exists($in.environment) ? (
            $type($in.environment) != "object" ? ["environment must be an object of names to strings"] :
            $append(
                $map($filter($keys($in.environment), function($k) { $type($lookup($in.environment, $k)) != "string" }), function($k) { "environment." & $k & " must be a string" }),
                $map($filter($keys($in.environment), function($k) { $substring($k, 0, 6) = "BATCH_" }), function($k) { "environment." & $k & " is set by the runner" })
            )
        ) : []
    );
    $size := $count($found) > 0 ? 0 : $length(${override});
    $count($found) > 0 ? [$found] : $size > ${RUN_LIMITS.overrideChars} ? ["its command and environment make the task's container overrides " & $string($size) & " characters with the runner's ${Object.values(RUN_ENVIRONMENT).join(", ")}, over the ${RUN_LIMITS.overrideChars} ECS allows (JSON formatting included): pass large values by reference, such as an S3 key"] : []
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
} as const;

/**
 * The state machine definition (a JSON string), built from resolved values only, so the same
 * inputs always give the same text.
 */
export function runnerDefinition(spec: RunnerSpec): pulumi.Output<string> {
    return pulumi
        .all([spec.ctx.partition, spec.ctx.region, spec.clusterArn, spec.taskDefinitionArn, pulumi.output(spec.subnetIds), spec.securityGroupId, spec.topicArn])
        .apply(([partition, region, cluster, taskDefinition, subnets, securityGroup, topicArn]) => JSON.stringify(definition(spec, { partition, region, cluster, taskDefinition, subnets, securityGroup, topicArn })));
}

interface Resolved {
    readonly partition: string;
    readonly region: string;
    readonly cluster: string;
    readonly taskDefinition: string;
    readonly subnets: string[];
    readonly securityGroup: string;
    readonly topicArn: string;
}

function runTaskState(spec: RunnerSpec, r: Resolved, strategy: readonly CapacityProviderStrategyItem[], onCapacityExhausted: string): Record<string, unknown> {
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
            Overrides: { ContainerOverrides: [oneLine(CONTAINER_OVERRIDE)] },
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
            { ErrorEquals: ["States.ALL"], Next: STATES.notify, Assign: { task: {}, failure: `{% {'kind': ${str(RUN_FAILURES.runTaskFailed)}, 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}` } },
        ],
        Next: STATES.succeeded,
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
function timeoutStates(spec: RunnerSpec, r: Resolved): Record<string, unknown> {
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
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.notify, Assign: { failure: `{% ${notFound("' (which failed: ' & $states.errorOutput.Error & ')'")} %}` } }],
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
                    Next: STATES.notify,
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
            Next: STATES.notify,
        },
    };
}

function definition(spec: RunnerSpec, r: Resolved): Record<string, unknown> {
    const { retries } = spec;
    const spot = usesSpot(spec.strategy);
    const fallback = spot && retries.onDemandFallback;
    const logGroup = consoleLogName(spec.logGroupName);
    const stream = consoleLogName(`${MAIN_CONTAINER_NAME}/${MAIN_CONTAINER_NAME}/`);
    const executionLink = `'https://${r.region}.console.aws.amazon.com/states/home?region=${r.region}#/v2/executions/details/' & $states.context.Execution.Id`;
    const logLink = `'https://${r.region}.console.aws.amazon.com/cloudwatch/home?region=${r.region}#logsV2:log-groups/log-group/${logGroup}/log-events/${stream}' & $split($task.TaskArn, '/')[-1]`;
    const headline: Record<string, string> = {
        [RUN_FAILURES.containerFailed]: "failed",
        [RUN_FAILURES.timedOut]: `timed out after ${spec.timeoutSeconds} s`,
        [RUN_FAILURES.capacityUnavailable]: "could not get Fargate capacity",
        [RUN_FAILURES.runTaskFailed]: "could not start its task",
        [RUN_FAILURES.invalidInput]: "was refused: its input is not valid",
        [RUN_FAILURES.skipped]: "was skipped: another run is still running",
    };
    // A failure may bring its own headline (the three endings of a timeout); else the kind's.
    const headlineOf = `($exists($failure.headline) ? $failure.headline : $lookup(${JSON.stringify(headline)}, $failure.kind))`;
    const message = [
        `'Batch task ${spec.name} (stack ${spec.stack}): run ' & $run.id & ' ' & ${headlineOf} & '.'`,
        "''",
        "'Status: ' & $failure.kind",
        `'Attempts: ' & $string($attempt) & ' of ' & $string(${retries.attempts + 1})${spot ? ` & ($onDemand ? ' (the last on on-demand Fargate: spot capacity was unavailable)' : ' (on Fargate Spot)')` : ""}`,
        `'Exit code of the main container: ' & ($exists(${MAIN}.ExitCode) ? $string(${MAIN}.ExitCode) : 'none (the container did not run to an exit)')`,
        "'Stop code: ' & ($exists($task.StopCode) ? $task.StopCode : 'none') & ($task.StopCode in " + JSON.stringify(SPOT_STOP_CODES) + " ? ' (Fargate Spot reclaimed the capacity)' : '')",
        "'Stop reason: ' & ($exists($task.StoppedReason) ? $task.StoppedReason : 'none')",
        "'Error: ' & $string($failure.error)",
        "'Cause: ' & $substring($string($failure.cause), 0, 1500)",
        "'Started: ' & $run.startedAt",
        `'Execution: ' & ${executionLink}`,
        `($exists($task.TaskArn) ? 'Task logs: ' & ${logLink} : 'Task logs: no task ran')`,
    ].join(" & '\\n' & ");

    const states: Record<string, unknown> = {
        [STATES.start]: {
            Type: "Pass",
            Assign: {
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
                problems: oneLine(inputProblems(retries.attempts + 1)),
            },
            Next: STATES.checkInput,
        },
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
            Assign: { running: "{% [$states.result.Executions[ExecutionArn != $states.context.Execution.Id].Name] %}" },
            // Up to 101 executions: kept out of the next states' inputs, which the history records.
            Output: {},
            Next: STATES.checkConcurrency,
        },
        [STATES.checkConcurrency]: {
            Type: "Choice",
            Choices: [{ Condition: `{% $count($running) >= ${spec.concurrency} %}`, Next: STATES.skipped }],
            Default: STATES.run,
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
        [STATES.run]: runTaskState(spec, r, spec.strategy, fallback ? STATES.capacity : STATES.notify),
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
                { Condition: `{% ${MAIN}.ExitCode = 0 %}`, Next: STATES.succeeded },
                // ECS refused the run (no task): retrying cannot fix permissions or parameters.
                { Condition: "{% $not($exists($task.TaskArn)) %}", Next: STATES.notify },
                { Condition: `{% $attempt <= ${retries.attempts} %}`, Next: STATES.waitRetry },
            ],
            Default: STATES.notify,
        },
        [STATES.waitRetry]: {
            Type: "Wait",
            Seconds: `{% $floor(${retries.intervalSeconds} * $power(${retries.backoffRate}, $attempt - 1)) %}`,
            Assign: { attempt: "{% $attempt + 1 %}" },
            // After a fallback, later attempts stay on demand.
            Next: fallback ? STATES.nextAttempt : STATES.run,
        },
        ...timeoutStates(spec, r),
        [STATES.notify]: {
            Type: "Task",
            Resource: `arn:${r.partition}:states:::sns:publish`,
            Arguments: {
                TopicArn: r.topicArn,
                Subject: `{% $substring('Batch task ${spec.name} (${spec.stack}): run ' & ${headlineOf}, 0, ${RUN_LIMITS.subjectChars}) %}`,
                Message: `{% ${message} %}`,
            },
            Catch: [{ ErrorEquals: ["States.ALL"], Next: STATES.alertFailed }],
            Next: STATES.failed,
        },
        [STATES.failed]: {
            Type: "Fail",
            Error: "{% $failure.kind %}",
            Cause: `{% $substring(${headlineOf} & ': ' & $string($failure.error) & ' ' & $string($failure.cause), 0, 32768) %}`,
        },
        // Not a Batch.* error: the EventBridge rule alerts when the runner's own alert failed.
        [STATES.alertFailed]: { Type: "Fail", Error: "AlertNotSent", Cause: "{% 'The run failed and its alert could not be published: ' & $string($states.input.Error) %}" },
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
    };
    if (fallback) {
        states[STATES.capacity] = { Type: "Pass", Assign: { onDemand: true }, Next: STATES.runOnDemand };
        states[STATES.runOnDemand] = runTaskState(spec, r, ON_DEMAND, STATES.notify);
        states[STATES.nextAttempt] = { Type: "Choice", Choices: [{ Condition: "{% $onDemand %}", Next: STATES.runOnDemand }], Default: STATES.run };
    }
    return {
        Comment: `Runs one ${spec.name} task on Fargate: retries, timeout and alerts (see docs/aws-behaviour.md)`,
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
    const run = definition?.States?.[STATES.run] ?? {};
    const args = run.Arguments ?? run.Parameters ?? {};
    const judge = definition?.States?.[STATES.judge];
    const attemptsCondition = ((judge?.Choices ?? []) as any[]).map((c) => /^\{% \$attempt <= (\d+) %\}$/.exec(c?.Condition ?? "")).find((m) => m);
    const legacyRetry = run.Parameters ? run.Retry?.[0] : undefined;
    const attempts = attemptsCondition ? Number(attemptsCondition[1]) : (legacyRetry?.MaxAttempts ?? 0);
    const retryWait = definition?.States?.[STATES.waitRetry]?.Seconds;
    return {
        taskDefinition: args.TaskDefinition,
        strategy: args.CapacityProviderStrategy,
        assignPublicIp: args.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp,
        timeoutSeconds: run.TimeoutSeconds,
        attempts,
        retryWait,
        retryWaitsSeconds: retryWaitsOf(retryWait, legacyRetry, attempts),
        capacityRetry: run.Arguments ? run.Retry?.[0] : undefined,
        onDemandFallback: definition?.States?.[STATES.runOnDemand] !== undefined,
    };
}
