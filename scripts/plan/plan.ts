/**
 * Builds the plan of a stack from what its program registered under the Pulumi runtime mocks
 * (evaluate.ts): the resource list, routing, alarms, the architecture diagram and the cost.
 */
import * as path from "path";
import { MockRecorder, RecordedResource } from "../../components/testing";
import { CostReport, estimateCost } from "./cost";
import { ServiceDeployTime, deployTimes } from "./deployTime";
import { architectureGraph, toDot, toMermaid } from "./diagram";
import { evaluateProgram, ProgramRecord } from "./evaluate";
import { unpricedTypes } from "./unpriced";
import { alarmText, serviceCalls, wafRulesText, countByType, listenerRulesText, PlanResource, planResources, ResourceIndex } from "./model";

/** This repository: its `index.ts` is the demo program the tests plan. */
export const REPOSITORY_ROOT = path.join(__dirname, "..", "..");

export interface Plan {
    readonly stack: string;
    readonly project: string;
    readonly region: string;
    readonly resources: PlanResource[];
    readonly counts: Record<string, number>;
    /** The estimate, and the types it puts no figure on ("type (count)"). */
    readonly cost: CostReport & { readonly unpriced: string[] };
    /** The modeled time of a rolling deploy of each load-balanced service. */
    readonly deployTimes: ServiceDeployTime[];
    /** Each listener's rules in evaluation order (priority: conditions -> action), then its default. */
    readonly routing: ListenerRouting[];
    /** Every alarm: its name, what it reads, its threshold and whom it notifies. */
    readonly alarms: { readonly name: string; readonly text: string }[];
    /** The dashboards and the titles of their widgets. */
    readonly dashboards: { readonly name: string; readonly widgets: string[] }[];
    /** Web application firewalls and their rules in evaluation order. */
    readonly firewalls: { readonly name: string; readonly rules: string[] }[];
    /** Queues (settings, dead-letter queue), scaling policies and Service Connect names. */
    readonly workloads: Workloads;
    readonly diagram: { readonly mermaid: string; readonly dot: string };
    readonly notes: string[];
}

export interface ListenerRouting {
    readonly loadBalancer: string;
    readonly listener: string;
    readonly rules: string[];
}

/** The rules of every listener, so a reviewer sees which requests reach which service. */
export function listenerRouting(resources: readonly RecordedResource[]): ListenerRouting[] {
    const index = new ResourceIndex(resources);
    return index.ofType("aws:lb/listener:Listener").map((l) => ({
        loadBalancer: String(index.label(l.inputs.loadBalancerArn)),
        listener: `${l.inputs.protocol ?? "HTTP"} :${l.inputs.port}`,
        rules: listenerRulesText(l, index),
    }));
}

/** Where a web ACL logs, and what it leaves out, as the plan prints it. */
function wafLoggingText(acl: RecordedResource, index: ResourceIndex): string[] {
    const logging = index.ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").find((c) => c.inputs.resourceArn === acl.state.arn);
    if (!logging) {
        return ["no request logs"];
    }
    const group = index.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => (logging.inputs.logDestinationConfigs ?? []).includes(g.state.arn));
    const redacted = (logging.inputs.redactedFields ?? []).map((f: any) => f.singleHeader?.name ?? Object.keys(f)[0]);
    return [`logs every inspected request to ${group ? `${group.state.name}, kept ${group.inputs.retentionInDays} days` : "its log destination"}${redacted.length ? `, without ${redacted.join(", ")}` : ""}`];
}

/** The alarms, dashboards and web ACLs of the stack, as the plan lists them. */
export function monitoring(resources: readonly RecordedResource[]): Pick<Plan, "alarms" | "dashboards" | "firewalls"> {
    const index = new ResourceIndex(resources);
    return {
        alarms: index
            .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
            .map((a) => ({ name: a.name, text: alarmText(a.inputs, index) }))
            .sort((a, b) => (a.name < b.name ? -1 : 1)),
        dashboards: index.ofType("aws:cloudwatch/dashboard:Dashboard").map((d) => ({
            name: String(d.inputs.dashboardName),
            widgets: (JSON.parse(d.inputs.dashboardBody).widgets as any[]).map((w) => (w.type === "text" ? String(w.properties.markdown).replace(/^#+\s*/, "") : `  ${w.properties.title}`)),
        })),
        firewalls: index.ofType("aws:wafv2/webAcl:WebAcl").map((acl) => ({ name: acl.name, rules: [...wafRulesText(acl.inputs.rules), ...wafLoggingText(acl, index)] })),
    };
}

export interface Workloads {
    readonly queues: { readonly name: string; readonly text: string }[];
    readonly scaling: { readonly name: string; readonly text: string }[];
    /** `service: namespace, serves http://name:port, calls ...` */
    readonly serviceConnect: { readonly service: string; readonly text: string }[];
}

/** What the queue workers and connected services of the stack do, as the plan lists it. */
export function workloads(resources: readonly RecordedResource[]): Workloads {
    const index = new ResourceIndex(resources);
    const queues = index.ofType("aws:sqs/queue:Queue").map((q) => {
        const i = q.inputs;
        const redrive = typeof i.redrivePolicy === "string" ? JSON.parse(i.redrivePolicy) : undefined;
        const parts = [
            ...(i.visibilityTimeoutSeconds !== undefined ? [`visibility ${i.visibilityTimeoutSeconds} s`] : []),
            `kept ${i.messageRetentionSeconds ?? 345600} s`,
            ...(i.receiveWaitTimeSeconds ? [`long polling ${i.receiveWaitTimeSeconds} s`] : []),
            ...(redrive ? [`after ${redrive.maxReceiveCount} receives to ${index.label(redrive.deadLetterTargetArn)}`] : []),
            i.kmsMasterKeyId ? `encrypted with ${index.label(i.kmsMasterKeyId)}` : "SQS-managed encryption",
        ];
        return { name: q.name, text: parts.join(", ") };
    });
    const scaling = index.ofType("aws:appautoscaling/policy:Policy").map((p) => {
        const target = index.ofType("aws:appautoscaling/target:Target").find((t) => t.inputs.resourceId === p.inputs.resourceId);
        const bounds = target ? ` (${target.inputs.minCapacity}..${target.inputs.maxCapacity} tasks)` : "";
        const tt = p.inputs.targetTrackingScalingPolicyConfiguration;
        if (tt) {
            const custom = tt.customizedMetricSpecification?.metrics as any[] | undefined;
            const metric = custom ? `(${custom.find((m) => m.returnData)?.expression})` : tt.predefinedMetricSpecification?.predefinedMetricType;
            const where = custom
                ? `, where ${custom
                      .filter((m) => m.metricStat)
                      .map((m) => `${m.id} = ${m.metricStat.metric.namespace} ${m.metricStat.metric.metricName} ${m.metricStat.stat}`)
                      .join(", ")}`
                : "";
            return { name: p.name, text: `keep ${metric} at ${tt.targetValue}${bounds}${where}` };
        }
        const step = p.inputs.stepScalingPolicyConfiguration;
        const alarm = index.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => (a.inputs.alarmActions ?? []).includes(p.state.arn));
        const adjustment = (step?.stepAdjustments ?? []).map((a: any) => (step.adjustmentType === "ExactCapacity" ? `set ${a.scalingAdjustment}` : `${a.scalingAdjustment >= 0 ? "add" : "remove"} ${Math.abs(a.scalingAdjustment)}`)).join(", ");
        return { name: p.name, text: `${adjustment} task${bounds} when ${alarm ? alarm.name : "its alarm"} fires` };
    });
    const serviceConnect = index
        .ofType("aws:ecs/service:Service")
        .filter((svc) => svc.inputs.serviceConnectConfiguration?.enabled)
        .map((svc) => {
            const sc = svc.inputs.serviceConnectConfiguration;
            const serves = (sc.services ?? []).flatMap((s: any) => (s.clientAlias ?? []).map((a: any) => `serves http://${a.dnsName}:${a.port}`));
            const calls = serviceCalls(index)
                .filter((c) => c.caller === svc)
                .map((c) => `calls ${c.url ?? c.callee.name} (${c.callee.name}) on ${c.port}`);
            return { service: svc.name, text: [`namespace ${index.label(sc.namespace)}`, ...serves, ...calls].join(", ") };
        });
    return { queues, scaling, serviceConnect };
}

/**
 * Evaluates this repository's program for `stack` (stack file in `configDir`) with `mocks`, in
 * this process, and returns its plan. Throws the program's own error (configuration or component
 * validation) when it refuses the stack. The command line evaluates in a child process instead.
 */
export async function buildPlan(mocks: MockRecorder, stack: string, configDir: string = REPOSITORY_ROOT): Promise<Plan> {
    return planFromRecord(await evaluateProgram(mocks, { projectDir: REPOSITORY_ROOT, stack, configDir }));
}

/** The plan of what a program registered. */
export function planFromRecord(record: ProgramRecord): Plan {
    const { stack, project, region, resources: recorded } = record;
    const graph = architectureGraph(recorded);
    const cost = { ...estimateCost(recorded, region), unpriced: unpricedTypes(recorded) };
    const notes = [
        "Evaluated under Pulumi's runtime mocks: no cloud call was made, and computed values (ids, ARNs, DNS names) are stand-ins.",
        ...(recorded.some((r) => r.type.startsWith("awsx:")) ? ["awsx components (the VPC, an image build) run in a plugin: their children are invisible here, so each shows as one node with what it will create."] : []),
        ...record.notes,
        ...cost.notes,
    ];
    return { stack, project, region, resources: planResources(recorded), counts: countByType(recorded), cost, deployTimes: deployTimes(recorded), routing: listenerRouting(recorded), ...monitoring(recorded), workloads: workloads(recorded), diagram: { mermaid: toMermaid(graph), dot: toDot(graph, `${project} ${stack}`) }, notes };
}
