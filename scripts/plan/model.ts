/**
 * The plan of a stack: what `pulumi up` would create, read from the resources the program
 * registered under the Pulumi runtime mocks. Key inputs are summarised per resource type;
 * secret values never leave as anything but "[secret]".
 */
import { summarizeRunner } from "../../components/batchRunner";
import { SECRET_PLACEHOLDER } from "./project";
import { isSecretValue, RecordedResource } from "../../components/testing";
import { Direction, inlineRuleText, policyStatements, vpcRuleText } from "./access";

/** One resource of the plan. */
export interface PlanResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Logical name of the parent (a component), when there is one. */
    readonly parent?: string;
    readonly parentUrn?: string;
    /** The inputs that matter for review, summarised. */
    readonly keyInputs: Record<string, unknown>;
    /** For remote (awsx) components, whose children are invisible under mocks: what they will create. */
    readonly willCreate?: string[];
}

/** Replaces every secret value (and the stack file's secret placeholder) with "[secret]". */
export function maskSecrets(value: unknown): unknown {
    if (isSecretValue(value) || value === SECRET_PLACEHOLDER) {
        return "[secret]";
    }
    if (Array.isArray(value)) {
        return value.map(maskSecrets);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
    }
    return value;
}

function json(text: unknown): any {
    if (typeof text !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** Looks resources up by ARN or id, to show names instead of identifiers. */
export class ResourceIndex {
    private readonly byRef = new Map<string, RecordedResource>();

    constructor(public readonly resources: readonly RecordedResource[]) {
        for (const r of resources) {
            for (const ref of [r.state.arn, r.state.id, r.state.name, r.state.bucket, r.state.__id]) {
                if (typeof ref === "string" && !this.byRef.has(ref)) {
                    this.byRef.set(ref, r);
                }
            }
            const sgId = typeof r.state.arn === "string" ? /security-group\/(sg-[0-9a-f]+)$/.exec(r.state.arn)?.[1] : undefined;
            if (sgId) {
                this.byRef.set(sgId, r);
            }
        }
    }

    find(ref: unknown): RecordedResource | undefined {
        return typeof ref === "string" ? this.byRef.get(ref) : undefined;
    }

    /** The logical name behind a reference, or the reference itself. */
    label(ref: unknown): unknown {
        return this.find(ref)?.name ?? ref;
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

/** The subnets, NAT gateways and more an `awsx.ec2.Vpc` creates for these inputs. */
export function vpcWillCreate(inputs: Record<string, any>): { azs: number; natGateways: number; lines: string[] } {
    const azs = inputs.numberOfAvailabilityZones ?? 3;
    const strategy = inputs.natGateways?.strategy ?? "OnePerAz";
    const specs: string[] = (inputs.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }]).map((s: { type: string }) => s.type);
    const natGateways = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
    const lines = [`1 VPC (${inputs.cidrBlock ?? "10.0.0.0/16"}) with an internet gateway`];
    for (const kind of specs) {
        lines.push(`${azs} ${kind.toLowerCase()} subnets (one per AZ) with route tables`);
    }
    lines.push(natGateways === 0 ? "no NAT gateway" : `${natGateways} NAT gateway${natGateways > 1 ? "s" : ""} (${strategy}), each with an Elastic IP`);
    return { azs, natGateways, lines };
}

function strategyText(items: unknown): string {
    return Array.isArray(items) ? items.map((i: any) => `${i.capacityProvider ?? i.CapacityProvider} w${i.weight ?? i.Weight} b${i.base ?? i.Base}`).join(", ") : "";
}

const VPC_RULE_DIRECTIONS: Readonly<Record<string, Direction>> = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "inbound",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "outbound",
};

/** Every rule of a security group, written inline or as rule resources of the stack, by direction. */
function securityGroupRules(group: RecordedResource, index: ResourceIndex): Record<Direction, string[]> {
    const label = (ref: unknown) => index.label(ref);
    const rules: Record<Direction, string[]> = { inbound: [], outbound: [] };
    for (const [direction, inline] of [["inbound", group.inputs.ingress], ["outbound", group.inputs.egress]] as const) {
        rules[direction].push(...(inline ?? []).map((rule: Record<string, any>) => inlineRuleText(direction, rule, label)));
    }
    for (const r of index.resources.filter((x) => index.find(x.inputs.securityGroupId) === group)) {
        const i = r.inputs;
        if (VPC_RULE_DIRECTIONS[r.type]) {
            rules[VPC_RULE_DIRECTIONS[r.type]].push(vpcRuleText(VPC_RULE_DIRECTIONS[r.type], i, label));
        } else if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
            const direction = i.type === "egress" ? "outbound" : "inbound";
            rules[direction].push(inlineRuleText(direction, { ...i, securityGroups: i.sourceSecurityGroupId }, label));
        }
    }
    return rules;
}

/** A listener action as a reviewer reads it. */
function actionText(a: any, index: ResourceIndex): string {
    switch (a?.type) {
        case "forward":
            return `forward to ${index.label(a.targetGroupArn)}`;
        case "redirect":
            return `redirect to ${a.redirect?.protocol} :${a.redirect?.port} (${a.redirect?.statusCode})`;
        case "fixed-response":
            return `answer ${a.fixedResponse?.statusCode} ${JSON.stringify(a.fixedResponse?.messageBody ?? "")}`;
        default:
            return String(a?.type);
    }
}

/** "waiting 60 s, then 120 s" (what the runner's wait state computes for each retry), in words. */
export function retryWaitsText(waits: readonly number[] | undefined): string {
    if (waits === undefined || waits.length === 0) {
        return "waiting as its definition says";
    }
    if (waits.every((w) => w === waits[0])) {
        return `waiting ${waits[0]} s before ${waits.length === 1 ? "it" : "each"}`;
    }
    const s = waits.map((w) => `${w} s`);
    if (s.length <= 4) {
        return `waiting ${s.slice(0, -1).join(", ")}, then ${s[s.length - 1]}`;
    }
    return `waiting ${s[0]}, then ${s[1]}, growing to ${s[s.length - 1]} before the last`;
}

const COMPARISONS: Readonly<Record<string, string>> = { GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: ">=", LessThanThreshold: "<", LessThanOrEqualToThreshold: "<=" };

/** An alarm as a reviewer reads it: "HTTPCode_Target_5XX_Count Sum ... > 5 in 3 of 5 x 60 s -> alerts (ALARM, OK)". */
export function alarmText(i: any, index: ResourceIndex): string {
    const metric = (m: any) => `${m.metricName} ${m.stat ?? m.statistic ?? m.extendedStatistic}`;
    const queries: any[] = i.metricQueries ?? [];
    const what = queries.length > 0 ? `${queries.find((q) => q.expression)?.expression} where ${queries.filter((q) => q.metric).map((q) => `${q.id} = ${metric(q.metric)}`).join(", ")}` : metric(i);
    const period = i.period ?? queries.find((q) => q.metric)?.metric.period;
    const actions = [...new Set([...(i.alarmActions ?? []), ...(i.okActions ?? [])])].map((a) => index.label(a)).join(", ");
    const on = [(i.alarmActions ?? []).length ? "ALARM" : "", (i.okActions ?? []).length ? "OK" : ""].filter(Boolean).join(", ");
    return `${what} ${COMPARISONS[i.comparisonOperator] ?? i.comparisonOperator} ${i.threshold} in ${i.datapointsToAlarm ?? i.evaluationPeriods} of ${i.evaluationPeriods} x ${period} s -> ${actions} (${on})`;
}

/**
 * The Service Connect calls between the stack's ECS services: an outbound rule of a service's
 * security group to another service's group is a call (the components make no other such rule).
 */
export function serviceCalls(index: ResourceIndex): { readonly caller: RecordedResource; readonly callee: RecordedResource; readonly port: number; readonly url?: string }[] {
    const services = index.ofType("aws:ecs/service:Service");
    const groupsOf = (svc: RecordedResource): unknown[] => svc.inputs.networkConfiguration?.securityGroups ?? [];
    return services.flatMap((caller) =>
        index
            .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .filter((r) => groupsOf(caller).includes(r.inputs.securityGroupId) && r.inputs.referencedSecurityGroupId !== undefined)
            .flatMap((rule) => {
                const callee = services.find((other) => other !== caller && groupsOf(other).includes(rule.inputs.referencedSecurityGroupId));
                if (!callee) {
                    return [];
                }
                const alias = (callee.inputs.serviceConnectConfiguration?.services ?? []).flatMap((x: any) => x.clientAlias ?? [])[0];
                return [{ caller, callee, port: Number(rule.inputs.fromPort), ...(alias ? { url: `http://${alias.dnsName}:${alias.port}` } : {}) }];
            }),
    );
}

/** A web ACL's rules in evaluation order: "10 aws-common-rules: AWS AWSManagedRulesCommonRuleSet". */
export function wafRulesText(rules: any[] | undefined): string[] {
    return [...(rules ?? [])]
        .sort((a, b) => a.priority - b.priority)
        .map((r) => {
            const s = r.statement ?? {};
            const what = s.managedRuleGroupStatement
                ? `${s.managedRuleGroupStatement.vendorName} ${s.managedRuleGroupStatement.name}`
                : s.rateBasedStatement
                  ? `${Object.keys(r.action ?? {})[0]} over ${s.rateBasedStatement.limit} requests per ${s.rateBasedStatement.aggregateKeyType} in 5 minutes`
                  : "custom statement";
            return `${r.priority} ${r.name}: ${what}`;
        });
}

/** A rule's conditions: "host todo.example.com, path /api/*". */
export function ruleConditionsText(conditions: any[] | undefined): string {
    return (conditions ?? [])
        .flatMap((c) => [...(c?.hostHeader ? [`host ${c.hostHeader.values.join(" or ")}`] : []), ...(c?.pathPattern ? [`path ${c.pathPattern.values.join(" or ")}`] : [])])
        .join(", ");
}

/** The rules of a listener in evaluation order (lowest priority first), then its default action. */
export function listenerRulesText(listener: RecordedResource, index: ResourceIndex): string[] {
    const rules = index
        .ofType("aws:lb/listenerRule:ListenerRule")
        .filter((rule) => rule.inputs.listenerArn === listener.state.arn)
        .sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority));
    return [
        ...rules.map((rule) => `${rule.inputs.priority}: ${ruleConditionsText(rule.inputs.conditions)} -> ${(rule.inputs.actions ?? []).map((a: any) => actionText(a, index)).join(", ")}`),
        `default: ${(listener.inputs.defaultActions ?? []).map((a: any) => actionText(a, index)).join(", ")}`,
    ];
}

/** The inputs of `r` a reviewer cares about. */
export function keyInputs(r: RecordedResource, index: ResourceIndex): Record<string, unknown> {
    const i = r.inputs;
    switch (r.type) {
        case "aws:lb/loadBalancer:LoadBalancer":
            return { internal: i.internal, subnets: Array.isArray(i.subnets) ? i.subnets.length : i.subnets, dropInvalidHeaderFields: i.dropInvalidHeaderFields, desyncMitigationMode: i.desyncMitigationMode, deletionProtection: i.enableDeletionProtection, accessLogs: i.accessLogs?.enabled ?? false };
        case "aws:lb/listener:Listener":
            return {
                listener: `${i.protocol} :${i.port}`,
                ...(i.sslPolicy ? { sslPolicy: i.sslPolicy } : {}),
                actions: (i.defaultActions ?? []).map((a: any) => actionText(a, index)),
                ...(index.ofType("aws:lb/listenerRule:ListenerRule").some((rule) => rule.inputs.listenerArn === r.state.arn) ? { rules: listenerRulesText(r, index) } : {}),
            };
        case "aws:wafv2/webAcl:WebAcl":
            return { scope: i.scope, defaultAction: Object.keys(i.defaultAction ?? {})[0], rules: wafRulesText(i.rules) };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { alarm: alarmText(i, index) };
        case "aws:lb/listenerRule:ListenerRule":
            return { listener: index.label(i.listenerArn), priority: i.priority, conditions: ruleConditionsText(i.conditions), actions: (i.actions ?? []).map((a: any) => actionText(a, index)) };
        case "aws:lb/targetGroup:TargetGroup": {
            const hc = i.healthCheck ?? {};
            return { targetType: i.targetType, port: i.port, healthCheck: `${hc.path} every ${hc.interval}s, timeout ${hc.timeout}s, healthy ${hc.healthyThreshold}, unhealthy ${hc.unhealthyThreshold}, matcher ${hc.matcher}`, deregistrationDelay: i.deregistrationDelay };
        }
        case "aws:ecs/service:Service":
            return {
                desiredCount: i.desiredCount,
                capacity: strategyText(i.capacityProviderStrategies),
                deployment: `min ${i.deploymentMinimumHealthyPercent}% / max ${i.deploymentMaximumPercent}%, circuit breaker${i.deploymentCircuitBreaker?.rollback ? " with rollback" : ""}`,
                healthCheckGracePeriodSeconds: i.healthCheckGracePeriodSeconds,
                waitForSteadyState: i.waitForSteadyState,
                assignPublicIp: i.networkConfiguration?.assignPublicIp,
                taskDefinition: index.label(i.taskDefinition),
            };
        case "aws:ecs/taskDefinition:TaskDefinition": {
            const containers = json(i.containerDefinitions) ?? [];
            return {
                size: `${i.cpu} CPU units / ${i.memory} MiB`,
                architecture: i.runtimePlatform?.cpuArchitecture,
                containers: containers.map((c: any) => `${c.name}: ${c.image} (user ${c.user ?? "image default"}, ${c.readonlyRootFilesystem ? "read-only root" : "writable root"})`),
            };
        }
        case "aws:scheduler/schedule:Schedule":
            return { expression: i.scheduleExpression, timezone: i.scheduleExpressionTimezone, state: i.state, target: index.label(i.target?.arn), deadLetterQueue: index.label(i.target?.deadLetterConfig?.arn) };
        case "aws:sfn/stateMachine:StateMachine": {
            const run = summarizeRunner(json(i.definition));
            const capacity = run.capacityRetry;
            return {
                runs: index.label(run.taskDefinition),
                timeoutSeconds: run.timeoutSeconds,
                retries: run.attempts > 0 ? `${run.attempts} after a failed attempt, ${retryWaitsText(run.retryWaitsSeconds)}` : "none",
                capacityRetries: capacity ? `${capacity.MaxAttempts} from ${capacity.IntervalSeconds}s, jittered, at most ${capacity.MaxDelaySeconds}s apart${run.onDemandFallback ? ", then on demand" : ""}` : "none",
                capacity: strategyText(run.strategy),
                ...(run.parallel
                    ? { shards: `${run.parallel.shards} a run (at most), ${run.parallel.maxConcurrent} at once, a run failing when over ${run.parallel.toleratedFailurePercent}% of them fail` }
                    : {}),
            };
        }
        case "aws:iam/rolePolicy:RolePolicy": {
            const role = index.resources.find((x) => x.type === "aws:iam/role:Role" && (x.state.name === i.role || x.state.__id === i.role || x.name === i.role));
            return {
                role: role?.name ?? i.role,
                statements: policyStatements(json(i.policy), (x) => index.label(x)),
            };
        }
        case "aws:iam/role:Role":
            return { trust: policyStatements(json(i.assumeRolePolicy), (x) => index.label(x)) };
        case "aws:s3/bucketPolicy:BucketPolicy":
            return { bucket: index.label(i.bucket), statements: policyStatements(json(i.policy), (x) => index.label(x)) };
        case "aws:sns/topicPolicy:TopicPolicy":
            return { topic: index.label(i.arn), statements: policyStatements(json(i.policy), (x) => index.label(x)) };
        case "aws:sqs/queuePolicy:QueuePolicy":
            return { queue: index.label(i.queueUrl), statements: policyStatements(json(i.policy), (x) => index.label(x)) };
        case "aws:ec2/securityGroup:SecurityGroup": {
            const rules = securityGroupRules(r, index);
            return { inbound: rules.inbound.length > 0 ? rules.inbound : "none", outbound: rules.outbound.length > 0 ? rules.outbound : "none" };
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
            const direction = VPC_RULE_DIRECTIONS[r.type];
            return { securityGroup: index.label(i.securityGroupId), [direction]: vpcRuleText(direction, i, (x) => index.label(x)) };
        }
        case "aws:ec2/securityGroupRule:SecurityGroupRule": {
            const direction = i.type === "egress" ? "outbound" : "inbound";
            return { securityGroup: index.label(i.securityGroupId), [direction]: inlineRuleText(direction, { ...i, securityGroups: i.sourceSecurityGroupId }, (x) => index.label(x)) };
        }
        case "aws:appautoscaling/target:Target":
            return { minCapacity: i.minCapacity, maxCapacity: i.maxCapacity };
        case "aws:appautoscaling/policy:Policy": {
            const c = i.targetTrackingScalingPolicyConfiguration ?? {};
            return { metric: c.predefinedMetricSpecification?.predefinedMetricType, target: c.targetValue };
        }
        case "aws:dynamodb/table:Table":
            return { keys: `${i.hashKey} / ${i.rangeKey ?? "-"}`, billingMode: i.billingMode, pointInTimeRecovery: i.pointInTimeRecovery?.enabled, deletionProtection: i.deletionProtectionEnabled };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { name: i.name, retentionInDays: i.retentionInDays };
        case "aws:ecs/cluster:Cluster":
            return { containerInsights: (i.settings ?? []).find((s: any) => s.name === "containerInsights")?.value };
        case "aws:sns/topicSubscription:TopicSubscription":
            return { protocol: i.protocol, endpoint: i.endpoint };
        case "awsx:ec2:Vpc":
            return { cidrBlock: i.cidrBlock, availabilityZones: i.numberOfAvailabilityZones, natGateways: i.natGateways?.strategy };
        case "awsx:ecr:Image":
            return { context: i.context, platform: i.platform };
        default:
            return {};
    }
}

/** The plan's resources, with parents by name and masked key inputs. */
export function planResources(resources: readonly RecordedResource[]): PlanResource[] {
    const index = new ResourceIndex(resources);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        ...(r.parent ? { parent: byUrn.get(r.parent)?.name, parentUrn: r.parent } : {}),
        keyInputs: maskSecrets(keyInputs(r, index)) as Record<string, unknown>,
        ...(r.type === "awsx:ec2:Vpc" ? { willCreate: vpcWillCreate(r.inputs).lines } : {}),
        ...(r.type === "awsx:ecr:Image" ? { willCreate: ["a Docker build for the platform, pushed to the repository"] } : {}),
    }));
}

/** Resources per type, sorted by type. */
export function countByType(resources: readonly { type: string }[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of [...resources].sort((a, b) => a.type.localeCompare(b.type))) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return counts;
}
