import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";

/**
 * Resource types the components create whose arguments take `tags`, as `@pulumi/aws`'s type
 * definitions say (`tests/tags.test.ts` reads them and checks this list both ways). Others, such
 * as role policies, records, schedules and policy attachments, cannot be tagged.
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set([
    "aws:acm/certificate:Certificate",
    "aws:appautoscaling/target:Target",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:s3/bucket:Bucket",
    "aws:servicediscovery/httpNamespace:HttpNamespace",
    "aws:sfn/stateMachine:StateMachine",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
    "aws:ssm/parameter:Parameter",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/webAcl:WebAcl",
]);

/** AWS's tag limits: 50 user tags per resource (this library keeps 5 for its own), keys of 1 to 128 characters, values up to 256, no `aws:` prefix. */
export const TAG_LIMITS = { count: 45, keyLength: 128, valueLength: 256 } as const;

// Letters, digits, white space and _ . : / = + - @, in any language (AWS's tagging rules).
export const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks `tags` (at `path`) against AWS's tagging rules; returns them. */
export function validateTags(v: Validator, tags: Readonly<Record<string, string>> | undefined, path = "tags"): Readonly<Record<string, string>> | undefined {
    if (tags === undefined) {
        return undefined;
    }
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
        throw v.error(path, tags, "must be an object of tag keys and values", 'write it like { team: "payments" }');
    }
    const before = v.problemCount;
    const entries = Object.entries(tags);
    // The count and each tag are reported apart, so one run names every tag to fix.
    if (entries.length > TAG_LIMITS.count) {
        v.record(v.conflict(path, `hold ${entries.length} tags, more than ${TAG_LIMITS.count} (AWS allows 50 per resource; the library keeps 5 for its own)`, "drop some"));
    }
    for (const [key, value] of entries) {
        if (key.length === 0 || key.length > TAG_LIMITS.keyLength || !TAG_TEXT.test(key) || key.toLowerCase().startsWith("aws:")) {
            v.record(v.error(`${path}.${key}`, key, `is not a tag key AWS accepts (1 to ${TAG_LIMITS.keyLength} letters, digits, spaces and _.:/=+-@, not starting with "aws:")`, "rename the key"));
        } else if (typeof value !== "string" || value.length > TAG_LIMITS.valueLength || !TAG_TEXT.test(value)) {
            v.record(v.error(`${path}.${key}`, value, `is not a tag value AWS accepts (up to ${TAG_LIMITS.valueLength} letters, digits, spaces and _.:/=+-@)`, "change the value"));
        }
    }
    v.throwSince(before);
    return tags;
}

/**
 * A transformation that adds `tags` to every taggable resource under the component it is given
 * to (Pulumi applies a component's transformations to all its descendants). A child's own tags
 * win over these on the same key.
 */
export function tagChildren(tags: Readonly<Record<string, string>>): pulumi.ResourceTransformation {
    return (a) => {
        if (!TAGGABLE_TYPES.has(a.type)) {
            return undefined;
        }
        const own = (a.props.tags ?? {}) as pulumi.Input<Record<string, pulumi.Input<string>>>;
        const merged = pulumi.Output.isInstance(own) ? own.apply((o) => ({ ...tags, ...o })) : { ...tags, ...own };
        return { props: { ...a.props, tags: merged }, opts: a.opts };
    };
}
