/**
 * How long a rolling deploy of a `WebService` takes, term by term, from what AWS documents
 * (docs/aws-behaviour.md, "Deploy time"). With `maxPercent` 200 ECS starts every new task at
 * once, so one batch of tasks goes through:
 *
 * 1. task start: Fargate attaches an ENI ("several seconds"), pulls the whole image (Fargate does
 *    not cache images) and the app starts listening. AWS gives no overall figure: this is an
 *    assumption, stated as one, that `npm run plan` and `npm run bench` print beside the result;
 * 2. health: the new target passes the load balancer's checks. The ELB guide says one passing
 *    check makes a newly registered target healthy; the ECS best-practices guide counts the
 *    healthy threshold. The model takes the longer reading, healthy threshold x interval;
 * 3. draining: ECS deregisters the old targets and waits the deregistration delay (a target with
 *    no open connection finishes sooner; browsers keep connections open, so the model does not);
 * 4. stop: ECS sends SIGTERM to the old tasks and SIGKILL after `stopTimeout` (an app that exits
 *    on SIGTERM stops at once; the model takes the bound).
 *
 * `pulumi up` (with `waitForSteadyState`) returns when the deployment is complete, after step 4,
 * plus the provider's polling.
 */

/** Assumptions of the model that AWS documents no figure for. */
export const DEPLOY_TIME_ASSUMPTIONS = {
    /** ENI attachment, a full pull of a small image and an app that listens within seconds. */
    taskStartSeconds: 60,
} as const;

/** One term of the model. */
export interface DeployTimeTerm {
    readonly name: string;
    readonly seconds: number;
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
}

/** The modeled time of one rolling deploy, term by term. */
export interface DeployTimeEstimate {
    readonly terms: readonly DeployTimeTerm[];
    readonly totalSeconds: number;
}

/** Computes the model (see the module comment for each term and its source). */
export function rollingDeployEstimate(input: DeployTimeInput): DeployTimeEstimate {
    const start = input.taskStartSeconds ?? DEPLOY_TIME_ASSUMPTIONS.taskStartSeconds;
    const terms: DeployTimeTerm[] = [
        { name: "task start (ENI, image pull, app start)", seconds: start, how: `${start} s assumed`, assumed: true },
        {
            name: "new targets healthy",
            seconds: input.healthyThreshold * input.healthCheckIntervalSeconds,
            how: `healthy threshold ${input.healthyThreshold} x interval ${input.healthCheckIntervalSeconds} s`,
            assumed: false,
        },
        { name: "old targets draining", seconds: input.deregistrationDelaySeconds, how: `deregistration delay ${input.deregistrationDelaySeconds} s`, assumed: false },
        { name: "old tasks stopping", seconds: input.stopTimeoutSeconds, how: `stopTimeout ${input.stopTimeoutSeconds} s (SIGTERM, then SIGKILL)`, assumed: false },
    ];
    return { terms, totalSeconds: terms.reduce((sum, t) => sum + t.seconds, 0) };
}

/** One line: the total and its terms. */
export function describeDeployTime(estimate: DeployTimeEstimate): string {
    return `${estimate.totalSeconds} s = ${estimate.terms.map((t) => `${t.seconds} s ${t.name}${t.assumed ? " (assumed)" : ""}`).join(" + ")}`;
}
