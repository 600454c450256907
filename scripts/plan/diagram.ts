/**
 * The stack's architecture as a graph (internet, load balancer and listeners, target group,
 * service and tasks in their subnets, the NAT gateways, the web ACL and its logs, the batch
 * schedule, state machine and task, the table and the bucket, the alarms and the alert topic),
 * rendered as Mermaid (shown by GitHub) and Graphviz DOT.
 */
import { summarizeRunner } from "../../components/batchRunner";
import { RecordedResource } from "../../components/testing";
import { ResourceIndex, ruleConditionsText, serviceCalls, vpcWillCreate } from "./model";

export interface GraphNode {
    readonly id: string;
    readonly label: string;
    readonly shape: "box" | "round" | "database" | "circle";
    readonly group?: string;
}

export interface GraphEdge {
    readonly from: string;
    readonly to: string;
    readonly label?: string;
    readonly dashed?: boolean;
}

export interface Graph {
    readonly nodes: GraphNode[];
    readonly edges: GraphEdge[];
    readonly groups: { id: string; label: string }[];
}

const id = (r: RecordedResource | string) => (typeof r === "string" ? r : r.name).replace(/[^A-Za-z0-9_]/g, "_");

function parse(text: unknown): any {
    try {
        return typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}

/** The resources (table, bucket) a role's policies name, by ARN. */
function dataTouchedBy(roleArn: unknown, index: ResourceIndex, data: RecordedResource[]): RecordedResource[] {
    const role = index.find(roleArn);
    if (!role) {
        return [];
    }
    const resources = index
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.state.name || p.inputs.role === role.state.__id || p.inputs.role === role.name)
        .flatMap((p) => (parse(p.inputs.policy)?.Statement ?? []).flatMap((s: any) => [].concat(s.Resource ?? [])));
    return data.filter((d) => resources.some((r: unknown) => typeof r === "string" && typeof d.state.arn === "string" && (r === d.state.arn || r.startsWith(`${d.state.arn}/`))));
}

function sizeOf(td: RecordedResource | undefined): string {
    if (!td) {
        return "";
    }
    const arch = td.inputs.runtimePlatform?.cpuArchitecture === "ARM64" ? "arm64" : "x86_64";
    return `${Number(td.inputs.cpu) / 1024} vCPU / ${Number(td.inputs.memory) / 1024} GB ${arch}`;
}

/** Builds the architecture graph from the recorded resources. */
export function architectureGraph(resources: readonly RecordedResource[]): Graph {
    const index = new ResourceIndex(resources);
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const groups: { id: string; label: string }[] = [];
    const group = (gid: string, label: string) => {
        if (!groups.some((g) => g.id === gid)) {
            groups.push({ id: gid, label });
        }
        return gid;
    };
    const data = [...index.ofType("aws:dynamodb/table:Table"), ...index.ofType("aws:s3/bucket:Bucket")];
    const lbs = index.ofType("aws:lb/loadBalancer:LoadBalancer");
    if (lbs.some((lb) => !lb.inputs.internal)) {
        nodes.push({ id: "internet", label: "Internet", shape: "circle" });
    }
    for (const lb of lbs) {
        nodes.push({ id: id(lb), label: `Load balancer ${lb.name}${lb.inputs.internal ? " (internal)" : ""}`, shape: "box", group: group("public", "Public subnets") });
        if (!lb.inputs.internal) {
            edges.push({ from: "internet", to: id(lb) });
        }
        for (const listener of index.ofType("aws:lb/listener:Listener").filter((l) => l.inputs.loadBalancerArn === lb.state.arn)) {
            const fixed = (listener.inputs.defaultActions ?? []).find((a: any) => a.type === "fixed-response");
            nodes.push({ id: id(listener), label: `${listener.inputs.protocol} :${listener.inputs.port}${fixed ? `, else ${fixed.fixedResponse?.statusCode}` : ""}`, shape: "round" });
            edges.push({ from: id(lb), to: id(listener) });
            const rules = index
                .ofType("aws:lb/listenerRule:ListenerRule")
                .filter((rule) => rule.inputs.listenerArn === listener.state.arn)
                .sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority));
            for (const rule of rules) {
                for (const action of (rule.inputs.actions ?? []).filter((a: any) => a.type === "forward")) {
                    const tg = index.find(action.targetGroupArn);
                    if (tg) {
                        edges.push({ from: id(listener), to: id(tg), label: `${rule.inputs.priority}: ${ruleConditionsText(rule.inputs.conditions)}` });
                    }
                }
            }
            for (const action of listener.inputs.defaultActions ?? []) {
                if (action.type === "forward") {
                    const tg = index.find(action.targetGroupArn);
                    if (tg) {
                        edges.push({ from: id(listener), to: id(tg), label: "forward" });
                    }
                } else if (action.type === "redirect") {
                    const https = index.ofType("aws:lb/listener:Listener").find((l) => l.inputs.loadBalancerArn === lb.state.arn && l.inputs.protocol === "HTTPS");
                    if (https) {
                        edges.push({ from: id(listener), to: id(https), label: "301 redirect", dashed: true });
                    }
                }
            }
        }
    }
    for (const tg of index.ofType("aws:lb/targetGroup:TargetGroup")) {
        nodes.push({ id: id(tg), label: `Target group ${tg.name} (ip, :${tg.inputs.port})`, shape: "box" });
    }
    for (const svc of index.ofType("aws:ecs/service:Service")) {
        const td = index.find(svc.inputs.taskDefinition);
        const publicIp = svc.inputs.networkConfiguration?.assignPublicIp;
        const gid = publicIp ? group("public", "Public subnets") : group("private", "Private subnets");
        nodes.push({ id: id(svc), label: `ECS service ${svc.name}: ${svc.inputs.desiredCount} task(s), ${sizeOf(td)}${publicIp ? ", public IPs" : ""}`, shape: "box", group: gid });
        for (const lb of svc.inputs.loadBalancers ?? []) {
            const tg = index.find(lb.targetGroupArn);
            if (tg) {
                edges.push({ from: id(tg), to: id(svc), label: `:${lb.containerPort}` });
            }
        }
        for (const d of dataTouchedBy(td?.inputs.taskRoleArn, index, data)) {
            edges.push({ from: id(svc), to: id(d) });
        }
        // A worker's queue (and where its failed messages go), from the component that made both.
        for (const queue of index.ofType("aws:sqs/queue:Queue").filter((q) => q.parent !== undefined && q.parent === svc.parent && typeof q.inputs.redrivePolicy === "string")) {
            nodes.push({ id: id(queue), label: `SQS queue ${queue.name}`, shape: "round" });
            edges.push({ from: id(queue), to: id(svc), label: "messages" });
            const dlq = index.find(parse(queue.inputs.redrivePolicy)?.deadLetterTargetArn);
            if (dlq) {
                nodes.push({ id: id(dlq), label: `SQS dead-letter queue ${dlq.name}`, shape: "round" });
                edges.push({ from: id(queue), to: id(dlq), label: `after ${parse(queue.inputs.redrivePolicy).maxReceiveCount} receives`, dashed: true });
            }
        }
    }
    for (const call of serviceCalls(index)) {
        edges.push({ from: id(call.caller), to: id(call.callee), label: call.url ? `Service Connect ${call.url}` : `:${call.port}` });
    }
    for (const sm of index.ofType("aws:sfn/stateMachine:StateMachine")) {
        const run = summarizeRunner(parse(sm.inputs.definition));
        const td = index.find(run.taskDefinition);
        const publicIp = run.assignPublicIp === "ENABLED";
        const fanOut = run.parallel;
        nodes.push({ id: id(sm), label: `State machine ${sm.name} (timeout ${run.timeoutSeconds}s${fanOut ? " a shard" : ""}, ${run.attempts} retries)`, shape: "round" });
        const taskId = `${id(sm)}_task`;
        const job = resources.find((r) => r.urn === td?.parent)?.name ?? td?.name ?? "?";
        nodes.push({ id: taskId, label: `Batch task ${job}: ${sizeOf(td)}, runs to completion${fanOut ? `, x ${fanOut.shards} shards` : ""}`, shape: "box", group: publicIp ? group("public", "Public subnets") : group("private", "Private subnets") });
        // A sharded run fans out: one child execution per shard, each with its task.
        edges.push({ from: id(sm), to: taskId, label: fanOut ? `Distributed Map: ${fanOut.shards} shards, ${fanOut.maxConcurrent} at once, runTask.sync each` : "runTask.sync" });
        for (const d of dataTouchedBy(td?.inputs.taskRoleArn, index, data)) {
            edges.push({ from: taskId, to: id(d) });
        }
        for (const schedule of index.ofType("aws:scheduler/schedule:Schedule").filter((s) => s.inputs.target?.arn === sm.state.arn)) {
            nodes.push({ id: id(schedule), label: `Schedule ${schedule.inputs.scheduleExpression} ${schedule.inputs.scheduleExpressionTimezone ?? ""}`.trim(), shape: "round" });
            edges.push({ from: id(schedule), to: id(sm), label: "starts" });
        }
        for (const rule of index.ofType("aws:cloudwatch/eventRule:EventRule").filter((r) => typeof r.inputs.eventPattern === "string" && r.inputs.eventPattern.includes(String(sm.state.arn)))) {
            for (const target of index.ofType("aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.inputs.rule === rule.state.name)) {
                const topic = index.find(target.inputs.arn);
                const topicId = topic ? id(topic) : "alert_topic";
                if (!nodes.some((n) => n.id === topicId)) {
                    nodes.push({ id: topicId, label: topic ? topicLabel(topic, index) : "SNS topic", shape: "round" });
                }
                edges.push({ from: id(sm), to: topicId, label: "failed runs", dashed: true });
            }
        }
    }
    for (const d of data) {
        nodes.push({ id: id(d), label: `${d.type.startsWith("aws:dynamodb") ? "DynamoDB table" : "S3 bucket"} ${d.name}`, shape: "database" });
    }
    const graph = { nodes, edges, groups };
    addNatGateways(graph, index, group);
    addFirewalls(graph, index);
    addAccessLogs(graph, index);
    addAlarms(graph, index);
    return graph;
}

/** "SNS topic alerts, 1 email subscription". */
function topicLabel(topic: RecordedResource, index: ResourceIndex): string {
    const protocols = index.ofType("aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.topic === topic.state.arn).map((s) => String(s.inputs.protocol));
    const counts = [...new Set(protocols)].map((p) => `${protocols.filter((x) => x === p).length} ${p} subscription${protocols.filter((x) => x === p).length > 1 ? "s" : ""}`);
    return [`SNS topic ${topic.name}`, ...counts].join(", ");
}

function addNode(graph: Graph, node: GraphNode): void {
    if (!graph.nodes.some((n) => n.id === node.id)) {
        graph.nodes.push(node);
    }
}

/**
 * The NAT gateways an awsx VPC will create (out of the mocks' sight), in the public subnets: the
 * way out of the private subnets' tasks to the internet, and an hourly cost of the plan.
 */
function addNatGateways(graph: Graph, index: ResourceIndex, group: (gid: string, label: string) => string): void {
    const vpcs = index.ofType("awsx:ec2:Vpc").filter((v) => vpcWillCreate(v.inputs).natGateways > 0);
    for (const vpc of vpcs) {
        const { natGateways } = vpcWillCreate(vpc.inputs);
        const nat = `${id(vpc)}_nat`;
        addNode(graph, { id: nat, label: `${natGateways} NAT gateway${natGateways > 1 ? "s" : ""} of ${vpc.name} (${vpc.inputs.natGateways?.strategy}), an Elastic IP each`, shape: "box", group: group("public", "Public subnets") });
        addNode(graph, { id: "internet", label: "Internet", shape: "circle" });
        graph.edges.push({ from: nat, to: "internet", label: "outbound" });
        // With one VPC every private task goes out through it; with several, which one is not known here.
        if (vpcs.length === 1) {
            for (const task of graph.nodes.filter((n) => n.group === "private")) {
                graph.edges.push({ from: task.id, to: nat });
            }
        }
    }
}

/** Each web ACL, the load balancer it filters and the log group it writes every inspected request to. */
function addFirewalls(graph: Graph, index: ResourceIndex): void {
    for (const association of index.ofType("aws:wafv2/webAclAssociation:WebAclAssociation")) {
        const lb = index.find(association.inputs.resourceArn);
        const acl = index.find(association.inputs.webAclArn);
        const wafId = acl ? id(acl) : `${id(association)}_acl`;
        const rules = Array.isArray(acl?.inputs.rules) ? acl.inputs.rules.length : undefined;
        addNode(graph, { id: wafId, label: acl ? `WAF web ACL ${acl.name}: ${rules} rule${rules === 1 ? "" : "s"}` : "WAF web ACL made elsewhere", shape: "box" });
        if (lb) {
            graph.edges.push({ from: wafId, to: id(lb), label: "filters requests", dashed: true });
        }
        for (const logging of index.ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").filter((c) => acl && c.inputs.resourceArn === acl.state.arn)) {
            for (const group of (logging.inputs.logDestinationConfigs ?? []).map((arn: unknown) => index.find(arn)).filter((g: RecordedResource | undefined) => g !== undefined)) {
                addNode(graph, { id: id(group), label: `Log group ${group.inputs.name ?? (group.inputs.namePrefix ? `${group.inputs.namePrefix}…` : group.name)}${group.inputs.retentionInDays ? `, kept ${group.inputs.retentionInDays} days` : ""}`, shape: "database" });
                graph.edges.push({ from: wafId, to: id(group), label: "request logs" });
            }
        }
    }
}

/** Where a load balancer and a bucket write their access logs, so a log bucket is not drawn alone. */
function addAccessLogs(graph: Graph, index: ResourceIndex): void {
    const drawn = (r: RecordedResource | undefined): r is RecordedResource => r !== undefined && graph.nodes.some((n) => n.id === id(r));
    for (const lb of index.ofType("aws:lb/loadBalancer:LoadBalancer").filter((l) => l.inputs.accessLogs?.enabled)) {
        const bucket = index.find(lb.inputs.accessLogs.bucket);
        if (drawn(bucket)) {
            graph.edges.push({ from: id(lb), to: id(bucket), label: "access logs", dashed: true });
        }
    }
    for (const logging of index.ofType("aws:s3/bucketLogging:BucketLogging")) {
        const [source, target] = [index.find(logging.inputs.bucket), index.find(logging.inputs.targetBucket)];
        if (drawn(source) && drawn(target)) {
            graph.edges.push({ from: id(source), to: id(target), label: "access logs", dashed: true });
        }
    }
}

/**
 * The alarms, one node per component that made them (a node per alarm would crowd the diagram:
 * the plan's "Alarms" section lists each), from what they watch to the topics they notify.
 */
function addAlarms(graph: Graph, index: ResourceIndex): void {
    const alarms = index.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    const owners = [...new Set(alarms.map((a) => a.parent))];
    for (const owner of owners) {
        const component = index.resources.find((r) => r.urn === owner);
        const own = alarms.filter((a) => a.parent === owner);
        const prefix = component ? `${component.name}-` : "";
        const short = own.map((a) => a.name.replace(prefix, "").replace(/^alarm-/, "").replace(/-alarm$/, "")).sort();
        const alarmsId = `${component ? id(component) : "stack"}_alarms`;
        addNode(graph, { id: alarmsId, label: `${own.length} alarm${own.length > 1 ? "s" : ""}${component ? ` of ${component.name}` : ""}: ${short.join(", ")}`, shape: "round" });
        // What they watch: the service, load balancer or state machine the same component made.
        for (const watched of index.resources.filter((r) => component && r.parent === owner && WATCHED.includes(r.type) && graph.nodes.some((n) => n.id === id(r)))) {
            graph.edges.push({ from: id(watched), to: alarmsId, label: "metrics", dashed: true });
        }
        const topics = [...new Set(own.flatMap((a) => [...(a.inputs.alarmActions ?? []), ...(a.inputs.okActions ?? [])]))].map((arn) => index.find(arn)).filter((t) => t?.type === "aws:sns/topic:Topic");
        for (const topic of new Set(topics as RecordedResource[])) {
            addNode(graph, { id: id(topic), label: topicLabel(topic, index), shape: "round" });
            graph.edges.push({ from: alarmsId, to: id(topic), label: "notify", dashed: true });
        }
    }
}

/** The resources whose metrics a component's alarms read, drawn as nodes above. */
const WATCHED = ["aws:lb/loadBalancer:LoadBalancer", "aws:ecs/service:Service", "aws:sfn/stateMachine:StateMachine"];

const quote = (s: string) => s.replace(/"/g, "'");

/** Mermaid flowchart source. */
export function toMermaid(graph: Graph): string {
    const shape = (n: GraphNode) => {
        const label = `"${quote(n.label)}"`;
        return n.shape === "database" ? `${n.id}[(${label})]` : n.shape === "round" ? `${n.id}(${label})` : n.shape === "circle" ? `${n.id}((${label}))` : `${n.id}[${label}]`;
    };
    const lines = ["flowchart LR"];
    for (const n of graph.nodes.filter((x) => !x.group)) {
        lines.push(`    ${shape(n)}`);
    }
    for (const g of graph.groups) {
        lines.push(`    subgraph ${g.id}["${g.label}"]`);
        for (const n of graph.nodes.filter((x) => x.group === g.id)) {
            lines.push(`        ${shape(n)}`);
        }
        lines.push("    end");
    }
    for (const e of graph.edges) {
        const arrow = e.dashed ? "-.->" : "-->";
        lines.push(`    ${e.from} ${arrow}${e.label ? `|"${quote(e.label)}"|` : ""} ${e.to}`);
    }
    return lines.join("\n") + "\n";
}

/** Graphviz DOT source. */
export function toDot(graph: Graph, title: string): string {
    const shapes = { box: "box", round: "box, style=rounded", database: "cylinder", circle: "circle" } as const;
    const node = (n: GraphNode, indent: string) => `${indent}${n.id} [label="${quote(n.label)}", shape=${shapes[n.shape]}];`;
    const lines = [`digraph "${quote(title)}" {`, "    rankdir=LR;", '    node [fontname="Helvetica"];'];
    for (const n of graph.nodes.filter((x) => !x.group)) {
        lines.push(node(n, "    "));
    }
    for (const g of graph.groups) {
        lines.push(`    subgraph cluster_${g.id} {`, `        label="${g.label}";`);
        for (const n of graph.nodes.filter((x) => x.group === g.id)) {
            lines.push(node(n, "        "));
        }
        lines.push("    }");
    }
    for (const e of graph.edges) {
        const attrs = [e.label ? `label="${quote(e.label)}"` : "", e.dashed ? "style=dashed" : ""].filter(Boolean).join(", ");
        lines.push(`    ${e.from} -> ${e.to}${attrs ? ` [${attrs}]` : ""};`);
    }
    lines.push("}");
    return lines.join("\n") + "\n";
}
