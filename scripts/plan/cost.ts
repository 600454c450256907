/**
 * Monthly cost estimate of a stack from the resources it registers: fixed hourly items exactly
 * (load balancer hours, NAT gateways and their addresses, public IPv4 addresses, Fargate tasks at
 * the desired and the maximum count with the spot share), usage items with their assumption
 * stated, and the list of what is left out.
 */
import { peakVcpu, RESULT_WRITER, summarizeRunner } from "../../components/batchRunner";
import { CronExpressionParser } from "cron-parser";
import { CapacityProviderStrategyItem, spotTaskCount } from "../../components/capacity";
import { RecordedResource } from "../../components/testing";
import { ResourceIndex, vpcWillCreate } from "./model";
import { PriceTable, pricesFor } from "./prices";

/** One line of the estimate, in USD a month. */
export interface CostLine {
    readonly item: string;
    readonly kind: "fixed" | "usage";
    /** How the figure was computed, in numbers. */
    readonly arithmetic: string;
    /** At the desired (starting) count. */
    readonly monthly: number;
    /** At the maximum count (autoscaling), where it differs. */
    readonly monthlyAtMax: number;
}

export interface CostReport {
    readonly currency: "USD";
    readonly region: string;
    readonly pricesTakenOn: string;
    readonly fixedMonthly: number;
    readonly usageMonthly: number;
    /** Fixed plus usage at the desired count. */
    readonly monthlyTotal: number;
    /** Fixed plus usage with every service at its maximum count. */
    readonly monthlyTotalAtMax: number;
    readonly lines: CostLine[];
    /**
     * What each load-balanced service adds on its own: its tasks (and their public IPv4 addresses),
     * since the load balancer it joins is shared. Another service like it adds as much.
     */
    readonly perService: readonly { readonly service: string; readonly loadBalancer: string; readonly monthly: number }[];
    readonly assumptions: string[];
    readonly excluded: string[];
    readonly notes: string[];
}

/** What the estimate assumes where a cost depends on use. */
export const USAGE_ASSUMPTIONS = {
    /** Load balancer capacity units in use on average (light traffic: ~25 new connections/s or 1 GB/h). */
    lcuPerLoadBalancer: 1,
    /** Minutes a batch run lasts, bounded by its timeout. */
    batchRunMinutes: 15,
    /** GB of logs a month a log group receives (light traffic). */
    logGbPerGroupMonth: 0.5,
    /** GB of access logs a month a load balancer or bucket writes (light traffic). */
    accessLogGbMonth: 0.5,
    /** Requests a month a web application firewall inspects (light traffic: about 0.4 a second). */
    requestsPerMonthMillions: 1,
    /**
     * Bytes of log a web ACL writes per inspected request: one JSON record with the request's
     * headers (the credential ones redacted), the rule groups it passed and the action taken.
     * AWS states no size; AWS WAF's example records are about this long.
     */
    wafLogBytesPerRequest: 2000,
    /** Step Functions state transitions per run (start, task, end). */
    transitionsPerRun: 3,
    /**
     * Objects a sharded run with a tolerance writes through its ResultWriter: a file for each of
     * the manifest's categories (SUCCEEDED, FAILED, PENDING) and the manifest, at most.
     */
    resultObjectsPerRun: 4,
    /**
     * Requests an object takes: the runner role needs the multipart-upload permissions, so each is
     * counted as a multipart upload (create, one part, complete), each at the PUT price. AWS does
     * not say how it writes them.
     */
    resultRequestsPerObject: 3,
    /** Bytes of a shard's execution record in those files with a short input: ARNs, name, dates, status, input and output (about 850 without an error and its cause); the run's input adds twice its length. */
    resultBytesPerShard: 1000,
    /** Messages a month a worker's queue takes (light traffic: about 4 a minute). */
    workerMessagesPerMonth: 200_000,
    /** Requests per message: send, receive, delete. */
    requestsPerMessage: 3,
    /** Receives a month one idle, long-polling task makes (20 s waits: 3 a minute, 730 hours). */
    idleReceivesPerTaskMonth: 3 * 60 * 730,
} as const;

/** What S3 costs the estimate leaves out: access logs' storage has a line of its own where a stack has them. */
const S3_EXCLUDED = {
    unpriced: "S3 storage and requests (exports, access logs)",
    accessLogsPriced: "S3 requests, and storage other than the access logs' (exports)",
} as const;

export const EXCLUDED = [
    "Container Insights metrics",
    "data transfer, including NAT gateway processing ($0.045 per GB)",
    "SQS requests of dead-letter queues (a few a month)",
    "Service Connect and the Cloud Map namespace it registers tasks in (not priced here)",
    "SNS (alert messages)",
    S3_EXCLUDED.unpriced,
    "KMS requests (a bucket key keeps the export bucket's few)",
    "DynamoDB on-demand requests and storage",
    "Route 53 hosted zone and queries",
    "ECR image storage",
] as const;

const round = (n: number) => Math.round(n * 100) / 100;

function fargateHourly(prices: PriceTable, td: RecordedResource): { hourly: number; text: string } {
    const arch = td.inputs.runtimePlatform?.cpuArchitecture === "ARM64" ? "arm64" : "x86_64";
    const p = prices.fargate[arch];
    const vcpu = Number(td.inputs.cpu) / 1024;
    const gb = Number(td.inputs.memory) / 1024;
    const extra = Math.max((td.inputs.ephemeralStorage?.sizeInGib ?? 20) - 20, 0);
    const hourly = vcpu * p.vcpuHour + gb * p.gbHour + extra * prices.fargate.ephemeralGbHourOver20;
    return { hourly, text: `(${vcpu} x ${p.vcpuHour} + ${gb} x ${p.gbHour}${extra ? ` + ${extra} x ${prices.fargate.ephemeralGbHourOver20}` : ""}) per ${arch} task-hour` };
}

function strategyOf(items: any[] | undefined): CapacityProviderStrategyItem[] {
    return (items ?? []).map((i) => ({ capacityProvider: i.capacityProvider ?? i.CapacityProvider, weight: i.weight ?? i.Weight, base: i.base ?? i.Base }));
}

/** AWS's six-field cron (1 = Sunday, `?`, a year) as a standard five-field one. */
export function toStandardCron(awsCron: string): string {
    const [minutes, hours, dom, month, dow] = awsCron.trim().split(/\s+/);
    const shifted = dow.replace(/\d+/g, (n, offset: number, whole: string) => (whole[offset - 1] === "#" ? n : String(Number(n) - 1)));
    return [minutes, hours, dom === "?" ? "*" : dom, month, dow === "?" ? "*" : shifted].join(" ");
}

/** Runs a month (730 hours) of a Scheduler expression; undefined when it cannot be told. */
export function runsPerMonth(expression: string, timezone = "UTC"): number | undefined {
    const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
    if (rate) {
        const hours = { minute: 1 / 60, hour: 1, day: 24 }[rate[2] as "minute" | "hour" | "day"] * Number(rate[1]);
        return 730 / hours;
    }
    if (/^at\(/.test(expression)) {
        return 1;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) {
        return undefined;
    }
    try {
        // Count a year of runs (monthly patterns included), stopping early for frequent ones.
        const start = new Date("2026-01-01T00:00:00Z");
        const end = new Date("2027-01-01T00:00:00Z");
        const it = CronExpressionParser.parse(toStandardCron(cron[1]), { currentDate: start, endDate: end, tz: timezone });
        let count = 0;
        let last = start;
        while (it.hasNext() && count < 20000) {
            last = it.next().toDate();
            count++;
        }
        const hours = (count < 20000 ? end.getTime() - start.getTime() : last.getTime() - start.getTime()) / 3_600_000;
        return (count / hours) * 730;
    } catch {
        return undefined;
    }
}

/** The metrics alarms read: one each, or each metric of an expression (what CloudWatch bills). */
function alarmMetrics(alarms: readonly RecordedResource[]): number {
    return alarms.reduce((n, a) => n + (Array.isArray(a.inputs.metricQueries) ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1), 0);
}

/** Rule evaluations per request that an ALB does not charge for. */
const FREE_RULE_EVALUATIONS = 10;

/** The load balancer a service's target group is reached through: target group, listener rule, listener, load balancer. */
function loadBalancerOf(svc: RecordedResource, index: ResourceIndex): RecordedResource | undefined {
    const tgArn = svc.inputs.loadBalancers?.[0]?.targetGroupArn;
    if (tgArn === undefined) {
        return undefined;
    }
    const forwards = (actions: any[] | undefined) => (actions ?? []).some((a) => a.type === "forward" && a.targetGroupArn === tgArn);
    const rule = index.ofType("aws:lb/listenerRule:ListenerRule").find((r) => forwards(r.inputs.actions));
    const listener = rule ? index.find(rule.inputs.listenerArn) : index.ofType("aws:lb/listener:Listener").find((l) => forwards(l.inputs.defaultActions));
    return listener ? index.find(listener.inputs.loadBalancerArn) : undefined;
}

/**
 * A sharded job's peak vCPUs, as its Fargate quotas count them: `maxConcurrent` tasks a run (and
 * `concurrency` runs at once), on each capacity a task may land on.
 */
export function batchPeak(run: ReturnType<typeof summarizeRunner>, td: RecordedResource): { run: number; job: number; onDemand: boolean; spot: boolean } | undefined {
    if (!run.parallel) {
        return undefined;
    }
    const vcpu = Number(td.inputs.cpu) / 1024;
    const peak = peakVcpu(vcpu, run.parallel.maxConcurrent, strategyOf(run.strategy ? [...run.strategy] : undefined), run.onDemandFallback);
    return { run: vcpu * run.parallel.maxConcurrent, job: vcpu * run.parallel.maxConcurrent * (run.concurrency ?? 1), onDemand: peak.onDemand > 0, spot: peak.spot > 0 };
}

/** `, peak 2.5 vCPU (on Fargate Spot or on demand)`: the peak of a sharded job's run, and of its concurrent runs. */
function batchPeakText(run: ReturnType<typeof summarizeRunner>, td: RecordedResource): string {
    const peak = batchPeak(run, td);
    if (!peak) {
        return "";
    }
    const where = [...(peak.spot ? ["Fargate Spot"] : []), ...(peak.onDemand ? ["on-demand Fargate"] : [])].join(" or ");
    return `, ${run.parallel!.maxConcurrent} at once: peak ${peak.run} vCPU a run${peak.job !== peak.run ? ` (${peak.job} with ${run.concurrency} runs at once)` : ""} on ${where}`;
}

/** The estimate for a stack's recorded resources in `region`. */
export function estimateCost(resources: readonly RecordedResource[], region: string): CostReport {
    const { prices, note } = pricesFor(region);
    const H = prices.hoursPerMonth;
    const index = new ResourceIndex(resources);
    const lines: CostLine[] = [];
    const assumptions: string[] = [`${H} hours a month`, `Fargate Spot at ${Math.round(prices.fargate.spotDiscount * 100)}% off on-demand (AWS says "up to 70%")`];
    // Lines keep exact figures; only the report rounds, so totals carry no rounding error.
    const add = (item: string, kind: CostLine["kind"], arithmetic: string, monthly: number, monthlyAtMax = monthly) => lines.push({ item, kind, arithmetic, monthly, monthlyAtMax });
    const pct = (share: number) => `${Math.round(share * 100)}%`;

    const perService: { service: string; loadBalancer: string; monthly: number }[] = [];
    const vpcs = index.ofType("awsx:ec2:Vpc");
    for (const lb of index.ofType("aws:lb/loadBalancer:LoadBalancer")) {
        add(`Load balancer ${lb.name}: hours`, "fixed", `${prices.albHour} x ${H}`, prices.albHour * H);
        if (!lb.inputs.internal) {
            const azs = Array.isArray(lb.inputs.subnets) ? lb.inputs.subnets.length : vpcs.length ? vpcWillCreate(vpcs[0].inputs).azs : 2;
            add(`Load balancer ${lb.name}: ${azs} public IPv4 addresses (one per AZ)`, "fixed", `${azs} x ${prices.publicIpv4Hour} x ${H}`, azs * prices.publicIpv4Hour * H);
        }
        const lcu = USAGE_ASSUMPTIONS.lcuPerLoadBalancer;
        add(`Load balancer ${lb.name}: capacity units`, "usage", `${lcu} LCU x ${prices.lcuHour} x ${H}`, lcu * prices.lcuHour * H);
    }
    if (index.ofType("aws:lb/loadBalancer:LoadBalancer").length > 0) {
        assumptions.push(`${USAGE_ASSUMPTIONS.lcuPerLoadBalancer} load balancer capacity unit on average per load balancer (light traffic)`);
    }
    for (const vpc of vpcs) {
        const { natGateways } = vpcWillCreate(vpc.inputs);
        if (natGateways > 0) {
            add(`NAT gateways of ${vpc.name}: ${natGateways} (${vpc.inputs.natGateways?.strategy})`, "fixed", `${natGateways} x ${prices.natGatewayHour} x ${H}`, natGateways * prices.natGatewayHour * H);
            add(`NAT gateways of ${vpc.name}: ${natGateways} Elastic IPs`, "fixed", `${natGateways} x ${prices.publicIpv4Hour} x ${H}`, natGateways * prices.publicIpv4Hour * H);
        }
    }

    for (const svc of index.ofType("aws:ecs/service:Service")) {
        const td = index.find(svc.inputs.taskDefinition);
        if (!td) {
            continue;
        }
        const desired = Number(svc.inputs.desiredCount ?? 0);
        const target = index.ofType("aws:appautoscaling/target:Target").find((t) => typeof t.inputs.resourceId === "string" && t.inputs.resourceId.endsWith(`/${svc.state.name}`));
        const max = target ? Number(target.inputs.maxCapacity) : desired;
        const strategy = strategyOf(svc.inputs.capacityProviderStrategies);
        const { hourly, text } = fargateHourly(prices, td);
        const cost = (n: number) => {
            const spot = spotTaskCount(strategy, n);
            return ((n - spot) * hourly + spot * hourly * (1 - prices.fargate.spotDiscount)) * H;
        };
        const serviceLinesFrom = lines.length;
        const spotNote = spotTaskCount(strategy, desired) > 0 ? `, ${round(spotTaskCount(strategy, desired))} on spot at ${pct(1 - prices.fargate.spotDiscount)}` : "";
        add(`Service ${svc.name}: ${desired} task${desired === 1 ? "" : "s"}${max !== desired ? ` (up to ${max})` : ""}`, "fixed", `${desired} x ${text} x ${H}${spotNote}`, cost(desired), cost(max));
        if (svc.inputs.networkConfiguration?.assignPublicIp) {
            add(`Service ${svc.name}: a public IPv4 address per task`, "fixed", `${desired} x ${prices.publicIpv4Hour} x ${H}`, desired * prices.publicIpv4Hour * H, max * prices.publicIpv4Hour * H);
        }
        const lb = loadBalancerOf(svc, index);
        if (lb) {
            // Its tasks and addresses, and the alarms its component made (they come with every service).
            const alarms = index.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.parent === svc.parent);
            const tasks = lines.slice(serviceLinesFrom).reduce((sum, l) => sum + l.monthly, 0);
            perService.push({ service: svc.name, loadBalancer: lb.name, monthly: round(tasks + alarmMetrics(alarms) * prices.alarmMetricMonth) });
        }
    }
    for (const lb of index.ofType("aws:lb/loadBalancer:LoadBalancer")) {
        const listeners = index.ofType("aws:lb/listener:Listener").filter((l) => l.inputs.loadBalancerArn === lb.state.arn);
        const rules = index.ofType("aws:lb/listenerRule:ListenerRule").filter((r) => listeners.some((l) => l.state.arn === r.inputs.listenerArn));
        if (rules.length > 0) {
            assumptions.push(`${lb.name}: ${rules.length} listener rule${rules.length === 1 ? "" : "s"}; the first ${FREE_RULE_EVALUATIONS} evaluated per request are free, more add capacity units with traffic (not counted)`);
        }
    }

    for (const sm of index.ofType("aws:sfn/stateMachine:StateMachine")) {
        let definition: any;
        try {
            definition = JSON.parse(sm.inputs.definition);
        } catch {
            continue;
        }
        const run = summarizeRunner(definition);
        const td = index.find(run.taskDefinition);
        if (!td) {
            continue;
        }
        const schedule = index.ofType("aws:scheduler/schedule:Schedule").find((s) => s.inputs.target?.arn === sm.state.arn);
        const runs = schedule ? runsPerMonth(schedule.inputs.scheduleExpression, schedule.inputs.scheduleExpressionTimezone) : undefined;
        const perMonth = runs ?? (schedule ? 30.42 : 0);
        if (schedule && runs === undefined) {
            assumptions.push(`${sm.name}: the schedule's frequency could not be read; one run a day assumed`);
        }
        if (!schedule) {
            assumptions.push(`${sm.name}: runs on demand only; no runs counted`);
            continue;
        }
        const minutes = Math.min(USAGE_ASSUMPTIONS.batchRunMinutes, (run.timeoutSeconds ?? Infinity) / 60);
        // A sharded run's task time is its shards': each runs for the modeled minutes.
        const tasksPerRun = run.parallel?.shards ?? 1;
        const hours = (perMonth * tasksPerRun * minutes) / 60;
        const strategy = strategyOf(run.strategy ? [...run.strategy] : undefined);
        const spotShare = spotTaskCount(strategy, 1);
        const { hourly, text } = fargateHourly(prices, td);
        const rate = hourly * (1 - spotShare * prices.fargate.spotDiscount);
        const what = run.parallel ? `${round(perMonth)} runs of ${tasksPerRun} shards x ${minutes} min${batchPeakText(run, td)}` : `${round(perMonth)} runs of ${minutes} min`;
        add(`Batch ${sm.name}: ${what}`, "usage", `${round(hours)} task-hours x ${text}${spotShare ? ` at ${pct(1 - prices.fargate.spotDiscount)} (spot share ${pct(spotShare)})` : ""}`, hours * rate);
        if (run.assignPublicIp === "ENABLED") {
            add(`Batch ${sm.name}: public IPv4 while running`, "usage", `${round(hours)} x ${prices.publicIpv4Hour}`, hours * prices.publicIpv4Hour);
        }
        // A sharded run: the run's own states, then each shard's (counted from its definition).
        const perRun = run.parallel && run.transitions?.shard !== undefined ? run.transitions.run + tasksPerRun * run.transitions.shard : USAGE_ASSUMPTIONS.transitionsPerRun;
        const transitions = perMonth * perRun;
        add(`Batch ${sm.name}: Step Functions transitions`, "usage", `${round(transitions)} / 1000 x ${prices.stepFunctionsPerThousandTransitions}`, (transitions / 1000) * prices.stepFunctionsPerThousandTransitions);
        if (run.writesResults) {
            const puts = perMonth * USAGE_ASSUMPTIONS.resultObjectsPerRun * USAGE_ASSUMPTIONS.resultRequestsPerObject;
            add(`Batch ${sm.name}: shard results written to S3`, "usage", `${round(puts)} PUT requests / 1000 x ${prices.s3PutPerThousand}`, (puts / 1000) * prices.s3PutPerThousand);
            // Each run's records are kept RESULT_WRITER.expirationDays, then expire.
            const gb = (perMonth * tasksPerRun * USAGE_ASSUMPTIONS.resultBytesPerShard * (RESULT_WRITER.expirationDays / 30.42)) / 1e9;
            add(`Batch ${sm.name}: shard results stored ${RESULT_WRITER.expirationDays} days`, "usage", `${round(gb)} GB x ${prices.s3StandardGbMonth}`, gb * prices.s3StandardGbMonth);
            assumptions.push(
                `${sm.name}: each run writes its shards' records (${USAGE_ASSUMPTIONS.resultBytesPerShard} bytes a shard with a short input, plus twice its length) in at most ${USAGE_ASSUMPTIONS.resultObjectsPerRun} objects of ${USAGE_ASSUMPTIONS.resultRequestsPerObject} requests each, kept ${RESULT_WRITER.expirationDays} days`,
            );
        }
        add(`Batch ${sm.name}: Scheduler invocations`, "usage", `${round(perMonth)} (within the ${prices.schedulerFreePerMonth / 1e6} million free a month)`, 0);
        assumptions.push(
            run.parallel
                ? `${sm.name}: each run has ${tasksPerRun} shards, each lasting ${minutes} minutes (at most its timeout) and succeeding on its first attempt; ${run.transitions!.run} state transitions a run and ${run.transitions!.shard} a shard (${perRun} a run)`
                : `${sm.name}: each run lasts ${minutes} minutes (at most its timeout) and succeeds on the first attempt; ${USAGE_ASSUMPTIONS.transitionsPerRun} state transitions a run`,
        );
    }

    // A worker's queue: its messages (send, receive, delete) and the receives its idle tasks make while long polling.
    for (const queue of index.ofType("aws:sqs/queue:Queue").filter((q) => typeof q.inputs.redrivePolicy === "string")) {
        const consumer = index.ofType("aws:ecs/service:Service").find((svc) => svc.parent !== undefined && svc.parent === queue.parent);
        const tasks = Number(consumer?.inputs.desiredCount ?? 0);
        const u = USAGE_ASSUMPTIONS;
        const requests = u.workerMessagesPerMonth * u.requestsPerMessage + tasks * u.idleReceivesPerTaskMonth;
        add(
            `SQS ${queue.name}: requests`,
            "usage",
            `(${u.workerMessagesPerMonth} messages x ${u.requestsPerMessage} + ${tasks} idle task${tasks === 1 ? "" : "s"} x ${u.idleReceivesPerTaskMonth} receives) / 1e6 x ${prices.sqs.perMillionRequests}`,
            (requests / 1e6) * prices.sqs.perMillionRequests,
        );
        assumptions.push(
            `${queue.name}: ${u.workerMessagesPerMonth} messages a month of at most 64 KB, each sent, received and deleted once; each task at the minimum count long-polls 3 times a minute; the account's ${prices.sqs.freeRequestsPerMonth / 1e6} million free requests a month are not deducted`,
        );
    }

    const alarms = index.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    if (alarms.length > 0) {
        const metrics = alarmMetrics(alarms);
        add(`CloudWatch alarms: ${alarms.length}, reading ${metrics} metrics`, "fixed", `${metrics} x ${prices.alarmMetricMonth}`, metrics * prices.alarmMetricMonth);
    }
    // A web ACL's logs grow with its requests, not with the light-traffic volume of a task's logs.
    const wafLogGroupArns = new Set(index.ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").flatMap((c) => c.inputs.logDestinationConfigs ?? []));
    // Log storage: what is kept at steady state is a month's volume times the months of retention.
    const logGroups = index.ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => !wafLogGroupArns.has(g.state.arn));
    if (logGroups.length > 0) {
        const gb = USAGE_ASSUMPTIONS.logGbPerGroupMonth;
        const monthsKept = logGroups.reduce((sum, g) => sum + Number(g.inputs.retentionInDays ?? 30) / 30, 0);
        add(`CloudWatch Logs: ${logGroups.length} log groups, ingestion`, "usage", `${logGroups.length} x ${gb} GB x ${prices.logs.ingestedGb}`, logGroups.length * gb * prices.logs.ingestedGb);
        add(`CloudWatch Logs: ${logGroups.length} log groups, storage at their retention`, "usage", `${round(monthsKept * gb)} GB x ${prices.logs.storedGbMonth}`, monthsKept * gb * prices.logs.storedGbMonth);
        assumptions.push(`${gb} GB of logs a month in each log group, kept for its retention`);
    }
    for (const lifecycle of index.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").filter((l) => (l.inputs.rules ?? []).some((r: any) => r.id === "expire-access-logs"))) {
        const days = Number(lifecycle.inputs.rules.find((r: any) => r.id === "expire-access-logs").expiration?.days ?? 90);
        const gb = USAGE_ASSUMPTIONS.accessLogGbMonth * (days / 30);
        add(`Access logs ${lifecycle.name.replace(/-(lifecycle|expiry)$/, "")}: storage`, "usage", `${round(gb)} GB x ${prices.s3StandardGbMonth}`, gb * prices.s3StandardGbMonth);
    }
    if (index.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").some((l) => (l.inputs.rules ?? []).some((r: any) => r.id === "expire-access-logs"))) {
        assumptions.push(`${USAGE_ASSUMPTIONS.accessLogGbMonth} GB of access logs a month per log bucket, kept until they expire`);
    }
    for (const key of index.ofType("aws:kms/key:Key")) {
        add(`KMS key ${key.name}`, "fixed", `${prices.kmsKeyMonth}`, prices.kmsKeyMonth);
    }
    for (const acl of index.ofType("aws:wafv2/webAcl:WebAcl")) {
        const rules = Array.isArray(acl.inputs.rules) ? acl.inputs.rules.length : 0;
        add(`WAF web ACL ${acl.name}: the ACL and ${rules} rules`, "fixed", `${prices.waf.webAclMonth} + ${rules} x ${prices.waf.ruleMonth}`, prices.waf.webAclMonth + rules * prices.waf.ruleMonth);
        const millions = USAGE_ASSUMPTIONS.requestsPerMonthMillions;
        add(`WAF web ACL ${acl.name}: requests`, "usage", `${millions} million x ${prices.waf.perMillionRequests}`, millions * prices.waf.perMillionRequests);
        assumptions.push(`${acl.name}: ${millions} million requests a month inspected`);
        const logging = index.ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").find((c) => c.inputs.resourceArn === acl.state.arn);
        const group = logging ? index.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => (logging.inputs.logDestinationConfigs ?? []).includes(g.state.arn)) : undefined;
        if (group) {
            const bytes = USAGE_ASSUMPTIONS.wafLogBytesPerRequest;
            const gb = (millions * 1e6 * bytes) / 1e9;
            const monthsKept = Number(group.inputs.retentionInDays ?? 30) / 30;
            add(`WAF web ACL ${acl.name}: request logs, ingestion`, "usage", `${round(gb)} GB x ${prices.logs.vendedIngestedGb}`, gb * prices.logs.vendedIngestedGb);
            add(`WAF web ACL ${acl.name}: request logs, storage at their retention`, "usage", `${round(gb * monthsKept)} GB x ${prices.logs.storedGbMonth}`, gb * monthsKept * prices.logs.storedGbMonth);
            assumptions.push(`${acl.name}: every inspected request logged at ${bytes} bytes (${round(gb)} GB a month), kept ${group.inputs.retentionInDays ?? 30} days`);
        }
    }
    for (const dashboard of index.ofType("aws:cloudwatch/dashboard:Dashboard")) {
        add(`CloudWatch dashboard ${dashboard.inputs.dashboardName}`, "fixed", `${prices.dashboardMonth} (three a month are free per account)`, prices.dashboardMonth);
    }

    const sum = (kind: CostLine["kind"] | undefined, key: "monthly" | "monthlyAtMax") => round(lines.filter((l) => kind === undefined || l.kind === kind).reduce((s, l) => s + l[key], 0));
    return {
        currency: "USD",
        region: prices.region,
        pricesTakenOn: prices.takenOn,
        fixedMonthly: sum("fixed", "monthly"),
        usageMonthly: sum("usage", "monthly"),
        // The sum of the two figures shown, so the report adds up to the cent.
        monthlyTotal: round(sum("fixed", "monthly") + sum("usage", "monthly")),
        monthlyTotalAtMax: round(sum("fixed", "monthlyAtMax") + sum("usage", "monthlyAtMax")),
        lines: lines.map((l) => ({ ...l, monthly: round(l.monthly), monthlyAtMax: round(l.monthlyAtMax) })),
        perService,
        assumptions,
        excluded: EXCLUDED.map((e) => (e === S3_EXCLUDED.unpriced && lines.some((l) => l.item.startsWith("Access logs ")) ? S3_EXCLUDED.accessLogsPriced : e)),
        notes: note ? [note] : [],
    };
}
