/**
 * AWS's rules between the steps of an update (the planner is in updatePlan.ts): what a step breaks
 * while the old and the new resources exist side by side, and outcomes nobody asked for. Each
 * rule's source is in docs/aws-behaviour.md, section "Updates".
 */
import type { RecordedResource } from "./mockRecord";
import { REFUSED_WHEN } from "./replacementConditions";
import { identityValues, isUnknown, parsePath, PlanContext, PlannedStep, UpdateProblem, UpdateRule, valueAt } from "./updateModel";

/** A key part: a literal, or the resources an unknown value will come from. */
function part(value: unknown): string {
    if (value === undefined || value === null) {
        return "";
    }
    if (isUnknown(value)) {
        return `(new ${[...value.from].sort().join(" ")})`;
    }
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** How a clash of one kind of key shows. */
interface UniqueKey {
    readonly types: readonly string[];
    /** Keys a resource holds, each a list of parts, with words for the message. */
    keys(inputs: Record<string, any>, r: RecordedResource): { key: string[]; words: string }[];
    /** `create-fails`: AWS refuses the second holder; `delete-undoes`: the second write wins, then the old one's delete removes it. */
    readonly clash: "create-fails" | "delete-undoes";
    /** What AWS answers, or what is lost. */
    readonly outcome: string;
    readonly fix: string;
}

const SINGLETON_FIX = "give the new resource the old one's logical name (or an alias to it), so it is updated in place";

const UNIQUE_KEYS: readonly UniqueKey[] = [
    {
        types: ["aws:lb/listenerRule:ListenerRule"],
        keys: (i) => [{ key: [part(i.listenerArn), part(i.priority)], words: `priority ${part(i.priority)} on its listener` }],
        clash: "create-fails",
        outcome: "ELB answers PriorityInUse (priorities are unique per listener, and the provider changes each rule's priority in a call of its own, without retrying)",
        fix: "keep every other rule's priority where it was (give explicit priorities), or move it in an update of its own first",
    },
    {
        types: ["aws:ecs/service:Service"],
        keys: (i) => {
            const sc = i.serviceConnectConfiguration;
            if (!sc || sc.enabled === false) {
                return [];
            }
            const namespace = part(sc.namespace);
            return (sc.services ?? []).flatMap((s: any) => {
                const discovery = s.discoveryName ?? s.portName;
                const aliases = [s.clientAlias].flat().filter((a: any) => a);
                return [
                    { key: ["discovery", namespace, part(discovery)], words: `the Service Connect discovery name "${part(discovery)}"` },
                    ...aliases.map((a: any) => ({ key: ["alias", namespace, part(a.dnsName ?? discovery), part(a.port)], words: `the Service Connect client alias ${part(a.dnsName ?? discovery)}:${part(a.port)}` })),
                ];
            });
        },
        clash: "create-fails",
        outcome: "ECS refuses it: a discovery name, and a client alias name and port, are unique in the Cloud Map namespace",
        fix: "change the service in place instead of making a new one (the components do so for capacity changes), or remove the old service in an update of its own first",
    },
    {
        types: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"],
        keys: (i, r) => [
            {
                key: [r.type, part(i.securityGroupId), part(i.ipProtocol), part(i.fromPort), part(i.toPort), part(i.cidrIpv4), part(i.cidrIpv6), part(i.prefixListId), part(i.referencedSecurityGroupId)],
                words: `the same ${r.type.includes("Ingress") ? "inbound" : "outbound"} permission (${part(i.ipProtocol)} ${part(i.fromPort)}-${part(i.toPort)}) on its security group`,
            },
        ],
        clash: "create-fails",
        outcome: "EC2 answers InvalidPermission.Duplicate",
        fix: SINGLETON_FIX,
    },
    ...(
        [
            ["aws:s3/bucketPolicy:BucketPolicy", ["bucket"], "the bucket's policy", "removes the bucket's policy"],
            ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ["bucket"], "the bucket's lifecycle configuration", "removes the bucket's lifecycle rules"],
            ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", ["bucket"], "the bucket's default encryption", "sets the bucket back to S3-managed keys"],
            ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", ["bucket"], "the bucket's public access block", "removes the bucket's public access block"],
            ["aws:s3/bucketVersioning:BucketVersioning", ["bucket"], "the bucket's versioning", "suspends the bucket's versioning"],
            ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", ["bucket"], "the bucket's ownership controls", "removes the bucket's ownership controls"],
            ["aws:s3/bucketLogging:BucketLogging", ["bucket"], "the bucket's access logging", "turns the bucket's access logging off"],
            ["aws:sns/topicPolicy:TopicPolicy", ["arn"], "the topic's policy", "sets the topic's policy back to the default"],
            ["aws:sqs/queuePolicy:QueuePolicy", ["queueUrl"], "the queue's policy", "removes the queue's policy"],
            ["aws:sqs/redrivePolicy:RedrivePolicy", ["queueUrl"], "the queue's redrive policy", "removes the queue's redrive policy"],
            ["aws:wafv2/webAclAssociation:WebAclAssociation", ["resourceArn"], "the load balancer's web ACL association", "disassociates the web ACL"],
            ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", ["resourceArn"], "the web ACL's logging configuration", "turns the web ACL's logging off"],
            ["aws:ecr/lifecyclePolicy:LifecyclePolicy", ["repository"], "the repository's lifecycle policy", "removes the repository's lifecycle policy"],
            ["aws:appautoscaling/target:Target", ["serviceNamespace", "resourceId", "scalableDimension"], "the scalable target", "deregisters the scalable target, and with it its scaling policies"],
            ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", ["role", "policyArn"], "the policy's attachment to the role", "detaches the policy from the role"],
            ["aws:cloudwatch/eventTarget:EventTarget", ["rule", "targetId"], "the rule's target", "removes the rule's target"],
            ["aws:lb/listenerCertificate:ListenerCertificate", ["listenerArn", "certificateArn"], "the certificate on the listener", "removes the certificate from the listener"],
        ] as const
    ).map(
        ([type, paths, words, undone]): UniqueKey => ({
            types: [type],
            keys: (i) => (paths.some((p) => valueAt(i, p) === undefined) && type === "aws:cloudwatch/eventTarget:EventTarget" ? [] : [{ key: [type, ...paths.map((p) => part(valueAt(i, p)))], words }]),
            clash: "delete-undoes",
            outcome: `AWS keeps one of these per ${paths.join(" and ")}: the new resource's write succeeds, then the old one's delete at the end of the update ${undone}`,
            fix: SINGLETON_FIX,
        }),
    ),
    {
        types: ["aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"],
        keys: (i) => [{ key: ["capacity-providers", part(i.clusterName)], words: "the cluster's capacity providers" }],
        clash: "delete-undoes",
        outcome: "AWS keeps one list per cluster: the new resource's write succeeds, then the old one's delete at the end of the update tries to clear the list, which ECS refuses while tasks use the providers (ResourceInUse, retried for 10 minutes): the update fails",
        fix: SINGLETON_FIX,
    },
    ...(
        [
            ["aws:route53/record:Record", ["zoneId", "name", "type", "setIdentifier"], "the DNS record", "Route 53 refuses to create a record set that exists (the provider sends CREATE unless allowOverwrite)"],
            ["aws:kms/alias:Alias", ["name"], "the KMS alias name", "KMS answers AlreadyExistsException"],
            ["aws:ssm/parameter:Parameter", ["name"], "the parameter name", "SSM answers ParameterAlreadyExists"],
            ["aws:servicediscovery/httpNamespace:HttpNamespace", ["name"], "the Cloud Map namespace name", "Cloud Map refuses a second namespace of that name"],
        ] as const
    ).map(
        ([type, paths, words, outcome]): UniqueKey => ({
            types: [type],
            keys: (i) => [{ key: [type, ...paths.map((p) => part(valueAt(i, p)))], words: `${words} ${paths.map((p) => part(valueAt(i, p))).filter((x) => x).join(" ")}` }],
            clash: "create-fails",
            outcome,
            fix: SINGLETON_FIX,
        }),
    ),
];

/** Where an explicit name is unique: per account and Region, unless listed here (per owner). */
const NAME_SCOPES: Readonly<Record<string, readonly string[]>> = {
    "aws:ecs/service:Service": ["cluster"],
    "aws:iam/rolePolicy:RolePolicy": ["role"],
    "aws:appautoscaling/policy:Policy": ["serviceNamespace", "resourceId", "scalableDimension"],
    "aws:cloudwatch/eventTarget:EventTarget": ["rule"],
    "aws:scheduler/schedule:Schedule": ["groupName"],
};

/** Keys of explicit physical names (an auto-named property given by the program): unique per type and scope. */
function explicitNameKeys(ctx: PlanContext, r: RecordedResource, inputs: Record<string, any>): { key: string[]; words: string }[] {
    const named = ctx.replacementsOf(r.type)?.autoNamed;
    if (named === undefined || inputs[named] === undefined || UNIQUE_KEYS.some((k) => k.types.includes(r.type) && k.clash === "create-fails" && r.type !== "aws:ecs/service:Service")) {
        return [];
    }
    const scope = (NAME_SCOPES[r.type] ?? []).map((p) => part(valueAt(inputs, p)));
    return [{ key: ["name", r.type, ...scope, part(inputs[named])], words: `the name "${part(inputs[named])}"` }];
}

/** When the old holder of a key lets it go, relative to a new claim. */
function releaseOf(ctx: PlanContext, holder: RecordedResource, claimant: string, keyText: string, keysOf: (r: RecordedResource, inputs: Record<string, any>) => string[]): string | undefined {
    const successor = ctx.successorOf.get(holder.urn);
    if (!successor) {
        return "until it is deleted, after every create and update";
    }
    const s = ctx.stepOf.get(successor)!;
    if (s.op === "replace") {
        if (s.deleteBeforeReplace) {
            return successor === claimant || ctx.waitsFor(claimant, successor) ? undefined : "until it is deleted before its replacement, which may run after this";
        }
        return "until its replaced copy is deleted, after every create and update";
    }
    const stillHeld = keysOf(ctx.newNodes.get(successor)!.resource, ctx.effectiveInputs.get(successor)!).includes(keyText);
    if (stillHeld) {
        return "and keeps it";
    }
    return ctx.waitsFor(claimant, successor) ? undefined : "until its own update, which nothing orders before this one";
}

/** Uniqueness rules: a key a step claims while the resource holding it before still holds it. */
const uniqueKeys: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    const specs = [...UNIQUE_KEYS, { types: ["*"], keys: () => [], clash: "create-fails", outcome: "AWS refuses a second resource of that name", fix: "rename it, or delete the old one in an update of its own first" } as UniqueKey];
    const keysWithWords = (spec: UniqueKey, r: RecordedResource, inputs: Record<string, any>) =>
        spec.types.includes("*") ? explicitNameKeys(ctx, r, inputs) : spec.types.includes(r.type) ? spec.keys(inputs, r) : [];
    for (const spec of specs) {
        const keysOf = (r: RecordedResource, inputs: Record<string, any>) => keysWithWords(spec, r, inputs).map((k) => JSON.stringify(k.key));
        const holders = new Map<string, RecordedResource>();
        for (const { resource } of ctx.oldNodes.values()) {
            keysOf(resource, resource.inputs).forEach((k) => holders.set(k, resource));
        }
        for (const { resource } of ctx.newNodes.values()) {
            const step = ctx.stepOf.get(resource.urn)!;
            if (!["create", "update", "replace", "unknown"].includes(step.op)) {
                continue;
            }
            const own = ctx.matchOf.get(resource.urn);
            const ownOldKeys = own ? keysOf(ctx.oldNodes.get(own)!.resource, ctx.oldNodes.get(own)!.resource.inputs) : [];
            for (const { key, words } of keysWithWords(spec, resource, ctx.effectiveInputs.get(resource.urn)!)) {
                const keyText = JSON.stringify(key);
                const holder = holders.get(keyText);
                if (!holder) {
                    continue;
                }
                let when: string | undefined;
                if (holder.urn === own) {
                    if (step.op !== "replace" || step.deleteBeforeReplace || !ownOldKeys.includes(keyText)) {
                        continue;
                    }
                    when = "its old copy holds it until it is deleted, after every create and update";
                } else {
                    when = releaseOf(ctx, holder, resource.urn, keyText, keysOf);
                    if (when === undefined) {
                        continue;
                    }
                    when = `${holder.name} holds it ${when}`;
                }
                const verb = step.op === "replace" ? "replacement of" : step.op === "create" ? "new" : "update of";
                problems.push({
                    rule: spec.clash === "create-fails" ? "unique-while-both-exist" : "one-per-owner",
                    severity: "error",
                    urns: [resource.urn, holder.urn],
                    message: `the ${verb} ${resource.name} takes ${words} while ${when}: ${spec.outcome}. Fix: ${spec.fix}.`,
                });
            }
        }
    }
    return problems;
};

/** Old values of `r` (old run) at `path` that name a resource being deleted or replaced. */
function staleTargets(ctx: PlanContext, old: RecordedResource, path: string): RecordedResource[] {
    const top = parsePath(path)[0] as string;
    const value = JSON.stringify(valueAt(old.inputs, path) ?? null);
    return (old.options.propertyDependencies[top] ?? [])
        .map((u) => ctx.oldNodes.get(u)?.resource)
        .filter((d): d is RecordedResource => d !== undefined)
        .filter((d) => {
            const successor = ctx.successorOf.get(d.urn);
            const goes = !successor || ctx.stepOf.get(successor)?.op === "replace";
            return goes && identityValues(d).some((id) => value.includes(id));
        });
}

function describeStale(r: RecordedResource, target: RecordedResource, why: string, path: string): UpdateProblem {
    const replaced = "is replaced or deleted";
    if (target.type === "aws:lb/targetGroup:TargetGroup") {
        return {
            rule: "in-use-not-deleted",
            severity: "error",
            urns: [r.urn, target.urn],
            message: `${r.name} keeps ${path} pointing at ${target.name}, which ${replaced}, because ${why}: ELB refuses to delete a target group a listener rule forwards to (ResourceInUse), so the update fails at the end, and until then the load balancer sends requests to the old group while ECS registers tasks in the new one. Fix: let the change reach ${r.name} (see "The changes that need care" in the package's docs/updates.md).`,
        };
    }
    return {
        rule: "in-use-not-deleted",
        severity: "error",
        urns: [r.urn, target.urn],
        message: `${r.name} keeps ${path} pointing at ${target.name}, which ${replaced}, because ${why}: the live resource goes on using what no longer exists, and AWS may refuse the delete while it is in use.`,
    };
}

/** Resources that keep (through ignoreChanges or a removed block the provider ignores) a reference to what goes away. */
const staleReferences: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    for (const [urn, oldUrn] of ctx.matchOf) {
        const step = ctx.stepOf.get(urn)!;
        if (step.op === "replace" || step.op === "create") {
            continue;
        }
        const r = ctx.newNodes.get(urn)!.resource;
        const old = ctx.oldNodes.get(oldUrn)!.resource;
        const seen = new Set<string>();
        for (const path of step.ignored) {
            for (const target of staleTargets(ctx, old, path)) {
                const pattern = r.options.ignoreChanges.find((p) => parsePath(p)[0] === parsePath(path)[0]) ?? path;
                if (!seen.has(target.urn)) {
                    seen.add(target.urn);
                    problems.push(describeStale(r, target, `ignoreChanges: ["${pattern}"] keeps the old value`, pattern));
                }
            }
        }
        // What an ignored property points at changes: the program asks for other resources there.
        for (const pattern of r.options.ignoreChanges) {
            const top = parsePath(pattern)[0] as string;
            const wanted = new Set(r.options.propertyDependencies[top] ?? []);
            const had = new Set((old.options.propertyDependencies[top] ?? []).map((u) => ctx.successorOf.get(u) ?? u));
            const added = [...wanted].filter((u) => !had.has(u) && ctx.newNodes.get(u)?.resource.custom);
            if (added.length > 0 && step.ignored.some((p) => parsePath(p)[0] === top)) {
                const names = added.map((u) => ctx.newNodes.get(u)!.resource.name).join(", ");
                problems.push({
                    rule: "ignored-change",
                    severity: "error",
                    urns: [urn, ...added],
                    message: `${r.name} would point ${top} at ${names} too, but ignoreChanges: ["${pattern}"] keeps the old value, so the live resource never does (a service moved between rolling and a traffic-shifting strategy in place, say). Fix: see "The changes that need care" in the package's docs/updates.md.`,
                });
            }
        }
        for (const s of ctx.replacementsOf(r.type)?.suppressedWhenRemoved ?? []) {
            if (present(valueAt(old.inputs, s.path)) && !present(valueAt(ctx.effectiveInputs.get(urn), s.path))) {
                for (const target of staleTargets(ctx, old, s.path)) {
                    if (!seen.has(target.urn)) {
                        seen.add(target.urn);
                        problems.push(describeStale(r, target, `the provider ignores a removed ${s.path} block`, s.path));
                    }
                }
            }
        }
    }
    return problems;
};

function present(v: unknown): boolean {
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

/** Optional blocks the program stops sending, which the provider leaves as they are. */
const suppressedRemovals: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    for (const [urn, oldUrn] of ctx.matchOf) {
        const r = ctx.newNodes.get(urn)!.resource;
        if (ctx.stepOf.get(urn)!.op === "replace") {
            continue;
        }
        const old = ctx.oldNodes.get(oldUrn)!.resource;
        for (const s of ctx.replacementsOf(r.type)?.suppressedWhenRemoved ?? []) {
            if (present(valueAt(old.inputs, s.path)) && !present(valueAt(ctx.effectiveInputs.get(urn), s.path))) {
                problems.push({
                    rule: "removed-block-ignored",
                    severity: "error",
                    urns: [urn],
                    message: `${r.name} no longer sends ${s.path}, but the provider ignores a removed ${s.path} block (${s.source}): the live resource keeps ${JSON.stringify(valueAt(old.inputs, s.path))}. Fix: send the block with the setting turned off instead of leaving it out.`,
                });
            }
        }
    }
    return problems;
};

/** Types whose replacement or deletion loses data or an address, and what is lost. */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
    "aws:dynamodb/table:Table": "every item in the table",
    "aws:s3/bucket:Bucket": "every object in the bucket",
    "aws:s3/bucketV2:BucketV2": "every object in the bucket",
    "aws:kms/key:Key": "the key, and with it everything encrypted under it (the key is scheduled for deletion)",
    "aws:sns/topic:Topic": "the topic's confirmed subscriptions (each must be confirmed again)",
    "aws:cloudwatch/logGroup:LogGroup": "every log event in the group",
    "aws:lb/loadBalancer:LoadBalancer": "its DNS name, which clients and records outside the stack may use",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "the namespace every Service Connect service of it is registered in",
    "aws:ecr/repository:Repository": "every image in the repository",
    "aws:sqs/queue:Queue": "every message waiting in the queue",
};

/** Stateful resources replaced or deleted, protected ones touched, retained ones left behind. */
const statefulAndProtected: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    const subscribed = new Set(
        [...ctx.oldNodes.values()]
            .filter((n) => n.resource.type === "aws:sns/topicSubscription:TopicSubscription")
            .flatMap((n) => n.resource.options.propertyDependencies.topic ?? []),
    );
    for (const [urn, node] of ctx.oldNodes) {
        const old = node.resource;
        const successor = ctx.successorOf.get(urn);
        const step = successor ? ctx.stepOf.get(successor)! : ctx.stepOf.get(urn)!;
        const goes = step.op === "replace" ? "replaced" : step.op === "delete" ? "deleted" : undefined;
        if (!goes) {
            continue;
        }
        const loss = STATEFUL_TYPES[old.type];
        if (loss && (old.type !== "aws:sns/topic:Topic" || subscribed.has(urn))) {
            const why = step.op === "replace" ? ` (${step.replaceReasons.map((r) => r.path || r.how).join(", ")} forces it)` : "";
            problems.push({ rule: "stateful-kept", severity: "error", urns: [successor ?? urn], message: `${old.name} (${old.type}) would be ${goes}${why}: that loses ${loss}. Fix: keep it (an alias if it moved), or, if that is meant, allow it explicitly.` });
        }
        const isProtected = old.options.protect || (successor !== undefined && ctx.newNodes.get(successor)!.resource.options.protect);
        if (isProtected) {
            problems.push({ rule: "protected", severity: "error", urns: [successor ?? urn], message: `${old.name} is protected, so pulumi up refuses to ${goes === "replaced" ? "replace" : "delete"} it and the update fails. Fix: unprotect it in an update of its own first, if that is meant.` });
        } else if (old.options.retainOnDelete && goes) {
            problems.push({ rule: "retained", severity: "warning", urns: [successor ?? urn], message: `${old.name} has retainOnDelete: when ${goes}, the old one stays in AWS, no longer managed by the stack (and still holding its name).` });
        }
    }
    return problems;
};

/** Changes the provider refuses (its CustomizeDiff returns an error). */
const providerRefuses: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    for (const [urn, oldUrn] of ctx.matchOf) {
        const step = ctx.stepOf.get(urn)!;
        for (const rule of ctx.replacementsOf(step.type)?.refusedChanges ?? []) {
            const hit = step.changed.find((p) => p.replace(/\[\d+\]/g, "") === rule.path || p.replace(/\[\d+\]/g, "").startsWith(`${rule.path}.`));
            if (hit === undefined || (rule.unless !== undefined && valueAt(ctx.effectiveInputs.get(urn), rule.unless))) {
                continue;
            }
            const when = REFUSED_WHEN[`${step.type} ${rule.path}`];
            if (when === false) {
                continue;
            }
            const refused = when?.(valueAt(ctx.oldNodes.get(oldUrn)!.resource.inputs, rule.path), valueAt(ctx.effectiveInputs.get(urn), rule.path), ctx.effectiveInputs.get(urn)!);
            if (refused === false) {
                continue;
            }
            problems.push({
                rule: "provider-refuses",
                severity: refused ? "error" : "warning",
                urns: [urn],
                message: `${step.name}: the provider ${refused ? "refuses" : "may refuse"} a change of ${rule.path}${rule.unless ? ` unless ${rule.unless} is true` : ""} (${rule.source})${rule.note && !refused ? `, when ${rule.note}` : ""}.`,
            });
        }
    }
    return problems;
};

/** A service replaced (or made anew beside the old one) under autoscaling starts at its configured count. */
const serviceCount: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    const services = (steps: PlannedStep[]) => steps.filter((s) => s.type === "aws:ecs/service:Service");
    const all = [...ctx.stepOf.values()];
    for (const s of services(all.filter((x) => x.op === "replace" || x.op === "create"))) {
        const r = ctx.newNodes.get(s.urn)!.resource;
        const parent = r.parent;
        const replacesOld = s.op === "replace" || services(all.filter((x) => x.op === "delete")).some((d) => ctx.oldNodes.get(d.urn)?.resource.parent === parent);
        if (!replacesOld || !r.options.ignoreChanges.includes("desiredCount")) {
            continue;
        }
        problems.push({
            rule: "count-reset",
            severity: "warning",
            urns: [s.urn],
            message: `${r.name} is a new service beside the old one and starts at its configured ${r.inputs.desiredCount} task(s), not the count autoscaling reached: when the old service is deleted its tasks stop, and capacity drops until scaling catches up.`,
        });
    }
    return problems;
};

/** A traffic-shifting rule made anew forwards everything to its first target group, which may be the idle one. */
const trafficShiftingRuleMadeAnew: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    for (const s of ctx.stepOf.values()) {
        if (s.type !== "aws:lb/listenerRule:ListenerRule" || (s.op !== "replace" && s.op !== "create")) {
            continue;
        }
        const r = ctx.newNodes.get(s.urn)!.resource;
        const groups = r.inputs.actions?.[0]?.forward?.targetGroups ?? [];
        const shifting = groups.length === 2 && r.options.ignoreChanges.some((p) => p.startsWith("actions"));
        // A rule made for a service that runs already (not one created with it).
        const serviceRuns = [...ctx.matchOf.keys()].some((u) => ctx.newNodes.get(u)!.resource.type === "aws:ecs/service:Service" && ctx.newNodes.get(u)!.resource.parent === r.parent);
        if (!shifting || (s.op === "create" && !serviceRuns)) {
            continue;
        }
        const withGroups = s.replaceReasons.some((x) => x.how === "replaceWith");
        problems.push({
            rule: "traffic-shifting-rule-new",
            severity: "warning",
            urns: [s.urn],
            message: withGroups
                ? `${r.name} is replaced with its target groups, which are new and empty: requests fail from its replacement until ECS's deployment registers the new tasks. Fix: see "The changes that need care" in the package's docs/updates.md.`
                : `${r.name} is ${s.op === "replace" ? "replaced" : "made anew"} forwarding all requests to its first target group, which may not be the one ECS runs the tasks in after earlier deployments: requests would reach a group without tasks until the next deployment. Fix: see "The changes that need care" in the package's docs/updates.md.`,
        });
    }
    return problems;
};

/** A security group rule whose ports change in place: the old port closes while what listens on it still runs. */
const portNarrowedInPlace: UpdateRule = (ctx) =>
    [...ctx.stepOf.values()]
        .filter((s) => s.op === "update" && /^aws:vpc\/securityGroup(Ingress|Egress)Rule:/.test(s.type) && s.changed.some((p) => ["fromPort", "toPort", "ipProtocol"].includes(p)))
        .map((s) => ({
            rule: "port-closed-in-place",
            severity: "warning" as const,
            urns: [s.urn],
            message: `${s.name} changes its ports in place, so the old port closes at the start of the update, while tasks that listen on it still run (until their replacements are up). Fix: a new rule for the new port (a logical name per port), created before the old one is deleted.`,
        }));

/** Steps whose replacement the planner cannot know: a warning each, never "safe". */
const replacementUnknown: UpdateRule = (ctx) => [
    ...[...ctx.stepOf.values()].filter((s) => s.op === "unknown").map((s) => ({ rule: "replacement-unknown", severity: "warning" as const, urns: [s.urn], message: `${s.name}: ${s.reason}.` })),
    ...[...ctx.stepOf.values()]
        .filter((s) => s.op === "delete" && s.type.startsWith("awsx:"))
        .map((s) => ({ rule: "replacement-unknown", severity: "warning" as const, urns: [s.urn], message: `${s.name}: ${s.type} is deleted with every child it made, which the mocks cannot see (for a VPC: its subnets, gateways and routes).` })),
];

/** A rule whose actions ECS owned (ignored by the program) that the program now sets again. */
const trafficShiftingEnded: UpdateRule = (ctx) => {
    const problems: UpdateProblem[] = [];
    for (const [urn, oldUrn] of ctx.matchOf) {
        const s = ctx.stepOf.get(urn)!;
        const r = ctx.newNodes.get(urn)!.resource;
        const old = ctx.oldNodes.get(oldUrn)!.resource;
        const ignoredBefore = old.options.ignoreChanges.some((p) => parsePath(p)[0] === "actions");
        const ignoredNow = r.options.ignoreChanges.some((p) => parsePath(p)[0] === "actions");
        if (r.type !== "aws:lb/listenerRule:ListenerRule" || s.op !== "update" || !ignoredBefore || ignoredNow || !s.changed.some((p) => p.startsWith("actions"))) {
            continue;
        }
        problems.push({
            rule: "traffic-shifting-ended",
            severity: "error",
            urns: [urn],
            message: `${r.name}'s actions were ECS's to set (ignoreChanges), and now the program sets them: the update sends all requests to the target group it names, which may not be the one ECS runs the tasks in, and the other is deleted. Fix: see "The changes that need care" in the package's docs/updates.md.`,
        });
    }
    return problems;
};

/** Every rule, in the order their problems are listed. */
export const UPDATE_RULES: readonly UpdateRule[] = [replacementUnknown, uniqueKeys, portNarrowedInPlace, staleReferences, suppressedRemovals, providerRefuses, statefulAndProtected, serviceCount, trafficShiftingRuleMadeAnew, trafficShiftingEnded];
