/**
 * Resource names, for every service: the length, characters and prefix AWS accepts in the name of
 * each resource type, checked on the name given or on the auto-name Pulumi generates.
 */
import { AUTO_NAME_SUFFIX_LENGTH, NAME_LIMITS } from "../../components/naming";
import { Rule } from "./common";
import { EC2_TEXT } from "./ec2";
import { IAM_QUOTAS } from "./iam";

interface NameRule {
    readonly max: number;
    readonly min?: number;
    readonly pattern: RegExp;
    readonly charsetText: string;
    readonly prefixMax?: number;
    readonly extra?: (name: string) => string | undefined;
}

const ALNUM_HYPHEN = /^[A-Za-z0-9-]+$/;
const ALNUM_UNDERSCORE_HYPHEN = /^[A-Za-z0-9_-]+$/;
const noEdgeHyphen = (n: string) => (n.startsWith("-") || n.endsWith("-") ? "must not start or end with a hyphen" : undefined);

/** Name rules per resource type (the AWS name limits of each service), with the auto-name limits of naming.ts. */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
    "aws:lb/loadBalancer:LoadBalancer": {
        max: NAME_LIMITS.loadBalancer,
        pattern: ALNUM_HYPHEN,
        charsetText: "letters, digits and hyphens",
        prefixMax: 6,
        extra: (n) => noEdgeHyphen(n) ?? (/^internal-/i.test(n) ? 'must not start with "internal-"' : undefined),
    },
    "aws:lb/targetGroup:TargetGroup": { max: NAME_LIMITS.targetGroup, pattern: ALNUM_HYPHEN, charsetText: "letters, digits and hyphens", prefixMax: 6, extra: noEdgeHyphen },
    "aws:ecs/cluster:Cluster": { max: NAME_LIMITS.ecsCluster, pattern: ALNUM_UNDERSCORE_HYPHEN, charsetText: "letters, digits, _ and -" },
    "aws:ecs/service:Service": { max: 255, pattern: ALNUM_UNDERSCORE_HYPHEN, charsetText: "letters, digits, _ and -" },
    "aws:iam/role:Role": { max: NAME_LIMITS.iamRole, pattern: /^[\w+=,.@-]+$/, charsetText: "letters, digits and +=,.@_-", prefixMax: 38 },
    "aws:iam/rolePolicy:RolePolicy": { max: IAM_QUOTAS.policyName, pattern: /^[\w+=,.@-]+$/, charsetText: "letters, digits and +=,.@_-" },
    "aws:ec2/securityGroup:SecurityGroup": {
        max: NAME_LIMITS.securityGroup,
        pattern: EC2_TEXT,
        charsetText: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        extra: (n) => (/^sg-/i.test(n) ? 'must not start with "sg-"' : undefined),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        max: NAME_LIMITS.logGroup,
        pattern: /^[A-Za-z0-9_./#-]+$/,
        charsetText: "letters, digits and _./#-",
        extra: (n) => (n.startsWith("aws/") ? 'must not start with "aws/"' : undefined),
    },
    "aws:ecr/repository:Repository": { max: 256, min: 2, pattern: /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, charsetText: "lowercase letters and digits separated by . _ - or /" },
    "aws:scheduler/schedule:Schedule": { max: NAME_LIMITS.schedule, pattern: /^[0-9A-Za-z_.-]+$/, charsetText: "letters, digits and _.-", prefixMax: 38 },
    "aws:cloudwatch/eventRule:EventRule": { max: NAME_LIMITS.eventRule, pattern: /^[0-9A-Za-z_.-]+$/, charsetText: "letters, digits and _.-" },
    "aws:sfn/stateMachine:StateMachine": { max: NAME_LIMITS.stateMachine, pattern: ALNUM_UNDERSCORE_HYPHEN, charsetText: "letters, digits, _ and -" },
    "aws:sqs/queue:Queue": { max: NAME_LIMITS.sqsQueue, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, charsetText: "letters, digits, _ and -" },
    "aws:sns/topic:Topic": { max: NAME_LIMITS.snsTopic, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, charsetText: "letters, digits, _ and -" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { max: NAME_LIMITS.alarm, pattern: /^[^\x00-\x1f\x7f]+$/, charsetText: "printable characters" },
};

/**
 * Checks the physical name of a resource, or, when Pulumi names it, the auto-name: the logical name,
 * "-" and 7 random characters (AUTO_NAME_SUFFIX_LENGTH in all).
 */
export function nameRule(rule: NameRule): Rule {
    return (p, add, logicalName) => {
        const name = p.name;
        const prefix = p.namePrefix;
        let candidate: string | undefined;
        let what: string;
        if (typeof name === "string") {
            candidate = name;
            what = `name ${JSON.stringify(name)}`;
        } else if (typeof prefix === "string") {
            if (rule.prefixMax !== undefined && prefix.length > rule.prefixMax) {
                add(`namePrefix ${JSON.stringify(prefix)} is ${prefix.length} characters long; AWS accepts at most ${rule.prefixMax}`);
            }
            candidate = `${prefix}x`;
            what = `namePrefix ${JSON.stringify(prefix)}`;
        } else if (name === undefined && logicalName !== undefined) {
            candidate = `${logicalName}-${"0".repeat(AUTO_NAME_SUFFIX_LENGTH - 1)}`;
            what = `auto-name of ${JSON.stringify(logicalName)} (the logical name plus ${AUTO_NAME_SUFFIX_LENGTH} characters)`;
        } else {
            return;
        }
        if (candidate.length > rule.max) {
            add(`${what} makes a name of ${candidate.length} characters; AWS accepts at most ${rule.max}`);
        }
        if (rule.min !== undefined && candidate.length < rule.min) {
            add(`${what} makes a name shorter than ${rule.min} characters`);
        }
        if (!rule.pattern.test(candidate)) {
            add(`${what} holds characters AWS refuses in this name (allowed: ${rule.charsetText})`);
        }
        const extra = rule.extra?.(candidate);
        if (extra) {
            add(`${what} ${extra}`);
        }
    };
}
