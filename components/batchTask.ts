import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import cron from "cron-validate";
import { ClusterInput, ResolvedCluster, resolveCluster, validateCluster } from "./cluster";
import { Validator } from "./errors";
import { ABORT_INCOMPLETE_UPLOADS, denyInsecureTransport } from "./accessLogs";
import { createAlarm, DashboardWidget, metricWidget } from "./alarms";
import { resolveAlertTopic, validateAlertDestination } from "./alerts";
import {
    capacityWaitSeconds,
    lastAttemptStartSeconds,
    longestRunIdentity,
    overrideChars,
    peakVcpu,
    RESULT_WRITER,
    RUN_ENVIRONMENT,
    RUN_FAILURE_PREFIX,
    RUN_INPUT_KEYS,
    RUN_LIMITS,
    RunOverrideInput,
    runnerDefinition,
    RunnerParallel,
    RunnerRetries,
    SHARD_ENVIRONMENT,
    SHARD_LIMITS,
    SHARDED_RUN_INPUT_KEYS,
    writesResults,
} from "./batchRunner";
import { assumeRolePolicy, AwsContext, policyDocument } from "./iam";
import { childName, NAME_LIMITS, physicalName, validateComponentName } from "./naming";
import { createEgressOnlySecurityGroup, TaskNetwork, taskEgress, validateTaskNetwork } from "./network";
import { createTaskDefinition, ENV_NAME, resolveTaskSpec, TaskDefinitionArgs, TaskDefinitionResources, TaskSpec } from "./taskDefinition";
import { validateTags } from "./tags";
import { componentOptions, TYPE_TOKENS } from "./tokens";

/** When a {@link BatchTask} runs by itself, through an EventBridge Scheduler schedule. */
export interface BatchTaskSchedule {
    /**
     * When to run, as EventBridge Scheduler reads it: `rate(N unit)` (unit `minute`, `hour` or
     * `day`, singular exactly when N is 1), `cron(minutes hours day-of-month month day-of-week year)`
     * (six fields; one of day-of-month and day-of-week must be `?`) or `at(yyyy-mm-ddThh:mm:ss)`
     * (one run). `cron` and `at` are read in `timezone`.
     * @example "cron(0 3 * * ? *)"
     * @example "rate(6 hours)"
     */
    readonly expression: string;
    /**
     * IANA time zone in which `cron` and `at` expressions are read (daylight saving included).
     * @default "UTC"
     * @example "Europe/Paris"
     */
    readonly timezone?: string;
    /**
     * Minutes, 1 to 1440, within which Scheduler may start the run at a time of its choosing
     * after the scheduled time (spreads load). Unset: runs start at the scheduled time.
     * @default off
     */
    readonly flexibleWindowMinutes?: number;
    /** Whether the schedule is active; `false` keeps it (and on-demand runs) but pauses scheduled runs. @default true */
    readonly enabled?: boolean;
    /**
     * The input of every scheduled run: overrides of the main container, `command` (a list of
     * strings) and `environment` (names to strings; names starting with `BATCH_` are the runner's).
     * As RunTask overrides they may hold at most 8,192 characters of JSON, with the runner's
     * `BATCH_*` variables and the JSON around them (under 300 characters).
     * @default {} (the task definition's command and environment)
     * @example { environment: { MODE: "full" } }
     */
    readonly input?: BatchRunInput;
}

/** What a run's input may override in the main container (on demand: the execution's input). */
export interface BatchRunInput {
    /** Replaces the image's command (and the task definition's `command`). */
    readonly command?: readonly string[];
    /** Added to the container's environment (the runner's `BATCH_*` variables cannot be set). */
    readonly environment?: Readonly<Record<string, string>>;
    /** With `parallel`: the run's shards, 1 to `parallel.shards`. @default parallel.shards */
    readonly shards?: number;
}

/**
 * A run as many tasks, its shards: each is judged as a run is (its main container's exit code,
 * its retries, capacity retries and spot fallback, its own timeout), and the run succeeds when
 * no more than `toleratedFailurePercent` of them failed; otherwise it ends FAILED with one alert
 * that names the failed shards. The shards are the child executions of a Step Functions Map state
 * in Distributed mode (each with its own 25,000-event history, up to 10,000 at once).
 */
export interface BatchTaskParallel {
    /**
     * Shards of a run, 1 to 10,000: each runs the task with `SHARD_INDEX` (0 to N-1, the same on
     * every attempt of the shard) and `SHARD_COUNT` (N) in its environment. A run's input may ask
     * for fewer (`{"shards": 40}`), never more; the alarms and the runs list count runs, not shards.
     * @example 100
     */
    readonly shards: number;
    /**
     * Most shards running at once, 1 to `shards`. Every running shard holds its task's vCPUs of the
     * account's Fargate vCPU quota in the Region (separate for on-demand and spot, shared by every
     * task of the account), and the run starts at most 10 shards a second (half of Fargate's
     * RunTask rate quota of 20 calls a second), so a wider fan-out takes longer to start.
     * @default min(shards, 10)
     */
    readonly maxConcurrent?: number;
    /**
     * Percentage of shards, a whole number from 0 to 100, that may fail (after their retries) while
     * the run still succeeds. Step Functions fails the run's Map state once failed shards / shards x 100
     * exceeds it, and stops the shards still running. Above 0, the component makes a bucket to which
     * Step Functions writes each run's shard results (`runs/<run id>/<Map Run id>/`: a manifest and
     * each shard's execution record, kept 14 days), so any number of tolerated failures fits (the
     * Map state's own result is only a reference to them; see `BatchTask.resultBucket`).
     * @default 0 (any failed shard fails the run; no bucket)
     */
    readonly toleratedFailurePercent?: number;
    /**
     * The account's Fargate vCPU quotas in this Region, as Service Quotas shows them ("Fargate
     * On-Demand vCPU resource count", "Fargate Spot vCPU resource count"): preview refuses a job
     * whose runs at their peak (`concurrency` x `maxConcurrent` tasks of the task's vCPUs, on each
     * capacity a task may land on, the spot fallback's on-demand included) would need more.
     * @default not checked
     * @example { onDemand: 4000, spot: 4000 }
     */
    readonly vcpuQuota?: { readonly onDemand?: number; readonly spot?: number };
}

/**
 * How a run is retried by its state machine. Three cases, handled apart:
 * - a failed attempt (the main container exited non-zero, or the task stopped before it ran, such
 *   as an image that could not be pulled) is retried `attempts` times, `intervalSeconds` x
 *   `backoffRate`^(n-1) apart; a sidecar's exit code never fails a run whose main container
 *   exited 0;
 * - no capacity (Fargate Spot "capacity is unavailable") or throttling is retried within the
 *   attempt, with jittered backoff (`capacity`), and does not spend an attempt; on Fargate Spot
 *   the run then falls back to on-demand Fargate (`spotFallbackToOnDemand`);
 * - an attempt that times out, or a run ECS refuses (permissions, parameters), is not retried.
 * Retried jobs must be safe to run twice (the runner passes `BATCH_RUN_ID`, the same for every
 * attempt of a run, for idempotency keys); set `attempts: 0` otherwise.
 */
export interface BatchTaskRetries {
    /** Retries after a failed attempt, 0 to 10 (1 = one retry, two attempts in all). @default 2 */
    readonly attempts: number;
    /** Seconds before the first retry, 1 to 86400. @default 60 */
    readonly intervalSeconds?: number;
    /** Factor by which the wait grows with each retry, 1 to 10 (1 = constant). @default 2 */
    readonly backoffRate?: number;
    /** Retries of one attempt while ECS has no capacity or throttles. @default { attempts: 5, intervalSeconds: 30, maxDelaySeconds: 300 } */
    readonly capacity?: {
        /** Retries, 0 to 20. @default 5 */
        readonly attempts?: number;
        /** Seconds before the first, 1 to 3600 (doubling, with full jitter). @default 30 */
        readonly intervalSeconds?: number;
        /** Longest wait between two, 1 to 3600 seconds. @default 300 */
        readonly maxDelaySeconds?: number;
    };
}

/**
 * Who hears about a failed run. There is always a topic: the given `topicArn` (a stack shares one),
 * or one the component creates. The runner publishes every failure it handles with its reason
 * (failed, timed out, no capacity, could not start; exit code, stop reason, attempts, links); an
 * EventBridge rule covers the rest (runs ABORTED or TIMED_OUT, and failures the runner could not
 * report). A scheduled run that could not start, and (with `noSuccessWithinHours`) a job that
 * stopped succeeding, raise alarms on the same topic.
 */
export interface BatchTaskAlerts {
    /**
     * Address subscribed to the alert topic. AWS mails a confirmation link first: nothing is
     * delivered until someone clicks it (unconfirmed subscriptions lapse after three days).
     * @example "oncall@example.com"
     */
    readonly email?: pulumi.Input<string>;
    /**
     * An existing standard SNS topic to publish to instead of creating one. Its policy must let
     * `events.amazonaws.com` and `cloudwatch.amazonaws.com` call `sns:Publish`, and it must not
     * be encrypted with the AWS-managed key `alias/aws/sns` (EventBridge and CloudWatch cannot use
     * it); a customer-managed key must let both services `kms:GenerateDataKey*` and `kms:Decrypt`.
     * The component does not change that topic's policy.
     * @default a new topic
     * @example "arn:aws:sns:eu-west-1:123456789012:oncall"
     */
    readonly topicArn?: pulumi.Input<string>;
    /**
     * Hours, 1 to 168, after which an alarm fires if no run succeeded in that window (catches a
     * schedule that silently stopped). Missing data counts as breaching, so the alarm is in
     * ALARM from deploy until the first success.
     * @default no such alarm
     * @example 26
     */
    readonly noSuccessWithinHours?: number;
    /** Publish runs skipped by `concurrency` too. @default false */
    readonly onSkipped?: boolean;
}

/** Arguments of {@link BatchTask}: the shared task definition arguments plus how runs happen. */
export interface BatchTaskArgs extends TaskDefinitionArgs {
    /**
     * ECS cluster to run in: `{ cluster, capacityProviders }` (the runner waits for the
     * association), an `aws.ecs.Cluster` or a cluster ARN. A given cluster must have the FARGATE
     * and FARGATE_SPOT capacity providers associated.
     * @default a new cluster with Container Insights and both Fargate capacity providers
     */
    readonly cluster?: ClusterInput;
    /**
     * Subnets and VPC of the task. The task gets a security group that admits nothing and sends
     * HTTPS (image pulls, secrets, logs, AWS APIs) and the `egressPorts` listed, or everything
     * with `allowAllEgress`.
     * @example { vpcId: vpc.vpcId, subnetIds: vpc.privateSubnetIds }
     */
    readonly network: TaskNetwork;
    /** Runs on a schedule as well as on demand. @default on demand only (see `runCommand`) */
    readonly schedule?: BatchTaskSchedule;
    /**
     * Seconds one attempt may run, 1 to 31536000 (one year, the longest a standard Step Functions
     * execution lasts). An attempt that runs longer is stopped (the runner finds its task in the
     * run's history and stops it; the alert says when it could not) and the run ends FAILED with
     * the error `Batch.TimedOut`, not retried.
     * @default 3600 (one hour)
     */
    readonly timeoutSeconds?: number;
    /** How runs are retried. @default { attempts: 2, intervalSeconds: 60, backoffRate: 2, capacity: { attempts: 5, intervalSeconds: 30, maxDelaySeconds: 300 } } */
    readonly retries?: BatchTaskRetries;
    /**
     * With Fargate Spot in `capacity`: when spot capacity stays unavailable after the capacity
     * retries, run the attempt on on-demand Fargate instead (the alert says so).
     * @default true
     */
    readonly spotFallbackToOnDemand?: boolean;
    /**
     * Most runs at once, 1 to 100. A run that starts while this many are running ends at once,
     * without a task, FAILED with the error `Batch.Skipped` (not alerted unless
     * `alerts.onSkipped`; never counted as a success). The count comes from ListExecutions, which is
     * eventually consistent: runs started within moments of each other may not see each other.
     * @default 1
     */
    readonly concurrency?: number;
    /** Each run as many tasks (shards), 1 to 10,000. @default one task a run */
    readonly parallel?: BatchTaskParallel;
    /** Where failures are reported. @default a topic of its own, without subscribers */
    readonly alerts?: BatchTaskAlerts;
    /**
     * Trace each run with AWS X-Ray (the state machine's steps and the ECS calls): a timeline of
     * where a slow or failed run spent its time. X-Ray charges per trace beyond its free tier.
     * @default false
     */
    readonly tracing?: boolean;
    /** Tags for every taggable resource the component creates; ECS copies the service's or task definition's to the tasks. @default none */
    readonly tags?: Readonly<Record<string, string>>;
}

/** Defaults of {@link BatchTaskArgs}; the TSDoc above repeats them. */
export const BATCH_TASK_DEFAULTS = {
    /** An hour stops a hung job from running (and billing) for ever; long jobs raise it. */
    timeoutSeconds: 3600,
    /** Two retries, one then two minutes apart, ride out brief outages without hammering a broken dependency. */
    retries: { attempts: 2, intervalSeconds: 60, backoffRate: 2 },
    /** Capacity comes back within minutes: five jittered tries over about ten minutes, never more than five minutes apart. */
    capacityRetries: { attempts: 5, intervalSeconds: 30, maxDelaySeconds: 300 },
    /** A job that must run beats a job that is cheap: on-demand when spot has no capacity. */
    spotFallbackToOnDemand: true,
    /** UTC reads the same in every region and has no daylight-saving gaps or repeats. */
    timezone: "UTC",
    /** Runs start at the scheduled time unless the user opts in to a flexible window. */
    flexibleWindow: "OFF",
    /** A schedule is meant to run; `enabled: false` is the explicit pause. */
    enabled: true,
    /** Scheduler's retries cover only failures to start an execution (throttling, a brief outage): a few, within an hour, then the dead-letter queue. */
    schedulerRetryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
    /** Two weeks (the SQS maximum) to notice and inspect a run that could not start. */
    deadLetterRetentionDays: 14,
    /** Two runs of one job at once usually fight over the same data. */
    concurrency: 1,
    /** A skipped run is expected when a job outlasts its schedule's interval; the no-success alarm still catches a job that never finishes. */
    alertOnSkipped: false,
    /** ERROR logs failed executions with their input and error at a fraction of ALL's volume. */
    executionLogLevel: "ERROR",
    /**
     * Ten shards at once: the run's first wave starts within a second at half of Fargate's RunTask
     * quota (20 calls a second), and a new account's small vCPU quota is not taken whole by one job.
     */
    maxConcurrent: 10,
    /** A failed shard fails the run: partial output is never called a success unless asked. */
    toleratedFailurePercent: 0,
} as const;

/** Ranges of the plain arguments, as AWS (or this library) allows them. */
export const BATCH_TASK_LIMITS = {
    /** One year: the longest a standard Step Functions execution can run. */
    timeoutSeconds: { min: 1, max: 31536000 },
    retryAttempts: { min: 0, max: 10 },
    /** A day between retries at most: longer belongs to the schedule. */
    retryIntervalSeconds: { min: 1, max: 86400 },
    /** Past 10 the waits outgrow any run. */
    backoffRate: { min: 1, max: 10 },
    capacityAttempts: { min: 0, max: 20 },
    capacitySeconds: { min: 1, max: 3600 },
    flexibleWindowMinutes: { min: 1, max: 1440 },
    /** A CloudWatch alarm over 1-hour periods can look back at most seven days. */
    noSuccessWithinHours: { min: 1, max: 168 },
    concurrency: { min: 1, max: 100 },
    /** Distributed Map runs up to 10,000 child executions at once: every shard can run at once. */
    shards: { min: 1, max: SHARD_LIMITS.shards },
    /** Whole percentages: the States Language schema (asl-validator's) takes an integer `ToleratedFailurePercentage`. */
    toleratedFailurePercent: { min: 0, max: 100 },
    /** Step Functions takes an execution input of at most 256 KiB. */
    inputBytes: 262144,
    /** ECS takes at most 8,192 characters of overrides per task, JSON formatting and the runner's own variables included. */
    overrideChars: RUN_LIMITS.overrideChars,
} as const;

/** How long a run's attempts can take, as {@link BatchTask.validate} reads them from its arguments. */
export interface BatchTaskTiming {
    /** Seconds one attempt may run. */
    readonly timeoutSeconds: number;
    /** The longest the capacity retries (and the spot fallback) can hold back one attempt's task. */
    readonly capacityWaitSeconds: number;
    /**
     * The latest second after the first attempt's task started at which the last attempt's task
     * can start: every earlier attempt's timeout, the waits between attempts and each retried
     * attempt's capacity waits.
     */
    readonly lastAttemptStartSeconds: number;
}

/** Execution statuses the EventBridge rule alerts on (FAILED only when the runner did not report it). */
export const BATCH_TASK_ALERTED_STATUSES: readonly string[] = ["FAILED", "TIMED_OUT", "ABORTED"];

/** What a state machine's role needs to send traces to X-Ray (no resource-level permissions). */
export const STEP_FUNCTIONS_TRACING_ACTIONS: readonly string[] = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"];

/** Actions Step Functions needs to deliver execution logs; AWS requires resource `*` for them. */
export const STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS: readonly string[] = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
];

/** The managed rule through which `ecs:runTask.sync` learns that the task stopped. */
const SYNC_RULE_NAME = "StepFunctionsGetEventsForECSTaskRule";
const EXPRESSION_FORMS = '"rate(N unit)", "cron(minutes hours day-of-month month day-of-week year)" or "at(yyyy-mm-ddThh:mm:ss)", such as "rate(1 day)" or "cron(0 3 * * ? *)"';

/** Why AWS would refuse a schedule expression, and how to fix it. */
export interface ScheduleExpressionProblem {
    readonly problem: string;
    readonly fix: string;
}

/**
 * The one rule for EventBridge Scheduler expressions, shared with the policy pack: `rate(N unit)`
 * (singular unit exactly when N is 1), `cron(...)` with six fields separated by single spaces
 * (checked with cron-validate's AWS preset, `?` in exactly one of day-of-month and day-of-week),
 * or `at(yyyy-mm-ddThh:mm:ss)` naming a real date and time. Undefined when AWS accepts it.
 */
export function scheduleExpressionProblem(expression: unknown): ScheduleExpressionProblem | undefined {
    if (typeof expression !== "string") {
        return { problem: "is not a schedule expression", fix: `use ${EXPRESSION_FORMS}` };
    }
    const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
    if (rate) {
        const [, value, unit] = rate;
        if (!/^[1-9]\d*$/.test(value)) {
            return { problem: "needs a whole number of at least 1", fix: 'write for example "rate(5 minutes)"' };
        }
        const singular = unit.replace(/s$/, "");
        if (!["minute", "hour", "day"].includes(singular)) {
            return { problem: `uses unit "${unit}", but rate() takes only minute(s), hour(s) or day(s)`, fix: 'write for example "rate(7 days)"' };
        }
        const wanted = value === "1" ? singular : `${singular}s`;
        if (unit !== wanted) {
            return { problem: `uses "${unit}" with ${value}, but AWS requires the singular unit exactly when the value is 1`, fix: `write "rate(${value} ${wanted})"` };
        }
        return undefined;
    }
    const cronMatch = /^cron\((.*)\)$/.exec(expression);
    if (cronMatch) {
        const fields = cronMatch[1].split(" ");
        if (fields.some((f) => f === "" || /\s/.test(f))) {
            return { problem: "must separate its fields with single spaces, with none just inside the parentheses", fix: 'write it like "cron(0 3 * * ? *)"' };
        }
        if (fields.length !== 6) {
            return {
                problem: `has ${fields.length} fields, but AWS cron expressions have six: minutes hours day-of-month month day-of-week year`,
                fix: 'add the missing fields, for example "cron(0 3 * * ? *)" (daily at 03:00)',
            };
        }
        if ((fields[2] === "?") === (fields[4] === "?")) {
            return {
                problem: 'must have "?" in exactly one of day-of-month (third field) and day-of-week (fifth field)',
                fix: 'write "?" in the one you do not use, for example "cron(0 3 * * ? *)" or "cron(0 3 ? * MON-FRI *)"',
            };
        }
        const result = cron(fields.join(" "), { preset: "aws-cloud-watch" });
        if (result.isError()) {
            const reasons = [...new Set(result.getError().map((e) => e.replace(/\s*\(Input cron: .*\)$/, "").replace(/\.$/, "")))];
            return {
                problem: `is not a valid cron expression: ${reasons.join("; ")}`,
                fix: "fix that field (minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT, year 1970-2199)",
            };
        }
        return undefined;
    }
    const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
    if (at) {
        const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
        const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
        const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
        return real ? undefined : { problem: "is not a real date and time", fix: 'write a valid one such as "at(2030-01-31T03:00:00)"' };
    }
    return { problem: "is not a schedule expression", fix: `use ${EXPRESSION_FORMS}` };
}

/** Validates an EventBridge Scheduler expression with {@link scheduleExpressionProblem}. Throws an {@link ArgumentError}; returns the expression. */
export function validateScheduleExpression(v: Validator, path: string, expression: unknown): string {
    const found = scheduleExpressionProblem(expression);
    if (found) {
        throw v.error(path, expression, found.problem, found.fix);
    }
    return expression as string;
}

/**
 * Validates an IANA time zone name as written in the tz database: each part starts with a capital
 * ("utc" and offsets such as "+01:00" are refused), and the runtime's time zone data knows it.
 */
export function validateTimezone(v: Validator, path: string, timezone: unknown): string {
    let known = typeof timezone === "string" && /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(timezone);
    if (known) {
        try {
            new Intl.DateTimeFormat("en-US", { timeZone: timezone as string });
        } catch {
            known = false;
        }
    }
    if (!known) {
        throw v.error(path, timezone, "is not an IANA time zone", 'use a name such as "UTC", "Europe/Paris" or "America/New_York"');
    }
    return timezone as string;
}

interface ResolvedSchedule {
    readonly expression: string;
    readonly timezone: string;
    readonly flexibleWindowMinutes?: number;
    readonly enabled: boolean;
    readonly input: string;
    /** The input as given, for the size of the overrides it makes. */
    readonly overrides: RunOverrideInput;
}


/**
 * Validates a run's input as the runner reads it (`command`, `environment`, and with `parallel`
 * its `shards`) and returns it as the JSON a schedule passes. Throws an {@link ArgumentError}.
 */
export function validateRunInput(v: Validator, path: string, input: unknown, parallel?: Pick<RunnerParallel, "shards">): string {
    if (input === undefined) {
        return "{}";
    }
    if (!isObject(input)) {
        throw v.error(path, input, "must be an object", 'give { command?, environment? }, for example { environment: { MODE: "full" } }');
    }
    const record = input as Record<string, unknown>;
    const keys = parallel ? SHARDED_RUN_INPUT_KEYS : RUN_INPUT_KEYS;
    const reserved: string[] = [...Object.values(RUN_ENVIRONMENT), ...(parallel ? Object.values(SHARD_ENVIRONMENT) : [])];
    // Every key and variable is reported, not only the first wrong one.
    const before = v.problemCount;
    for (const key of Object.keys(record)) {
        if (!keys.includes(key)) {
            v.record(v.error(`${path}.${key}`, record[key], `is not a run input key (known: ${keys.join(", ")})`, "remove it or fix its spelling"));
        }
    }
    if (parallel && record.shards !== undefined) {
        v.check(() => v.integer(`${path}.shards`, record.shards as number, 1, parallel.shards, "shards (parallel.shards is the most a run may ask for)"));
    }
    const command = record.command;
    if (command !== undefined && (!Array.isArray(command) || command.some((c) => typeof c !== "string"))) {
        v.record(v.error(`${path}.command`, command, "must be a list of strings", 'write it as ["executable", "arg"]'));
    }
    const environment = record.environment;
    if (environment !== undefined) {
        if (!isObject(environment)) {
            v.record(v.error(`${path}.environment`, environment, "must be an object of names to strings", 'write it like { MODE: "full" }'));
        }
        for (const [name, value] of Object.entries(isObject(environment) ? (environment as Record<string, unknown>) : {})) {
            if (!ENV_NAME.test(name)) {
                v.record(v.error(`${path}.environment.${name}`, name, "is not a valid environment variable name (letters, digits, _; not starting with a digit)", "rename the variable"));
            } else if (name.startsWith("BATCH_") || reserved.includes(name)) {
                v.record(v.error(`${path}.environment.${name}`, name, `is set by the runner (${reserved.join(", ")})`, "use another name"));
            }
            if (typeof value !== "string") {
                v.record(v.error(`${path}.environment.${name}`, value, "must be a string", "quote the value"));
            }
        }
    }
    v.throwSince(before);
    let text: string;
    try {
        text = JSON.stringify(input);
    } catch {
        throw v.error(path, input, "cannot be written as JSON", "give plain strings, lists and objects");
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > BATCH_TASK_LIMITS.inputBytes) {
        throw v.error(path, `${bytes} bytes`, `is larger than the ${BATCH_TASK_LIMITS.inputBytes} bytes Step Functions takes as an execution input`, "pass large data by reference (an S3 key) instead");
    }
    return text;
}

/** A sharded job's settings, resolved, with the quotas its peak is checked against. */
interface ResolvedParallel extends RunnerParallel {
    readonly vcpuQuota?: { readonly onDemand?: number; readonly spot?: number };
}

/** Validates `parallel` and applies its defaults. Throws an {@link ArgumentError}. */
function resolveParallel(v: Validator, parallel: BatchTaskParallel | undefined): ResolvedParallel | undefined {
    if (parallel === undefined) {
        return undefined;
    }
    if (!isObject(parallel)) {
        throw v.error("parallel", parallel, "must be an object", "give { shards, maxConcurrent?, toleratedFailurePercent? }, for example { shards: 100 }");
    }
    const l = BATCH_TASK_LIMITS;
    const d = BATCH_TASK_DEFAULTS;
    // Each setting is checked on its own; maxConcurrent against shards only when shards is valid.
    const before = v.problemCount;
    const shards = v.check(() => v.integer("parallel.shards", parallel.shards, l.shards.min, l.shards.max, "shards"));
    const most = shards ?? l.shards.max;
    const maxConcurrent = v.check(() => {
        const value = parallel.maxConcurrent ?? Math.min(most, d.maxConcurrent);
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > most) {
            throw v.error("parallel.maxConcurrent", value, `must be a whole number from 1 to ${most}${shards !== undefined ? " (parallel.shards: more could never run at once)" : ""}`, `set it within 1..${most}`);
        }
        return value;
    });
    const percent = parallel.toleratedFailurePercent ?? d.toleratedFailurePercent;
    const tolerance = v.check(() => {
        if (typeof percent !== "number" || !Number.isInteger(percent) || percent < l.toleratedFailurePercent.min || percent > l.toleratedFailurePercent.max) {
            throw v.error("parallel.toleratedFailurePercent", percent, "must be a whole percentage from 0 to 100 (0: any failed shard fails the run; 100: the run succeeds whatever its shards did)", "set it within 0..100");
        }
        return percent;
    });
    const quota = parallel.vcpuQuota;
    if (quota !== undefined && !isObject(quota)) {
        v.record(v.error("parallel.vcpuQuota", quota, "must be an object", "give { onDemand?, spot? }, the vCPU quotas Service Quotas shows for Fargate in this Region"));
    }
    for (const key of ["onDemand", "spot"] as const) {
        const value = isObject(quota) ? quota![key] : undefined;
        if (value !== undefined) {
            v.check(() => v.number(`parallel.vcpuQuota.${key}`, value, 0, 1_000_000));
        }
    }
    v.throwSince(before);
    return { shards: shards!, maxConcurrent: maxConcurrent!, toleratedFailurePercent: tolerance!, ...(isObject(quota) ? { vcpuQuota: quota } : {}) };
}

/**
 * Refuses a job whose runs at their peak would need more Fargate vCPUs than the quota the user
 * stated, on on-demand and on spot apart (AWS keeps a quota for each).
 */
function validateVcpuPeak(v: Validator, parallel: ResolvedParallel, spec: TaskSpec, concurrency: number, onDemandFallback: boolean): void {
    const vcpu = spec.size.cpu / 1024;
    const tasks = concurrency * parallel.maxConcurrent;
    const peak = peakVcpu(vcpu, tasks, spec.capacityProviderStrategy, onDemandFallback);
    const names = { onDemand: ["on-demand Fargate", "Fargate On-Demand vCPU resource count"], spot: ["Fargate Spot", "Fargate Spot vCPU resource count"] } as const;
    for (const key of ["onDemand", "spot"] as const) {
        const quota = parallel.vcpuQuota?.[key];
        if (quota === undefined || peak[key] <= quota) {
            continue;
        }
        const fits = Math.floor(quota / (vcpu * concurrency));
        v.record(
            v.error(
                `parallel.vcpuQuota.${key}`,
                quota,
                `is below the job's peak of ${peak[key]} vCPUs on ${names[key][0]} (concurrency ${concurrency} x parallel.maxConcurrent ${parallel.maxConcurrent} x ${vcpu} vCPU a task), and the quota is shared by every Fargate task of the account in the Region`,
                fits >= 1 ? `lower parallel.maxConcurrent to ${fits} or less, or ask AWS to raise "${names[key][1]}" in Service Quotas` : `ask AWS to raise "${names[key][1]}" in Service Quotas, or use a smaller task`,
            ),
        );
    }
}

interface ResolvedAlerts {
    readonly email?: pulumi.Input<string>;
    readonly topicArn?: pulumi.Input<string>;
    readonly noSuccessWithinHours?: number;
    readonly onSkipped: boolean;
}

/** Everything the constructor needs, validated and with defaults applied, before anything registers. */
interface BatchTaskPlan {
    readonly name: string;
    readonly spec: TaskSpec;
    readonly network: TaskNetwork;
    readonly timeoutSeconds: number;
    readonly retries: RunnerRetries;
    readonly schedule?: ResolvedSchedule;
    readonly alerts: ResolvedAlerts;
    readonly concurrency: number;
    readonly tracing: boolean;
    readonly parallel?: ResolvedParallel;
}

function isObject(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveSchedule(v: Validator, schedule: BatchTaskSchedule | undefined, parallel?: RunnerParallel): ResolvedSchedule | undefined {
    if (schedule === undefined) {
        return undefined;
    }
    if (!isObject(schedule)) {
        throw v.error("schedule", schedule, "must be an object", 'give { expression }, for example { expression: "cron(0 3 * * ? *)" }');
    }
    const limits = BATCH_TASK_LIMITS.flexibleWindowMinutes;
    // Each field is checked on its own: a wrong expression does not hide a wrong time zone.
    const before = v.problemCount;
    const resolved = {
        expression: v.check(() => validateScheduleExpression(v, "schedule.expression", schedule.expression))!,
        timezone: v.check(() => validateTimezone(v, "schedule.timezone", schedule.timezone ?? BATCH_TASK_DEFAULTS.timezone))!,
        flexibleWindowMinutes: schedule.flexibleWindowMinutes === undefined ? undefined : v.check(() => v.integer("schedule.flexibleWindowMinutes", schedule.flexibleWindowMinutes!, limits.min, limits.max, "minutes")),
        enabled: schedule.enabled === undefined ? BATCH_TASK_DEFAULTS.enabled : v.check(() => v.boolean("schedule.enabled", schedule.enabled))!,
        input: v.check(() => validateRunInput(v, "schedule.input", schedule.input, parallel))!,
        overrides: (schedule.input ?? {}) as RunOverrideInput,
    };
    v.throwSince(before);
    return resolved;
}

/**
 * Refuses an input whose overrides ECS would refuse at RunTask: more than 8,192 characters with
 * the longest identity the runner adds (an 80-character run id, on the last attempt).
 */
function validateOverrideSize(v: Validator, path: string, input: RunOverrideInput, lastAttempt: number, shards?: number): void {
    const identity = longestRunIdentity(lastAttempt, shards);
    const chars = overrideChars(input, identity);
    if (chars > RUN_LIMITS.overrideChars) {
        const own = chars - overrideChars({}, identity);
        const variables = [...Object.values(RUN_ENVIRONMENT), ...(shards !== undefined ? Object.values(SHARD_ENVIRONMENT) : [])];
        throw v.error(
            path,
            `${own} characters of command and environment`,
            `makes ${chars} characters of container overrides with the runner's ${variables.join(", ")} (${chars - own} at most), over the ${RUN_LIMITS.overrideChars} ECS allows per task, JSON formatting included`,
            "shorten the command or environment, or pass large values by reference (an S3 key)",
        );
    }
}

function resolveRetries(v: Validator, retries: BatchTaskRetries | undefined, fallback: unknown): RunnerRetries {
    const d = BATCH_TASK_DEFAULTS;
    const l = BATCH_TASK_LIMITS;
    // Each setting is checked on its own; the capacity delays are compared only when both are valid.
    const before = v.problemCount;
    const onDemandFallback = fallback === undefined ? d.spotFallbackToOnDemand : v.check(() => v.boolean("spotFallbackToOnDemand", fallback));
    if (retries !== undefined && !isObject(retries)) {
        throw v.error("retries", retries, "must be an object", "give { attempts, intervalSeconds?, backoffRate?, capacity? }");
    }
    const r = retries ?? d.retries;
    const attempts = v.check(() => v.integer("retries.attempts", r.attempts, l.retryAttempts.min, l.retryAttempts.max));
    const intervalSeconds = v.check(() => v.integer("retries.intervalSeconds", r.intervalSeconds ?? d.retries.intervalSeconds, l.retryIntervalSeconds.min, l.retryIntervalSeconds.max, "seconds"));
    const backoffRate = r.backoffRate ?? d.retries.backoffRate;
    if (typeof backoffRate !== "number" || !Number.isFinite(backoffRate) || backoffRate < l.backoffRate.min || backoffRate > l.backoffRate.max) {
        v.record(v.error("retries.backoffRate", backoffRate, `must be a number from ${l.backoffRate.min} to ${l.backoffRate.max} (1 keeps the wait constant, 2 doubles it)`, `set it within ${l.backoffRate.min}..${l.backoffRate.max}`));
    }
    const capacity = (r as BatchTaskRetries).capacity;
    if (capacity !== undefined && !isObject(capacity)) {
        v.record(v.error("retries.capacity", capacity, "must be an object", "give { attempts?, intervalSeconds?, maxDelaySeconds? }"));
    }
    const given = isObject(capacity) ? capacity : undefined;
    const c = d.capacityRetries;
    const capacityIntervalSeconds = v.check(() => v.integer("retries.capacity.intervalSeconds", given?.intervalSeconds ?? c.intervalSeconds, l.capacitySeconds.min, l.capacitySeconds.max, "seconds"));
    const capacityMaxDelaySeconds = v.check(() => v.integer("retries.capacity.maxDelaySeconds", given?.maxDelaySeconds ?? c.maxDelaySeconds, l.capacitySeconds.min, l.capacitySeconds.max, "seconds"));
    if (capacityIntervalSeconds !== undefined && capacityMaxDelaySeconds !== undefined && capacityMaxDelaySeconds < capacityIntervalSeconds) {
        v.record(v.error("retries.capacity.maxDelaySeconds", capacityMaxDelaySeconds, `is shorter than retries.capacity.intervalSeconds (${capacityIntervalSeconds})`, "raise maxDelaySeconds or lower intervalSeconds"));
    }
    const capacityAttempts = v.check(() => v.integer("retries.capacity.attempts", given?.attempts ?? c.attempts, l.capacityAttempts.min, l.capacityAttempts.max));
    v.throwSince(before);
    return {
        attempts: attempts!,
        intervalSeconds: intervalSeconds!,
        backoffRate,
        capacityAttempts: capacityAttempts!,
        capacityIntervalSeconds: capacityIntervalSeconds!,
        capacityMaxDelaySeconds: capacityMaxDelaySeconds!,
        onDemandFallback: onDemandFallback!,
    };
}

function resolveAlerts(v: Validator, alerts: BatchTaskAlerts | undefined): ResolvedAlerts {
    if (alerts === undefined) {
        return { onSkipped: BATCH_TASK_DEFAULTS.alertOnSkipped };
    }
    if (!isObject(alerts)) {
        throw v.error("alerts", alerts, "must be an object", 'give { email } or { topicArn }, for example { email: "oncall@example.com" }');
    }
    // A wrong address does not hide a wrong threshold.
    const before = v.problemCount;
    v.check(() => validateAlertDestination(v, alerts));
    const limits = BATCH_TASK_LIMITS.noSuccessWithinHours;
    const resolved = {
        email: alerts.email,
        topicArn: alerts.topicArn,
        noSuccessWithinHours: alerts.noSuccessWithinHours === undefined ? undefined : v.check(() => v.integer("alerts.noSuccessWithinHours", alerts.noSuccessWithinHours!, limits.min, limits.max, "hours")),
        onSkipped: alerts.onSkipped === undefined ? BATCH_TASK_DEFAULTS.alertOnSkipped : v.check(() => v.boolean("alerts.onSkipped", alerts.onSkipped))!,
    };
    v.throwSince(before);
    return resolved;
}

/** Validates every plain argument and applies the defaults. Throws every problem it found as one error; registers nothing. */
function planBatchTask(name: string, args: BatchTaskArgs): BatchTaskPlan {
    const v = new Validator(name);
    v.check(() => validateComponentName(v, name));
    // Every independent check records its problem, so one run reports all of them.
    const spec = v.check(() => resolveTaskSpec(v, name, args));
    if (typeof args !== "object" || args === null) {
        v.done();
    }
    const network = v.check(() => validateTaskNetwork(v, args.network));
    v.check(() => validateCluster(v, args.cluster));
    const limits = BATCH_TASK_LIMITS;
    const parallel = v.check(() => resolveParallel(v, args.parallel));
    const plan = {
        name,
        spec: spec!,
        network: network!,
        schedule: v.check(() => resolveSchedule(v, args.schedule, parallel)),
        timeoutSeconds: v.check(() => v.integer("timeoutSeconds", args.timeoutSeconds ?? BATCH_TASK_DEFAULTS.timeoutSeconds, limits.timeoutSeconds.min, limits.timeoutSeconds.max, "seconds"))!,
        retries: v.check(() => resolveRetries(v, args.retries, args.spotFallbackToOnDemand))!,
        alerts: v.check(() => resolveAlerts(v, args.alerts))!,
        concurrency: v.check(() => v.integer("concurrency", args.concurrency ?? BATCH_TASK_DEFAULTS.concurrency, limits.concurrency.min, limits.concurrency.max, "runs"))!,
        tracing: args.tracing === undefined ? false : v.check(() => v.boolean("tracing", args.tracing))!,
        ...(parallel ? { parallel } : {}),
    };
    if (plan.schedule && plan.retries) {
        const { schedule, retries } = plan;
        v.check(() => validateOverrideSize(v, "schedule.input", schedule.overrides, retries.attempts + 1, parallel?.shards));
    }
    if (parallel) {
        // The task's own environment: the runner sets these for each shard.
        for (const name of Object.values(SHARD_ENVIRONMENT)) {
            if (isObject(args.environment) && Object.hasOwn(args.environment as object, name)) {
                v.record(v.error(`environment.${name}`, name, "is set by the runner for each shard", "use another name"));
            }
        }
        if (spec && plan.retries && plan.concurrency !== undefined) {
            validateVcpuPeak(v, parallel, spec, plan.concurrency, plan.retries.onDemandFallback);
        }
    }
    v.check(() => validateTags(v, args.tags));
    v.done();
    return plan;
}

/** The parts of a BatchTask the later steps build on. */
interface Foundation {
    readonly task: TaskDefinitionResources;
    readonly cluster: ResolvedCluster;
    readonly securityGroup: aws.ec2.SecurityGroup;
}

/**
 * Least privilege for the runner: RunTask of this family in this cluster, watch, tag, list and
 * stop its tasks there, pass the two task roles, the `.sync` rule, publish to the alerts topic,
 * and the log delivery Step Functions needs.
 */
function runnerPolicy(plan: BatchTaskPlan, f: Foundation, topicArn: pulumi.Input<string>, resultBucket?: aws.s3.Bucket): pulumi.Output<string> {
    const { partition, region, accountId } = f.task.aws;
    const tasks = pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:task/${f.cluster.name}/*`;
    return policyDocument([
        {
            Sid: "RunTask",
            Action: ["ecs:RunTask"],
            Resource: [pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:task-definition/${plan.spec.family}:*`],
            Condition: { ArnEquals: { "ecs:cluster": f.cluster.arn } },
        },
        { Sid: "WatchTask", Action: ["ecs:StopTask", "ecs:DescribeTasks"], Resource: [tasks] },
        // A timed-out attempt's task is found in the run's history, or else by its startedBy.
        // ListTasks authorizes on the cluster's container-instance ARNs (Service Authorization
        // Reference), with ecs:cluster.
        {
            Sid: "FindTimedOutTask",
            Action: ["ecs:ListTasks"],
            Resource: [pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:container-instance/${f.cluster.name}/*`],
            Condition: { ArnEquals: { "ecs:cluster": f.cluster.arn } },
        },
        {
            Sid: "PassTaskRoles",
            Action: ["iam:PassRole"],
            Resource: [f.task.taskRole.arn, f.task.executionRole.arn],
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        // RunTask applies tags (PropagateTags, managed tags); with tag authorization on, that needs TagResource on the new task.
        { Sid: "TagRunTask", Action: ["ecs:TagResource"], Resource: [tasks], Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } } },
        { Sid: "SyncRule", Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"], Resource: [pulumi.interpolate`arn:${partition}:events:${region}:${accountId}:rule/${SYNC_RULE_NAME}`] },
        { Sid: "PublishFailure", Action: ["sns:Publish"], Resource: [topicArn] },
        // Log delivery actions have no resource-level permissions: AWS requires "*".
        { Sid: "LogDelivery", Action: [...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS], Resource: ["*"] },
        // So have X-Ray's.
        ...(plan.tracing ? [{ Sid: "Tracing", Action: [...STEP_FUNCTIONS_TRACING_ACTIONS], Resource: ["*"] }] : []),
        // The Map state's ResultWriter writes the shards' results under runs/ (AWS's "IAM policies for ResultWriter").
        ...(resultBucket ? [{ Sid: "WriteShardResults", Action: [...RESULT_WRITER_ACTIONS], Resource: [pulumi.interpolate`${resultBucket.arn}/${RESULT_WRITER.prefix}/*`] }] : []),
        ...(plan.spec.args.kmsKeyArn !== undefined
            ? [
                  // The execution logs are delivered under the key; the topic it publishes to is under it too.
                  { Sid: "EncryptedExecutionLogs", Action: ["kms:GenerateDataKey"], Resource: [plan.spec.args.kmsKeyArn], Condition: { StringLike: { "kms:EncryptionContext:SourceArn": pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:*` } } },
                  { Sid: "EncryptedTopic", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: [plan.spec.args.kmsKeyArn] },
                  // The results bucket is under the key too: the ResultWriter writes (in parts) under it.
                  ...(resultBucket ? [{ Sid: "EncryptedShardResults", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [plan.spec.args.kmsKeyArn] }] : []),
              ]
            : []),
    ]);
}

/**
 * What the state machine's role needs to write a Distributed Map's results to S3, on the objects
 * under its prefix (AWS's "IAM policies for ResultWriter"; the same four in aws-cdk-lib's
 * `ResultWriter.providePolicyStatements`).
 */
export const RESULT_WRITER_ACTIONS: readonly string[] = ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"];

/**
 * The bucket a sharded job with a tolerance writes its shards' results to: private (public access
 * blocked, ACLs off), encrypted (the job's key with a bucket key, else SSE-S3), TLS only, each
 * run's results expiring after 14 days and unfinished multipart uploads after a day. Not
 * versioned: Step Functions writes each object once, under a key of its own Map Run, and nothing
 * else writes there, so there is no earlier version to keep. Emptied on delete: it holds only
 * copies of what the Map Runs and executions show, and a job that drops its tolerance (or is
 * removed) must not fail on a bucket that still holds results.
 */
function createResultBucket(parent: pulumi.Resource, name: string, kmsKeyArn?: pulumi.Input<string>): { bucket: aws.s3.Bucket; encryption: aws.s3.BucketServerSideEncryptionConfiguration; tlsOnly: aws.s3.BucketPolicy } {
    // Bucket names are lower case; the prefix leaves room for the provider's 26-character suffix within 63.
    const bucketPrefix = `${physicalName([name.toLowerCase()], 24, /[a-z0-9-]/)}-results-`;
    const bucket = new aws.s3.Bucket(childName(name, "results"), { bucketPrefix, forceDestroy: true }, { parent });
    const opts = { parent: bucket };
    new aws.s3.BucketPublicAccessBlock(childName(name, "results-public-access"), { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
    new aws.s3.BucketOwnershipControls(childName(name, "results-ownership"), { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        childName(name, "results-encryption"),
        {
            bucket: bucket.id,
            // A bucket key keeps the KMS requests (and their cost) down.
            rules: [kmsKeyArn !== undefined ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true } : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        opts,
    );
    const tlsOnly = new aws.s3.BucketPolicy(childName(name, "results-tls-only"), { bucket: bucket.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(bucket.arn)] }) }, opts);
    new aws.s3.BucketLifecycleConfiguration(
        childName(name, "results-expiry"),
        {
            bucket: bucket.id,
            rules: [{ id: "expire-results", status: "Enabled", filter: { prefix: `${RESULT_WRITER.prefix}/` }, expiration: { days: RESULT_WRITER.expirationDays } }, ABORT_INCOMPLETE_UPLOADS],
        },
        opts,
    );
    return { bucket, encryption, tlsOnly };
}

/** `/aws/vendedlogs/states/<project>-<stack>-<name>`: the vendedlogs prefix keeps CloudWatch Logs' resource policy from growing with every state machine. */
function executionLogGroupName(name: string): string {
    const prefix = "/aws/vendedlogs/states/";
    return prefix + physicalName([pulumi.getProject(), pulumi.getStack(), name], NAME_LIMITS.logGroup - prefix.length, /[A-Za-z0-9_.#-]/);
}

interface Runner {
    readonly stateMachine: aws.sfn.StateMachine;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** What must exist before a run starts. */
    readonly ready: pulumi.Resource[];
    /** Where a sharded run with a tolerance writes its shards' results. */
    readonly resultBucket?: aws.s3.Bucket;
}

/** The standard state machine that runs the task, its role and its execution log group. */
function createRunner(parent: pulumi.Resource, plan: BatchTaskPlan, f: Foundation, topicArn: pulumi.Output<string>): Runner {
    const { name } = plan;
    const opts = { parent };
    const results = writesResults(plan.parallel) ? createResultBucket(parent, name, plan.spec.args.kmsKeyArn) : undefined;
    const resultBucket = results?.bucket;
    const role = new aws.iam.Role(
        childName(name, "runner-role", NAME_LIMITS.iamRole),
        { assumeRolePolicy: assumeRolePolicy("states.amazonaws.com", f.task.aws.accountId), description: `Step Functions role of ${name}: runs its task, nothing else` },
        opts,
    );
    const policy = new aws.iam.RolePolicy(childName(name, "runner-policy"), { role: role.id, policy: runnerPolicy(plan, f, topicArn, resultBucket) }, opts);
    const kmsKeyArn = plan.spec.args.kmsKeyArn;
    const logGroup = new aws.cloudwatch.LogGroup(
        childName(name, "runner-logs"),
        { name: executionLogGroupName(name), retentionInDays: plan.spec.logRetentionDays, ...(kmsKeyArn !== undefined ? { kmsKeyId: kmsKeyArn } : {}) },
        opts,
    );
    const stateMachine = new aws.sfn.StateMachine(
        childName(name, "runner", NAME_LIMITS.stateMachine),
        {
            type: "STANDARD",
            roleArn: role.arn,
            definition: runnerDefinition({
                name,
                stack: pulumi.getStack(),
                ctx: f.task.aws,
                clusterArn: f.cluster.arn,
                taskDefinitionArn: f.task.taskDefinition.arn,
                strategy: plan.spec.capacityProviderStrategy,
                subnetIds: plan.network.subnetIds,
                securityGroupId: f.securityGroup.id,
                assignPublicIp: plan.network.assignPublicIp ?? false,
                timeoutSeconds: plan.timeoutSeconds,
                retries: plan.retries,
                topicArn,
                logGroupName: plan.spec.logGroupName,
                concurrency: plan.concurrency,
                alertOnSkipped: plan.alerts.onSkipped,
                ...(plan.parallel ? { parallel: plan.parallel } : {}),
                ...(resultBucket ? { resultBucket: resultBucket.bucket } : {}),
            }),
            ...(plan.tracing ? { tracingConfiguration: { enabled: true } } : {}),
            // Execution data (inputs, outputs, the runner's state) under the customer's key.
            ...(kmsKeyArn !== undefined ? { encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 } } : {}),
            loggingConfiguration: {
                logDestination: pulumi.interpolate`${logGroup.arn}:*`,
                level: BATCH_TASK_DEFAULTS.executionLogLevel,
                includeExecutionData: true,
            },
        },
        // AWS checks the role's log delivery rights when the state machine is created; runs need the
        // cluster's capacity providers; a run started by hand must not write results before the
        // bucket has its key and its TLS-only policy.
        { parent, dependsOn: [policy, ...f.cluster.dependencies, ...(results ? [results.encryption, results.tlsOnly] : [])] },
    );
    // The concurrency check lists this state machine's own runs, and a timeout reads the run's own
    // history: a policy of its own, as the state machine's ARN exists only once it does (runs
    // start after it: schedules wait for it). A sharded job's runs also start their shards (child
    // executions of this state machine) and read them back.
    const { partition, region, accountId } = f.task.aws;
    const executions = (label?: string) => pulumi.interpolate`arn:${partition}:states:${region}:${accountId}:execution:${stateMachine.name}${label !== undefined ? `/${label}` : ""}:*`;
    const shards = executions(SHARD_LIMITS.label);
    const mapRuns = pulumi.interpolate`arn:${partition}:states:${region}:${accountId}:mapRun:${stateMachine.name}/${SHARD_LIMITS.label}:*`;
    const listRuns = new aws.iam.RolePolicy(
        childName(name, "runner-list-runs"),
        {
            role: role.id,
            policy: policyDocument([
                { Sid: "CountRunningRuns", Action: ["states:ListExecutions"], Resource: [stateMachine.arn] },
                // A timed-out attempt's task is read from the run's own history (its TaskSubmitted event); a shard's, from the shard's.
                { Sid: "ReadOwnHistory", Action: ["states:GetExecutionHistory"], Resource: plan.parallel ? [executions(), shards] : [executions()] },
                ...(plan.parallel
                    ? [
                          // The Distributed Map state starts the shards as executions of this state machine, and watches and stops them.
                          { Sid: "StartShards", Action: ["states:StartExecution"], Resource: [stateMachine.arn] },
                          { Sid: "WatchShards", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [shards] },
                          // After the map, the run finds its Map Run, counts its shards and lists the failed ones.
                          { Sid: "FindMapRun", Action: ["states:ListMapRuns"], Resource: [executions()] },
                          { Sid: "ReadMapRun", Action: ["states:DescribeMapRun", "states:ListExecutions"], Resource: [mapRuns] },
                      ]
                    : []),
                // The runs' data is under the key, in this state machine's encryption context only (a shard's, in its labelled one as well).
                ...(kmsKeyArn !== undefined
                    ? [
                          {
                              Sid: "EncryptedExecutions",
                              Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                              Resource: [kmsKeyArn],
                              Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": plan.parallel ? [stateMachine.arn, pulumi.interpolate`${stateMachine.arn}/${SHARD_LIMITS.label}`] : stateMachine.arn } },
                          },
                      ]
                    : []),
            ]),
        },
        opts,
    );
    // A scheduled run writes its results under the job's key only once the bucket's encryption is set.
    return { stateMachine, role, logGroup, ready: [listRuns], resultBucket };
}

interface Scheduled {
    readonly schedule: aws.scheduler.Schedule;
    readonly role: aws.iam.Role;
    readonly deadLetterQueue: aws.sqs.Queue;
}

/** The EventBridge Scheduler schedule that starts executions, its role and its dead-letter queue. */
function createSchedule(parent: pulumi.Resource, plan: BatchTaskPlan, schedule: ResolvedSchedule, ctx: AwsContext, runner: Runner): Scheduled {
    const stateMachine = runner.stateMachine;
    const { name } = plan;
    const opts = { parent };
    const deadLetterQueue = new aws.sqs.Queue(
        childName(name, "schedule-dlq", NAME_LIMITS.sqsQueue),
        {
            ...(plan.spec.args.kmsKeyArn !== undefined ? { kmsMasterKeyId: plan.spec.args.kmsKeyArn } : { sqsManagedSseEnabled: true }),
            messageRetentionSeconds: BATCH_TASK_DEFAULTS.deadLetterRetentionDays * 86400,
        },
        opts,
    );
    const role = new aws.iam.Role(
        childName(name, "schedule-role", NAME_LIMITS.iamRole),
        { assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com", ctx.accountId), description: `EventBridge Scheduler role of ${name}: starts its runs` },
        opts,
    );
    const policy = new aws.iam.RolePolicy(
        childName(name, "schedule-policy"),
        {
            role: role.id,
            policy: policyDocument([
                { Sid: "StartRun", Action: ["states:StartExecution"], Resource: [stateMachine.arn] },
                { Sid: "DeadLetter", Action: ["sqs:SendMessage"], Resource: [deadLetterQueue.arn] },
                // The schedule's input and the dead-letter queue are under the key.
                ...(plan.spec.args.kmsKeyArn !== undefined ? [{ Sid: "EncryptedScheduleAndDeadLetters", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [plan.spec.args.kmsKeyArn] }] : []),
            ]),
        },
        opts,
    );
    const resource = new aws.scheduler.Schedule(
        childName(name, "schedule", NAME_LIMITS.schedule),
        {
            description: `Starts a run of ${name}`,
            scheduleExpression: schedule.expression,
            scheduleExpressionTimezone: schedule.timezone,
            flexibleTimeWindow: schedule.flexibleWindowMinutes === undefined ? { mode: BATCH_TASK_DEFAULTS.flexibleWindow } : { mode: "FLEXIBLE", maximumWindowInMinutes: schedule.flexibleWindowMinutes },
            state: schedule.enabled ? "ENABLED" : "DISABLED",
            ...(plan.spec.args.kmsKeyArn !== undefined ? { kmsKeyArn: plan.spec.args.kmsKeyArn } : {}),
            target: {
                arn: stateMachine.arn,
                roleArn: role.arn,
                input: schedule.input,
                retryPolicy: { ...BATCH_TASK_DEFAULTS.schedulerRetryPolicy },
                deadLetterConfig: { arn: deadLetterQueue.arn },
            },
        },
        { parent, dependsOn: [policy, ...runner.ready] },
    );
    return { schedule: resource, role, deadLetterQueue };
}


/**
 * The EventBridge pattern of failures the runner did not report itself: runs ABORTED (stopped by
 * someone) or TIMED_OUT, and runs FAILED with an error that is not one of the runner's
 * `Batch.*` errors (or with no error in the event: older events lack it, and a duplicate beats
 * silence).
 */
export function unreportedFailurePattern(stateMachineArn: pulumi.Input<string>, runsOnly?: { readonly executionArnPrefix: pulumi.Input<string> }): pulumi.Output<string> {
    return pulumi.jsonStringify({
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: {
            stateMachineArn: [stateMachineArn],
            // A shard's execution (execution:<state machine>/<label>:<id>) is not a run: a run
            // that failed reports its shards itself, and one aborted stops them.
            ...(runsOnly ? { executionArn: [{ prefix: runsOnly.executionArnPrefix }] } : {}),
            $or: [
                { status: ["TIMED_OUT", "ABORTED"] },
                { status: ["FAILED"], error: [{ "anything-but": { prefix: RUN_FAILURE_PREFIX } }] },
                { status: ["FAILED"], error: [{ exists: false }] },
            ],
        },
    });
}

/** The message EventBridge publishes for a failure the runner did not report: one quoted line per line of the email. */
function unreportedFailureMessage(name: string, region: pulumi.Output<string>, logGroupName: string): pulumi.Output<string> {
    return pulumi.interpolate`"Batch task ${name} (stack ${pulumi.getStack()}): a run ended <status>, without the runner's own report (stopped by someone, or the runner itself failed)."
"Execution: <execution>"
"Time: <time>"
"Console: https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/<execution>"
"Task logs: CloudWatch log group ${logGroupName}"`;
}

/** An EventBridge rule on this state machine's runs that failed without the runner's report, publishing a readable message. */
function createUnreportedFailureAlert(parent: pulumi.Resource, plan: BatchTaskPlan, ctx: AwsContext, stateMachine: aws.sfn.StateMachine, topicArn: pulumi.Output<string>): void {
    const { name } = plan;
    const rule = new aws.cloudwatch.EventRule(
        childName(name, "run-failed", NAME_LIMITS.eventRule),
        {
            description: `A run of ${name} ended ${BATCH_TASK_ALERTED_STATUSES.join(", ")} without the runner's own alert`,
            eventPattern: unreportedFailurePattern(
                stateMachine.arn,
                plan.parallel ? { executionArnPrefix: pulumi.interpolate`arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:execution:${stateMachine.name}:` } : undefined,
            ),
        },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        childName(name, "run-failed-alert"),
        {
            rule: rule.name,
            arn: topicArn,
            inputTransformer: {
                inputPaths: { execution: "$.detail.executionArn", status: "$.detail.status", time: "$.time" },
                inputTemplate: unreportedFailureMessage(name, ctx.region, plan.spec.logGroupName),
            },
        },
        { parent },
    );
}

/** An alarm on a message in the dead-letter queue: a scheduled run that could not be started. */
function createDeadLetterAlarm(parent: pulumi.Resource, name: string, deadLetterQueue: aws.sqs.Queue, topicArn: pulumi.Output<string>): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        childName(name, "schedule-dlq-alarm", NAME_LIMITS.alarm),
        {
            alarmDescription: `A scheduled run of ${name} could not be started (see the dead-letter queue)`,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: deadLetterQueue.name },
            statistic: "Maximum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [topicArn],
            okActions: [topicArn],
        },
        { parent },
    );
}

/** An alarm when no run succeeded in the last `hours` hours. */
function createNoSuccessAlarm(parent: pulumi.Resource, name: string, hours: number, stateMachine: aws.sfn.StateMachine, topicArn: pulumi.Output<string>): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        childName(name, "no-success-alarm", NAME_LIMITS.alarm),
        {
            alarmDescription: `No run of ${name} succeeded in the last ${hours} hour${hours === 1 ? "" : "s"}`,
            namespace: "AWS/States",
            metricName: "ExecutionsSucceeded",
            dimensions: { StateMachineArn: stateMachine.arn },
            statistic: "Sum",
            period: 3600,
            evaluationPeriods: hours,
            datapointsToAlarm: hours,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            // No execution at all is exactly what this alarm is for.
            treatMissingData: "breaching",
            alarmActions: [topicArn],
            okActions: [topicArn],
        },
        { parent },
    );
}

/** A share of one attempt's timeout after which a finished run is reported as close to it. */
const LONG_RUN_SHARE = 0.8;

/**
 * An alarm when a run (of a sharded job, a shard) took over 80% of one attempt's timeout: raise
 * the timeout before attempts start timing out. A shard's executions report their metrics under
 * the labelled ARN `<state machine ARN>/<label>`.
 */
function createLongRunAlarm(parent: pulumi.Resource, name: string, timeoutSeconds: number, runs: { StateMachineArn: pulumi.Output<string> }, topicArn: pulumi.Output<string>, sharded = false): aws.cloudwatch.MetricAlarm {
    const limitMs = Math.round(timeoutSeconds * 1000 * LONG_RUN_SHARE);
    return createAlarm(
        parent,
        name,
        {
            role: "long-run",
            description: sharded
                ? `A shard of ${name} took over ${LONG_RUN_SHARE * 100}% of its ${timeoutSeconds} s timeout (retries and waits included): raise timeoutSeconds, or make the job faster, before shards time out.`
                : `A run of ${name} took over ${LONG_RUN_SHARE * 100}% of its ${timeoutSeconds} s timeout (retries and waits included): raise timeoutSeconds, or make the job faster, before runs time out.`,
            metric: { namespace: "AWS/States", metricName: "ExecutionTime", dimensions: runs, stat: "Maximum" },
            comparison: "GreaterThanThreshold",
            threshold: limitMs,
            periodSeconds: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
        },
        topicArn,
    );
}

/** The job's dashboard widgets: runs by outcome each hour, and their duration (with shards, the shards' too). */
function batchWidgets(name: string, region: pulumi.Input<string>, runs: { StateMachineArn: pulumi.Output<string> }, shards?: { StateMachineArn: pulumi.Output<string> }): pulumi.Output<DashboardWidget>[] {
    const metric = (dimensions: { StateMachineArn: pulumi.Output<string> }) => (metricName: string, stat: string, label: string) => ({ namespace: "AWS/States", metricName, dimensions, stat, label });
    const states = metric(runs);
    return [
        metricWidget(`${name}: runs`, region, [states("ExecutionsStarted", "Sum", "started"), states("ExecutionsSucceeded", "Sum", "succeeded"), states("ExecutionsFailed", "Sum", "failed"), states("ExecutionsTimedOut", "Sum", "timed out")], 3600),
        metricWidget(`${name}: run duration (ms)`, region, [states("ExecutionTime", "Average", "average"), states("ExecutionTime", "Maximum", "longest")], 3600),
        ...(shards
            ? [
                  metricWidget(
                      `${name}: shards`,
                      region,
                      [metric(shards)("ExecutionsStarted", "Sum", "started"), metric(shards)("ExecutionsSucceeded", "Sum", "succeeded"), metric(shards)("ExecutionsFailed", "Sum", "failed"), metric(shards)("ExecutionsAborted", "Sum", "stopped")],
                      3600,
                  ),
              ]
            : []),
    ];
}

/**
 * A container that runs to completion on Fargate, on demand (`runCommand`) or on a schedule, with
 * a timeout, retries and alerts when a run fails.
 *
 * A Step Functions state machine runs the task with `ecs:runTask.sync` (see `batchRunner.ts`), so
 * a run is an execution. It ends SUCCEEDED when the main container exited 0 (whatever sidecars
 * did), or FAILED with an error that says why: `Batch.ContainerFailed` (after the retries),
 * `Batch.TimedOut` (its task stopped, or the alert says why not), `Batch.CapacityUnavailable`, `Batch.RunTaskFailed`;
 * ABORTED when someone stopped it. The main container gets `BATCH_RUN_ID`,
 * `BATCH_RUN_STARTED_AT` and `BATCH_ATTEMPT`. With `parallel`, a run is up to 10,000 tasks, its
 * shards (`SHARD_INDEX`, `SHARD_COUNT`), each judged as a run, and the run fails
 * `Batch.ShardsFailed`, with one alert naming them, when more failed than it tolerates. An optional EventBridge Scheduler schedule starts
 * executions, with a dead-letter queue for runs that could not start. Every failure, a run that
 * could not start and (with `noSuccessWithinHours`) a job that stopped succeeding are published
 * to the alerts topic (given, or its own).
 *
 * Every child is an `@pulumi/aws` resource parented to this component, so Pulumi's `transforms`
 * resource option reaches them all.
 *
 * @example
 * new BatchTask("nightly", {
 *     image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/report:1.4",
 *     user: "1000",
 *     network: { vpcId: vpc.vpcId, subnetIds: vpc.privateSubnetIds },
 *     schedule: { expression: "cron(0 3 * * ? *)", timezone: "Europe/Paris" },
 *     alerts: { email: "oncall@example.com", noSuccessWithinHours: 26 },
 * });
 */
export class BatchTask extends pulumi.ComponentResource {
    /** The Fargate task definition of one run. */
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    /** The container logs (`/ecs/<project>/<stack>/<name>`). */
    public readonly logGroup: aws.cloudwatch.LogGroup;
    /** The role ECS uses to pull images, write logs and read secrets. */
    public readonly executionRole: aws.iam.Role;
    /** The role of the job's own code. */
    public readonly taskRole: aws.iam.Role;
    /** The task's security group: no ingress; HTTPS and the listed ports out. */
    public readonly securityGroup: aws.ec2.SecurityGroup;
    /** The cluster, when this component created it. */
    public readonly cluster?: aws.ecs.Cluster;
    /** The standard state machine whose executions are the runs. */
    public readonly stateMachine: aws.sfn.StateMachine;
    /** The state machine's role. */
    public readonly stateMachineRole: aws.iam.Role;
    /** The state machine's execution log group (`/aws/vendedlogs/states/<project>-<stack>-<name>`). */
    public readonly stateMachineLogGroup: aws.cloudwatch.LogGroup;
    /** The schedule, when `schedule` is given. */
    public readonly schedule?: aws.scheduler.Schedule;
    /** The schedule's role, when `schedule` is given. */
    public readonly scheduleRole?: aws.iam.Role;
    /** Scheduled runs that could not be started, when `schedule` is given. */
    public readonly deadLetterQueue?: aws.sqs.Queue;
    /** The alert topic, when the component created it (no `alerts.topicArn`). */
    public readonly alertTopic?: aws.sns.Topic;
    /** With `parallel.toleratedFailurePercent` above 0: the bucket each run's shard results are written to, under `runs/<run id>/`. */
    public readonly resultBucket?: aws.s3.Bucket;
    /** Its alarms: a run close to its timeout, a scheduled run that could not start, no success in `noSuccessWithinHours` (failures are published by an EventBridge rule). */
    public readonly alarms: aws.cloudwatch.MetricAlarm[];
    /** Dashboard widgets: runs by outcome, and their duration. */
    public readonly widgets: pulumi.Output<DashboardWidget>[];
    /** ARN of the topic alerts go to (created or given). */
    public readonly alertTopicArn: pulumi.Output<string>;
    /** The AWS CLI command that starts one run now, with an empty input to fill (`command`, `environment`). */
    public readonly runCommand: pulumi.Output<string>;

    /**
     * Checks `args` as the constructor would, without creating anything: a program can check all
     * its components before it creates its first resource (values that are Outputs are skipped).
     * Returns how long a run's attempts can take, for checks of the job's own (such as an
     * idempotency window its attempts must share).
     */
    static validate(name: string, args: BatchTaskArgs): BatchTaskTiming {
        const plan = planBatchTask(name, args);
        const strategy = plan.spec.capacityProviderStrategy;
        return {
            timeoutSeconds: plan.timeoutSeconds,
            capacityWaitSeconds: capacityWaitSeconds(plan.retries, strategy),
            lastAttemptStartSeconds: lastAttemptStartSeconds(plan.timeoutSeconds, plan.retries, strategy),
        };
    }

    constructor(name: string, args: BatchTaskArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planBatchTask(name, args);
        super(TYPE_TOKENS.BatchTask, name, {}, componentOptions("BatchTask", opts, args.tags));

        const task = createTaskDefinition(this, plan.spec);
        const cluster = resolveCluster(this, name, args.cluster);
        const securityGroup = createEgressOnlySecurityGroup(this, name, "sg", `Batch task ${name}: no inbound traffic, limited outbound`, plan.network.vpcId, taskEgress(plan.network));
        const alertTopic = resolveAlertTopic(this, name, plan.alerts, task.aws, args.kmsKeyArn);
        const runner = createRunner(this, plan, { task, cluster, securityGroup }, alertTopic.arn);
        const scheduled = plan.schedule ? createSchedule(this, plan, plan.schedule, task.aws, runner) : undefined;
        createUnreportedFailureAlert(this, plan, task.aws, runner.stateMachine, alertTopic.arn);
        const runs = { StateMachineArn: runner.stateMachine.arn };
        // A shard's metrics come under the state machine's ARN with the Map Run's label.
        const shards = plan.parallel ? { StateMachineArn: pulumi.interpolate`${runner.stateMachine.arn}/${SHARD_LIMITS.label}` } : undefined;
        this.alarms = [
            createLongRunAlarm(this, name, plan.timeoutSeconds, shards ?? runs, alertTopic.arn, shards !== undefined),
            ...(scheduled ? [createDeadLetterAlarm(this, name, scheduled.deadLetterQueue, alertTopic.arn)] : []),
            ...(plan.alerts.noSuccessWithinHours !== undefined ? [createNoSuccessAlarm(this, name, plan.alerts.noSuccessWithinHours, runner.stateMachine, alertTopic.arn)] : []),
        ];
        this.widgets = batchWidgets(name, task.aws.region, runs, shards);

        this.taskDefinition = task.taskDefinition;
        this.logGroup = task.logGroup;
        this.executionRole = task.executionRole;
        this.taskRole = task.taskRole;
        this.securityGroup = securityGroup;
        this.cluster = cluster.cluster;
        this.stateMachine = runner.stateMachine;
        this.stateMachineRole = runner.role;
        this.stateMachineLogGroup = runner.logGroup;
        this.schedule = scheduled?.schedule;
        this.scheduleRole = scheduled?.role;
        this.deadLetterQueue = scheduled?.deadLetterQueue;
        this.alertTopic = alertTopic.topic;
        this.resultBucket = runner.resultBucket;
        this.alertTopicArn = alertTopic.arn;
        // The input is where a run's command and environment go: {"command": [...], "environment": {...}}.
        this.runCommand = pulumi.interpolate`aws stepfunctions start-execution --state-machine-arn ${runner.stateMachine.arn} --region ${task.aws.region} --input '{}'`;

        this.registerOutputs({
            taskDefinitionArn: this.taskDefinition.arn,
            stateMachineArn: this.stateMachine.arn,
            scheduleArn: this.schedule?.arn,
            deadLetterQueueUrl: this.deadLetterQueue?.url,
            alertTopicArn: this.alertTopicArn,
            runCommand: this.runCommand,
        });
    }
}
