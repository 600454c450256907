/**
 * How a long-running service deploys, shared by {@link WebService} and {@link WorkerService}: the
 * strategies (rolling, and ECS's own blue/green, canary and linear), their validation and the
 * service's `deploymentConfiguration`, the roles and hooks of the traffic-shifting ones, the
 * deployment alarms, and the service arguments every long-running service has.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CapacityProviderStrategyItem } from "./capacity";
import { ResolvedCluster } from "./cluster";
import { Validator } from "./errors";
import { assumeRolePolicy, policyDocument } from "./iam";
import { childName, NAME_LIMITS } from "./naming";
import { TaskNetwork } from "./network";

/** Rolling deployment bounds, as percentages of the desired count. */
export interface DeploymentArgs {
    /**
     * How a new version replaces the old (ECS's own strategies, no CodeDeploy): `rolling` replaces
     * tasks in place; `blueGreen` starts the new version beside the old on a second target group,
     * then moves all traffic at once; `canary` moves `canary.percent` first, then the rest;
     * `linear` moves `linear.stepPercent` at a time. The traffic-shifting ones need twice the
     * tasks during a deploy and keep the old version for `bakeTimeMinutes` to roll back to.
     * @default "rolling"
     */
    readonly strategy?: DeploymentStrategy;
    /** Rolling only: tasks that must stay running during a deploy, 0 to 100 (rounded up). @default 100 */
    readonly minHealthyPercent?: number;
    /** Rolling only: tasks that may run during a deploy, 100 to 200 (rounded down). @default 200 */
    readonly maxPercent?: number;
    /** Traffic-shifting strategies: minutes both versions run after all traffic moved, 0 to 1440 (the window for an alarm rollback). @default 10 */
    readonly bakeTimeMinutes?: number;
    /** `canary`: the share of traffic tried first, 0.1 to 100 in steps of 0.1, and minutes before the rest moves, 0 to 1440. @default { percent: 10, bakeMinutes: 10 } */
    readonly canary?: { readonly percent?: number; readonly bakeMinutes?: number };
    /** `linear`: the share moved at each step, 3 to 100 in steps of 0.1, and minutes between steps, 0 to 1440. @default { stepPercent: 25, stepBakeMinutes: 5 } */
    readonly linear?: { readonly stepPercent?: number; readonly stepBakeMinutes?: number };
    /**
     * Traffic-shifting strategies: a test listener rule that sends requests carrying this header
     * to the new version before it takes production traffic (check it, or let a hook do it).
     * @default none
     * @example { header: "X-Deploy-Test", value: "green" }
     */
    readonly testTraffic?: { readonly header: string; readonly value: string };
    /** Traffic-shifting strategies: lifecycle hooks, a Lambda function or a pause at the stages AWS allows. @default none */
    readonly hooks?: readonly DeploymentHookArgs[];
}

/** ECS's deployment strategies, as this library names them. */
export type DeploymentStrategy = "rolling" | "blueGreen" | "linear" | "canary";

/** A stage of a traffic-shifting deployment at which ECS can call a hook. */
export type DeploymentStage =
    | "RECONCILE_SERVICE"
    | "PRE_SCALE_UP"
    | "POST_SCALE_UP"
    | "TEST_TRAFFIC_SHIFT"
    | "POST_TEST_TRAFFIC_SHIFT"
    | "PRODUCTION_TRAFFIC_SHIFT"
    | "POST_PRODUCTION_TRAFFIC_SHIFT";

/** A lifecycle hook: give `lambdaArn` (ECS invokes it and goes on when it returns SUCCEEDED) or `pause`. */
export interface DeploymentHookArgs {
    /** When ECS calls the hook. A pause cannot be at `TEST_TRAFFIC_SHIFT` or `PRODUCTION_TRAFFIC_SHIFT`. */
    readonly stages: readonly DeploymentStage[];
    /** A Lambda function ECS invokes (the component makes the role that lets it). */
    readonly lambdaArn?: pulumi.Input<string>;
    /** Stop until someone continues or rolls back the deployment, or the timeout (1 to 20160 minutes) takes `onTimeout`. */
    readonly pause?: { readonly timeoutMinutes?: number; readonly onTimeout?: "ROLLBACK" | "CONTINUE" };
    /** JSON-serialisable details ECS passes to the Lambda function. @default none */
    readonly details?: Readonly<Record<string, unknown>>;
}

/** Defaults of {@link DeploymentArgs}; the TSDoc of each argument repeats them. */
export const DEPLOYMENT_DEFAULTS = {
    /**
     * Rolling keeps one target group and no spare capacity, full capacity during a deploy and
     * doubled at most; the traffic-shifting strategies keep the old version ten minutes for an
     * alarm rollback, canary tries 10% for ten minutes, linear moves a quarter every five minutes.
     */
    strategy: "rolling" as DeploymentStrategy,
    minHealthyPercent: 100,
    maxPercent: 200,
    bakeTimeMinutes: 10,
    canary: { percent: 10, bakeMinutes: 10 },
    linear: { stepPercent: 25, stepBakeMinutes: 5 },
} as const;

/** The deployment, validated, with the defaults of its strategy. */
export interface ResolvedDeployment {
    readonly strategy: DeploymentStrategy;
    readonly minHealthyPercent: number;
    readonly maxPercent: number;
    /** Traffic-shifting strategies only. */
    readonly bakeTimeMinutes?: number;
    readonly canary?: { readonly percent: number; readonly bakeMinutes: number };
    readonly linear?: { readonly stepPercent: number; readonly stepBakeMinutes: number };
    readonly testTraffic?: { readonly header: string; readonly value: string };
    readonly hooks: readonly DeploymentHookArgs[];
}

/** ECS's name of each strategy. */
export const ECS_DEPLOYMENT_STRATEGIES: Readonly<Record<DeploymentStrategy, string>> = { rolling: "ROLLING", blueGreen: "BLUE_GREEN", linear: "LINEAR", canary: "CANARY" };

/** Limits of ECS's traffic-shifting settings (docs/aws-behaviour.md). */
export const DEPLOYMENT_LIMITS = {
    bakeMinutes: { min: 0, max: 1440 },
    canaryPercent: { min: 0.1, max: 100 },
    linearStepPercent: { min: 3, max: 100 },
    pauseTimeoutMinutes: { min: 1, max: 20160 },
    headerNameLength: 40,
    headerValueLength: 128,
} as const;

const DEPLOYMENT_STAGES: readonly DeploymentStage[] = ["RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"];
/** Stages while traffic moves: a pause hook cannot hold them. */
const PAUSE_FORBIDDEN_STAGES: readonly DeploymentStage[] = ["TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"];
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** A multiple of 0.1 within `min..max` (ECS takes percentages to one decimal). */
function tenths(v: Validator, path: string, value: number, min: number, max: number): number {
    v.number(path, value, min, max);
    if (Math.abs(value * 10 - Math.round(value * 10)) > 1e-9) {
        throw v.error(path, value, "must be a multiple of 0.1", `round it, for example ${Math.round(value * 10) / 10}`);
    }
    return value;
}

function validateHooks(v: Validator, hooks: readonly DeploymentHookArgs[] | undefined, testTraffic: boolean): DeploymentHookArgs[] {
    if (hooks === undefined) {
        return [];
    }
    if (!Array.isArray(hooks)) {
        throw v.error("deployment.hooks", hooks, "must be a list", "give [{ stages, lambdaArn }] or [{ stages, pause }]");
    }
    // Every hook, and every part of one, is reported: one wrong stage does not hide the next hook.
    const before = v.problemCount;
    hooks.forEach((hook, i) => {
        const path = `deployment.hooks[${i}]`;
        if ((hook?.lambdaArn === undefined) === (hook?.pause === undefined)) {
            v.record(v.conflict(path, "needs exactly one of lambdaArn and pause", "give a Lambda function to invoke, or a pause"));
        }
        if (typeof hook?.lambdaArn === "string" && !LAMBDA_ARN.test(hook.lambdaArn)) {
            v.record(v.error(`${path}.lambdaArn`, hook.lambdaArn, "is not a Lambda function ARN", 'use "arn:aws:lambda:REGION:ACCOUNT:function:NAME"'));
        }
        if (!Array.isArray(hook?.stages) || hook.stages.length === 0) {
            v.record(v.error(`${path}.stages`, hook?.stages, "must list at least one stage", `give stages among ${DEPLOYMENT_STAGES.join(", ")}`));
        }
        (Array.isArray(hook?.stages) ? hook.stages : []).forEach((stage: DeploymentStage, j: number) => {
            if (v.check(() => v.oneOf(`${path}.stages[${j}]`, stage, DEPLOYMENT_STAGES)) === undefined) {
                return;
            }
            if (hook.pause !== undefined && PAUSE_FORBIDDEN_STAGES.includes(stage)) {
                return v.record(v.error(`${path}.stages[${j}]`, stage, "cannot hold a pause: traffic is moving at that stage (AWS allows pauses at the other stages)", "use the POST_ stage after it, or a Lambda hook"));
            }
            if (!testTraffic && (stage === "TEST_TRAFFIC_SHIFT" || stage === "POST_TEST_TRAFFIC_SHIFT")) {
                v.record(v.error(`${path}.stages[${j}]`, stage, "happens only with a test listener rule", "give deployment.testTraffic, or hook another stage"));
            }
        });
        if (hook?.pause !== undefined) {
            const t = DEPLOYMENT_LIMITS.pauseTimeoutMinutes;
            if (hook.pause.timeoutMinutes !== undefined) {
                v.check(() => v.integer(`${path}.pause.timeoutMinutes`, hook.pause!.timeoutMinutes!, t.min, t.max, "minutes"));
            }
            if (hook.pause.onTimeout !== undefined) {
                v.check(() => v.oneOf(`${path}.pause.onTimeout`, hook.pause!.onTimeout, ["ROLLBACK", "CONTINUE"] as const));
            }
        }
    });
    v.throwSince(before);
    return [...hooks];
}

/** Checks `deployment` against ECS's rules, for services that may run `counts` tasks when they deploy. */
export function validateDeployment(v: Validator, deployment: DeploymentArgs | undefined, counts: number[]): ResolvedDeployment {
    const d = DEPLOYMENT_DEFAULTS;
    const l = DEPLOYMENT_LIMITS;
    const strategy = v.oneOf("deployment.strategy", deployment?.strategy ?? d.strategy, Object.keys(ECS_DEPLOYMENT_STRATEGIES) as DeploymentStrategy[]);
    // Each setting is checked on its own (which ones apply depends on the strategy).
    const before = v.problemCount;
    if (strategy !== "rolling") {
        // Settings that only a rolling deploy reads would be ignored: refuse them rather than mislead.
        for (const key of ["minHealthyPercent", "maxPercent"] as const) {
            if (deployment?.[key] !== undefined) {
                v.record(v.conflict(`deployment.${key}`, `applies to rolling deploys only; a ${strategy} deploy starts the whole new version beside the old one`, `remove it, or use strategy "rolling"`));
            }
        }
        if (deployment?.canary !== undefined && strategy !== "canary") {
            v.record(v.conflict("deployment.canary", `applies to strategy "canary" only, not "${strategy}"`, 'remove it, or use strategy "canary"'));
        }
        if (deployment?.linear !== undefined && strategy !== "linear") {
            v.record(v.conflict("deployment.linear", `applies to strategy "linear" only, not "${strategy}"`, 'remove it, or use strategy "linear"'));
        }
        const testTraffic = deployment?.testTraffic;
        if (testTraffic !== undefined) {
            if (typeof testTraffic?.header !== "string" || testTraffic.header.length === 0 || testTraffic.header.length > l.headerNameLength || !HEADER_NAME.test(testTraffic.header)) {
                v.record(v.error("deployment.testTraffic.header", testTraffic?.header, `is not an HTTP header name AWS matches (1 to ${l.headerNameLength} token characters, no wildcards)`, 'write it like "X-Deploy-Test"'));
            }
            if (typeof testTraffic?.value !== "string" || testTraffic.value.length === 0 || testTraffic.value.length > l.headerValueLength || /[*?]/.test(testTraffic.value)) {
                v.record(v.error("deployment.testTraffic.value", testTraffic?.value, `must be 1 to ${l.headerValueLength} characters without wildcards (only the test requests may match)`, 'write it like "green"'));
            }
        }
        const resolved: ResolvedDeployment = {
            strategy,
            minHealthyPercent: d.minHealthyPercent,
            maxPercent: d.maxPercent,
            bakeTimeMinutes: v.check(() => v.integer("deployment.bakeTimeMinutes", deployment?.bakeTimeMinutes ?? d.bakeTimeMinutes, l.bakeMinutes.min, l.bakeMinutes.max, "minutes")),
            ...(strategy === "canary"
                ? {
                      canary: {
                          percent: v.check(() => tenths(v, "deployment.canary.percent", deployment?.canary?.percent ?? d.canary.percent, l.canaryPercent.min, l.canaryPercent.max))!,
                          bakeMinutes: v.check(() => v.integer("deployment.canary.bakeMinutes", deployment?.canary?.bakeMinutes ?? d.canary.bakeMinutes, l.bakeMinutes.min, l.bakeMinutes.max, "minutes"))!,
                      },
                  }
                : {}),
            ...(strategy === "linear"
                ? {
                      linear: {
                          stepPercent: v.check(() => tenths(v, "deployment.linear.stepPercent", deployment?.linear?.stepPercent ?? d.linear.stepPercent, l.linearStepPercent.min, l.linearStepPercent.max))!,
                          stepBakeMinutes: v.check(() => v.integer("deployment.linear.stepBakeMinutes", deployment?.linear?.stepBakeMinutes ?? d.linear.stepBakeMinutes, l.bakeMinutes.min, l.bakeMinutes.max, "minutes"))!,
                      },
                  }
                : {}),
            ...(testTraffic ? { testTraffic: { header: testTraffic.header, value: testTraffic.value } } : {}),
            hooks: v.check(() => validateHooks(v, deployment?.hooks, testTraffic !== undefined))!,
        };
        v.throwSince(before);
        return resolved;
    }
    for (const key of ["bakeTimeMinutes", "canary", "linear", "testTraffic", "hooks"] as const) {
        if (deployment?.[key] !== undefined) {
            v.record(v.conflict(`deployment.${key}`, "applies to the traffic-shifting strategies only (blueGreen, linear, canary); a rolling deploy would ignore it", 'set deployment.strategy, or remove it'));
        }
    }
    const bounds = v.check(() => validateRollingBounds(v, deployment ?? {}, d, counts));
    v.throwSince(before);
    return { strategy, ...bounds!, hooks: [] };
}

/**
 * A rolling deploy's bounds, as percentages of the desired count, checked to make progress with
 * each of `counts` tasks (the counts a service may have when it deploys).
 */
export function validateRollingBounds(
    v: Validator,
    deployment: { readonly minHealthyPercent?: number; readonly maxPercent?: number },
    defaults: { readonly minHealthyPercent: number; readonly maxPercent: number },
    counts: readonly number[],
): { minHealthyPercent: number; maxPercent: number } {
    // Both bounds are checked; whether they make progress, only when both are valid.
    const before = v.problemCount;
    const minHealthyPercent = v.check(() => v.integer("deployment.minHealthyPercent", deployment.minHealthyPercent ?? defaults.minHealthyPercent, 0, 100, "percent"))!;
    const maxPercent = v.check(() => v.integer("deployment.maxPercent", deployment.maxPercent ?? defaults.maxPercent, 100, 200, "percent"))!;
    v.throwSince(before);
    for (const count of counts.filter((c) => c > 0)) {
        if (!deploymentCanProgress(count, minHealthyPercent, maxPercent)) {
            throw v.conflict(
                "deployment",
                `(minHealthyPercent ${minHealthyPercent}, maxPercent ${maxPercent}) can never make progress with ${count} task${count > 1 ? "s" : ""}: ECS may run at most ${Math.floor((count * maxPercent) / 100)} and must keep ${Math.ceil((count * minHealthyPercent) / 100)}`,
                "raise maxPercent or lower minHealthyPercent",
            );
        }
    }
    return { minHealthyPercent, maxPercent };
}

/** True when a rolling deploy of `count` tasks can start a new task before stopping an old one, or stop one first. */
export function deploymentCanProgress(count: number, minHealthyPercent: number, maxPercent: number): boolean {
    return Math.floor((count * maxPercent) / 100) > Math.ceil((count * minHealthyPercent) / 100);
}

/** True for the strategies that move traffic between two target groups. */
export function shiftsTraffic(deployment: Pick<ResolvedDeployment, "strategy">): boolean {
    return deployment.strategy !== "rolling";
}

/** What a traffic-shifting deployment adds to a service. */
export interface TrafficShifting {
    readonly role: aws.iam.Role;
    readonly hooksRole?: aws.iam.Role;
    readonly alternateTargetGroup: aws.lb.TargetGroup;
    readonly productionRule: aws.lb.ListenerRule;
    readonly testRule?: aws.lb.ListenerRule;
    /** The roles' policies: the service waits for them. */
    readonly ready: pulumi.Resource[];
}

/** The service's `deploymentConfiguration` for a traffic-shifting strategy (the provider takes minutes as strings). */
export function deploymentConfiguration(d: ResolvedDeployment, shifting: Pick<TrafficShifting, "hooksRole">) {
    return {
        strategy: ECS_DEPLOYMENT_STRATEGIES[d.strategy],
        bakeTimeInMinutes: String(d.bakeTimeMinutes),
        ...(d.canary ? { canaryConfiguration: { canaryPercent: d.canary.percent, canaryBakeTimeInMinutes: String(d.canary.bakeMinutes) } } : {}),
        ...(d.linear ? { linearConfiguration: { stepPercent: d.linear.stepPercent, stepBakeTimeInMinutes: String(d.linear.stepBakeMinutes) } } : {}),
        ...(d.hooks.length > 0
            ? {
                  lifecycleHooks: d.hooks.map((h) =>
                      h.lambdaArn !== undefined
                          ? { targetType: "AWS_LAMBDA", hookTargetArn: h.lambdaArn, roleArn: shifting.hooksRole!.arn, lifecycleStages: [...h.stages], ...(h.details ? { hookDetails: JSON.stringify(h.details) } : {}) }
                          : {
                                targetType: "PAUSE",
                                lifecycleStages: [...h.stages],
                                ...(h.pause?.timeoutMinutes !== undefined || h.pause?.onTimeout !== undefined
                                    ? { timeoutConfiguration: { ...(h.pause.timeoutMinutes !== undefined ? { timeoutInMinutes: String(h.pause.timeoutMinutes) } : {}), ...(h.pause.onTimeout ? { action: h.pause.onTimeout } : {}) } }
                                    : {}),
                            },
                  ),
              }
            : {}),
    };
}

/**
 * The trust policy of the roles ECS assumes to move traffic and invoke hooks: `ecs.amazonaws.com`
 * without the `aws:SourceAccount` condition, as AWS's documented trust policy for these roles has
 * none and no AWS page says ECS sends that key (a condition on a key the caller does not send
 * denies every AssumeRole, and so every deploy).
 */
export function ecsTrustPolicy(): pulumi.Output<string> {
    return assumeRolePolicy("ecs.amazonaws.com");
}

/** What ECS reads to move traffic; Elastic Load Balancing grants them on "*" only. */
export const ELB_READ_ACTIONS: readonly string[] = ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"];

/** AWS's default pause before a paused deployment takes its timeout action. */
const PAUSE_DEFAULT_TIMEOUT_MINUTES = 1440;

/**
 * Minutes `pulumi up` may wait for a traffic-shifting deploy: half an hour to start and shift,
 * plus the bake times and every pause's timeout (the provider's default is 20 minutes).
 */
export function deployMinutes(d: ResolvedDeployment): number {
    const shift = d.canary ? d.canary.bakeMinutes : d.linear ? (Math.ceil(100 / d.linear.stepPercent) - 1) * d.linear.stepBakeMinutes : 0;
    const pauses = d.hooks.filter((h) => h.pause !== undefined).reduce((sum, h) => sum + (h.pause?.timeoutMinutes ?? PAUSE_DEFAULT_TIMEOUT_MINUTES), 0);
    return 30 + (d.bakeTimeMinutes ?? 0) + shift + pauses;
}

/**
 * What ECS needs to move traffic itself: a role it assumes (trusting `ecs.amazonaws.com` as AWS's
 * documented trust policy does, see {@link ecsTrustPolicy}) that may read the load balancer, move
 * the service's targets between its two target groups and change its rules, and nothing else;
 * and, for Lambda hooks, a role that may invoke exactly them.
 */
export function createTrafficShifting(
    parent: pulumi.Resource,
    name: string,
    deployment: ResolvedDeployment,
    targetGroups: aws.lb.TargetGroup[],
    rules: aws.lb.ListenerRule[],
    alternateTargetGroup: aws.lb.TargetGroup,
    productionRule: aws.lb.ListenerRule,
    testRule: aws.lb.ListenerRule | undefined,
): TrafficShifting {
    const opts = { parent };
    const role = new aws.iam.Role(childName(name, "ecs-traffic-role", NAME_LIMITS.iamRole), { assumeRolePolicy: ecsTrustPolicy(), description: `ECS moves traffic between the target groups of ${name}` }, opts);
    const policy = new aws.iam.RolePolicy(
        childName(name, "ecs-traffic-policy"),
        {
            role: role.id,
            policy: policyDocument([
                // Describe calls take no resource-level permission.
                { Sid: "ReadLoadBalancer", Effect: "Allow", Action: [...ELB_READ_ACTIONS], Resource: "*" },
                { Sid: "MoveTargets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: targetGroups.map((tg) => tg.arn) },
                { Sid: "ShiftTraffic", Effect: "Allow", Action: ["elasticloadbalancing:ModifyRule"], Resource: rules.map((r) => r.arn) },
            ]),
        },
        opts,
    );
    const lambdas = deployment.hooks.filter((h) => h.lambdaArn !== undefined).map((h) => h.lambdaArn!);
    let hooksRole: aws.iam.Role | undefined;
    const ready: pulumi.Resource[] = [policy];
    if (lambdas.length > 0) {
        hooksRole = new aws.iam.Role(childName(name, "ecs-hooks-role", NAME_LIMITS.iamRole), { assumeRolePolicy: ecsTrustPolicy(), description: `ECS invokes the deployment hooks of ${name}` }, opts);
        ready.push(
            new aws.iam.RolePolicy(
                childName(name, "ecs-hooks-policy"),
                { role: hooksRole.id, policy: policyDocument([{ Sid: "InvokeHooks", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: lambdas }]) },
                opts,
            ),
        );
    }
    return { role, hooksRole, alternateTargetGroup, productionRule, testRule, ready };
}


/**
 * The logical name of a service, and the alias that keeps the service of an earlier version,
 * which named it after its capacity strategy (`<name>-service-spot`, `<name>-service-od1b0-spot3b0`):
 * the strategy now changes in place (see {@link serviceSafetyArgs}), so the name stays `<name>-service`.
 */
export function serviceName(name: string, strategy: readonly CapacityProviderStrategyItem[]): { name: string; aliases: pulumi.Alias[] } {
    const former = childName(name, formerServiceRole(strategy));
    const current = childName(name, "service");
    return { name: current, aliases: former === current ? [] : [{ name: former }] };
}

/** The role earlier versions put in a service's logical name, one per capacity strategy (on demand kept plain "service"). */
export function formerServiceRole(strategy: readonly CapacityProviderStrategyItem[]): string {
    if (strategy.length === 1 && strategy[0].capacityProvider === "FARGATE" && strategy[0].weight === 1 && strategy[0].base === 0) {
        return "service";
    }
    if (strategy.length === 1 && strategy[0].capacityProvider === "FARGATE_SPOT" && strategy[0].weight === 1 && strategy[0].base === 0) {
        return "service-spot";
    }
    return `service-${strategy.map((i) => `${i.capacityProvider === "FARGATE" ? "od" : "spot"}${i.weight}b${i.base}`).join("-")}`;
}

/**
 * What every long-running service of the library has: its cluster, task definition and count,
 * the capacity strategy of its task spec, platform `LATEST`, the task subnets and security group.
 */
export function serviceBaseArgs(cluster: ResolvedCluster, taskDefinition: aws.ecs.TaskDefinition, desiredCount: number, strategy: readonly CapacityProviderStrategyItem[], network: TaskNetwork, securityGroup: aws.ec2.SecurityGroup) {
    return {
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount,
        capacityProviderStrategies: strategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })),
        platformVersion: "LATEST",
        networkConfiguration: { subnets: network.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: network.assignPublicIp ?? false },
    };
}

/**
 * The safety settings every long-running service shares: a failed deploy rolls back, tasks
 * rebalance over zones, tags reach the tasks, and a capacity change happens in place (the same
 * service, its name, Service Connect names and running count kept), at the price that every update
 * other than of tags alone starts a new deployment.
 */
export function serviceSafetyArgs(enableExecuteCommand: boolean, waitForSteadyState: boolean) {
    return {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        availabilityZoneRebalancing: "ENABLED",
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        enableExecuteCommand,
        waitForSteadyState,
        // The provider refuses a capacity strategy change without it, and a new service instead
        // would clash with the old one's Service Connect name and start at the configured count.
        // The provider sends it with every update in which anything but tags changed, so each such
        // update of the service deploys anew (docs/aws-behaviour.md, "A capacity change happens in place").
        forceNewDeployment: true,
    };
}

/**
 * The service's deployment alarms: with `rollback`, a deployment fails and rolls back while one of
 * `alarmNames` is in ALARM. Turned off, the block is still sent (enable and rollback false): the
 * provider ignores a removed block, so leaving it out would keep the old setting live. ECS requires
 * at least one name and the provider drops an empty list, so a caller keeps an alarm to name
 * (WebService refuses `rollbackOnAlarm: false` without one); with none, nothing is sent.
 */
export function deploymentAlarms(alarmNames: pulumi.Input<string>[], rollback: boolean) {
    return alarmNames.length === 0 ? {} : { alarms: { alarmNames, enable: rollback, rollback } };
}

