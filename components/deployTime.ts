/**
 * How long a rolling deploy of a `WebService` takes, term by term, from what AWS documents
 * (docs/aws-behaviour.md, "Deploy time"), as a range where AWS's sentences allow two readings.
 * With `maxPercent` 200 ECS starts every new task at once, so one batch of tasks goes through:
 *
 * 1. task start: Fargate attaches an ENI ("several seconds"), pulls the whole image (Fargate does
 *    not cache images) and the app starts listening. AWS gives no overall figure: this is an
 *    assumption, stated as one, that `npm run plan` and `npm run bench` print beside the result;
 * 2. health: the new target passes the load balancer's checks. The ELB guide says a newly
 *    registered target "must pass one health check" (the shorter bound: one interval); the ECS
 *    guide counts the healthy threshold (the longer bound: threshold x interval);
 * 3. draining: ECS deregisters the old targets and waits the deregistration delay (a target with
 *    no open connection finishes sooner; browsers keep connections open, so the model does not);
 * 4. stop: ECS sends SIGTERM to the old tasks and SIGKILL after `stopTimeout` (an app that exits
 *    on SIGTERM stops at once; the model takes the bound);
 * 5. bake: with deployment alarms (the components' default), ECS keeps watching them for a bake
 *    time it computes from their configuration and that cannot be set, "less than 5 minutes" by
 *    default (0 to 300 s), before the deployment is complete.
 *
 * `pulumi up` (with `waitForSteadyState`) returns when the deployment is complete, after step 5,
 * plus the provider's polling.
 */

/** Assumptions of the model that AWS documents no figure for. */
export const DEPLOY_TIME_ASSUMPTIONS = {
    /** ENI attachment, a full pull of a small image and an app that listens within seconds. */
    taskStartSeconds: 60,
} as const;

/** The bake time of a deployment with alarms: computed by ECS, "less than 5 minutes" by default (the deployment-alarm-failure page). */
export const DEPLOYMENT_ALARM_BAKE_SECONDS = { min: 0, max: 300 } as const;

/** One term of the model: a range where AWS's sources allow two readings, else one figure. */
export interface DeployTimeTerm {
    readonly name: string;
    /** The longer bound (the figure itself when there is one). */
    readonly seconds: number;
    /** The shorter bound. */
    readonly minSeconds: number;
    /** How the figure is computed, in words and numbers. */
    readonly how: string;
    /** True when the figure is an assumption rather than a setting of the service. */
    readonly assumed: boolean;
}

/** The inputs of the model: the service's settings as deployed. */
export interface DeployTimeInput {
    readonly healthCheckIntervalSeconds: number;
    readonly healthyThreshold: number;
    readonly deregistrationDelaySeconds: number;
    /** The main container's stop timeout. */
    readonly stopTimeoutSeconds: number;
    /** @default DEPLOY_TIME_ASSUMPTIONS.taskStartSeconds */
    readonly taskStartSeconds?: number;
    /** The service rolls back on CloudWatch alarms, so ECS bakes the deployment before it is complete. @default false */
    readonly deploymentAlarms?: boolean;
}

/** The modeled time of one rolling deploy, term by term. */
export interface DeployTimeEstimate {
    readonly terms: readonly DeployTimeTerm[];
    /** The longer bound: every term at its longer reading. */
    readonly totalSeconds: number;
    /** The shorter bound. */
    readonly minTotalSeconds: number;
}

/** Computes the model (see the module comment for each term and its source). */
export function rollingDeployEstimate(input: DeployTimeInput): DeployTimeEstimate {
    const start = input.taskStartSeconds ?? DEPLOY_TIME_ASSUMPTIONS.taskStartSeconds;
    const interval = input.healthCheckIntervalSeconds;
    const fixed = (seconds: number) => ({ seconds, minSeconds: seconds });
    const terms: DeployTimeTerm[] = [
        { name: "task start (ENI, image pull, app start)", ...fixed(start), how: `${start} s assumed`, assumed: true },
        {
            name: "new targets healthy",
            seconds: input.healthyThreshold * interval,
            minSeconds: interval,
            how: `one passing check (interval ${interval} s) to healthy threshold ${input.healthyThreshold} x interval ${interval} s`,
            assumed: false,
        },
        { name: "old targets draining", ...fixed(input.deregistrationDelaySeconds), how: `deregistration delay ${input.deregistrationDelaySeconds} s`, assumed: false },
        { name: "old tasks stopping", ...fixed(input.stopTimeoutSeconds), how: `stopTimeout ${input.stopTimeoutSeconds} s (SIGTERM, then SIGKILL)`, assumed: false },
    ];
    if (input.deploymentAlarms) {
        const bake = DEPLOYMENT_ALARM_BAKE_SECONDS;
        terms.push({ name: "bake time (deployment alarms)", seconds: bake.max, minSeconds: bake.min, how: `computed by ECS from the alarms, under ${bake.max} s by default`, assumed: false });
    }
    return { terms, totalSeconds: terms.reduce((sum, t) => sum + t.seconds, 0), minTotalSeconds: terms.reduce((sum, t) => sum + t.minSeconds, 0) };
}

/** Seconds, or a range of seconds, as the plan prints them. */
function range(min: number, max: number): string {
    return min === max ? `${max} s` : `${min} to ${max} s`;
}

/** One line: the total and its terms. */
export function describeDeployTime(estimate: DeployTimeEstimate): string {
    return `${range(estimate.minTotalSeconds, estimate.totalSeconds)} = ${estimate.terms.map((t) => `${range(t.minSeconds, t.seconds)} ${t.name}${t.assumed ? " (assumed)" : ""}`).join(" + ")}`;
}
