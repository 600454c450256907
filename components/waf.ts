import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { childName } from "./naming";

/**
 * A web application firewall in front of the load balancer (Security Hub ELB.16): an existing
 * regional web ACL, or one the load balancer makes with AWS's managed common rule set, its
 * known-bad-inputs rules and a per-IP rate limit, logging every request it inspects (Security Hub
 * WAF.11) unless `logging: false`.
 */
export type WafArgs = { readonly webAclArn: pulumi.Input<string> } | { readonly managed: true; readonly rateLimitPerFiveMinutes?: number; readonly logging?: boolean } | false;

/** Defaults of a managed web ACL. */
export const WAF_DEFAULTS = {
    /** A client making more than 2000 requests in five minutes (about 7 a second, sustained) is blocked until it slows down. */
    rateLimitPerFiveMinutes: 2000,
    /** Every inspected request is logged (Security Hub WAF.11): what was blocked, and why, can be looked up. */
    logging: true,
} as const;

/** What a web ACL's logs never hold: credentials and session cookies (header names as WAF takes them, lowercase). */
export const WAF_REDACTED_HEADERS: readonly string[] = ["authorization", "cookie"];

/** WAF delivers to a CloudWatch Logs log group only when its name starts with this. */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/** The rate-based rule's limit, requests per IP in five minutes. */
export const WAF_LIMITS = { rateLimit: { min: 100, max: 2_000_000_000 } } as const;

/** The managed rule groups of the web ACL, in evaluation order (AWS's baseline rule groups; no subscription fee). */
export const MANAGED_RULE_GROUPS = [
    { name: "aws-common-rules", group: "AWSManagedRulesCommonRuleSet", priority: 10 },
    { name: "aws-known-bad-inputs", group: "AWSManagedRulesKnownBadInputsRuleSet", priority: 20 },
] as const;

const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[A-Za-z0-9_-]+\/[a-f0-9-]+$/;

/** Checks `waf` (at `path`); returns it, `false` when absent. */
export function validateWaf(v: Validator, waf: WafArgs | undefined, path: string): WafArgs {
    if (waf === undefined || waf === false) {
        return false;
    }
    if (typeof waf !== "object" || waf === null) {
        throw v.error(path, waf, "must be an object or false", "give { managed: true }, { webAclArn }, or false");
    }
    if ("webAclArn" in waf) {
        if (typeof waf.webAclArn === "string" && !WEB_ACL_ARN.test(waf.webAclArn)) {
            throw v.error(`${path}.webAclArn`, waf.webAclArn, "is not the ARN of a regional WAF web ACL (a load balancer takes no CloudFront one)", 'use "arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID"');
        }
        return waf;
    }
    const before = v.problemCount;
    if (waf.managed !== true) {
        v.record(v.error(`${path}.managed`, (waf as { managed?: unknown }).managed, "must be true", "give { managed: true }, a webAclArn, or false for no firewall"));
    }
    if (waf.rateLimitPerFiveMinutes !== undefined) {
        v.check(() => v.integer(`${path}.rateLimitPerFiveMinutes`, waf.rateLimitPerFiveMinutes!, WAF_LIMITS.rateLimit.min, WAF_LIMITS.rateLimit.max, "requests"));
    }
    if (waf.logging !== undefined) {
        v.check(() => v.boolean(`${path}.logging`, waf.logging));
    }
    v.throwSince(before);
    return waf;
}

/** Where a managed web ACL logs: the retention and key of the component's other logs. */
export interface WafLogOptions {
    readonly retentionDays: number;
    readonly kmsKeyArn?: pulumi.Input<string>;
}

/** CloudWatch metric names of the web ACL and its rules: letters, digits, "-" and "_". */
function metricName(name: string, rule?: string): string {
    return `${name}${rule ? `-${rule}` : ""}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);
}

/**
 * The web ACL (given, or made: allow by default, AWS's common and known-bad-inputs rule groups,
 * and a per-IP rate limit that blocks) and its association with the load balancer; a made one
 * logs to a log group of its own, without the credential headers.
 */
export function createWaf(
    parent: pulumi.Resource,
    name: string,
    waf: Exclude<WafArgs, false>,
    loadBalancerArn: pulumi.Input<string>,
    logs: WafLogOptions,
): { webAcl?: aws.wafv2.WebAcl; association: aws.wafv2.WebAclAssociation; logGroup?: aws.cloudwatch.LogGroup } {
    const opts = { parent };
    let webAcl: aws.wafv2.WebAcl | undefined;
    let webAclArn: pulumi.Input<string>;
    if ("webAclArn" in waf) {
        webAclArn = waf.webAclArn;
    } else {
        const visibility = (rule?: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: metricName(name, rule) });
        webAcl = new aws.wafv2.WebAcl(
            childName(name, "waf"),
            {
                scope: "REGIONAL",
                description: `Firewall of load balancer ${name}`,
                defaultAction: { allow: {} },
                visibilityConfig: visibility(),
                rules: [
                    ...MANAGED_RULE_GROUPS.map((g) => ({
                        name: g.name,
                        priority: g.priority,
                        overrideAction: { none: {} },
                        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: g.group } },
                        visibilityConfig: visibility(g.name),
                    })),
                    {
                        name: "rate-limit-per-ip",
                        priority: 30,
                        action: { block: {} },
                        statement: { rateBasedStatement: { limit: waf.rateLimitPerFiveMinutes ?? WAF_DEFAULTS.rateLimitPerFiveMinutes, aggregateKeyType: "IP" } },
                        visibilityConfig: visibility("rate-limit-per-ip"),
                    },
                ],
            },
            opts,
        );
        webAclArn = webAcl.arn;
    }
    const association = new aws.wafv2.WebAclAssociation(childName(name, "waf-association"), { resourceArn: loadBalancerArn, webAclArn }, opts);
    const logGroup = webAcl && !("webAclArn" in waf) && (waf.logging ?? WAF_DEFAULTS.logging) ? createWafLogging(parent, name, webAcl, logs) : undefined;
    return { webAcl, association, logGroup };
}

/**
 * A log group named `aws-waf-logs-<name>-<suffix>` (the prefix WAF requires; Pulumi's suffix keeps
 * stacks apart) with the given retention and key, and the web ACL's logging configuration into it,
 * with the authorization and cookie headers redacted. WAF adds the log group's resource policy
 * for its log delivery itself (AWS's "Logs sent to CloudWatch Logs").
 */
function createWafLogging(parent: pulumi.Resource, name: string, webAcl: aws.wafv2.WebAcl, logs: WafLogOptions): aws.cloudwatch.LogGroup {
    const logGroup = new aws.cloudwatch.LogGroup(
        childName(name, "waf-logs"),
        {
            namePrefix: `${WAF_LOG_GROUP_PREFIX}${name}-`,
            retentionInDays: logs.retentionDays,
            ...(logs.kmsKeyArn !== undefined ? { kmsKeyId: logs.kmsKeyArn } : {}),
        },
        { parent },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        childName(name, "waf-logging"),
        { resourceArn: webAcl.arn, logDestinationConfigs: [logGroup.arn], redactedFields: WAF_REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })) },
        // A new log group replaces the configuration, whose id is the web ACL's ARN: created first, the
        // old one's delete would remove the new configuration too.
        { parent, deleteBeforeReplace: true },
    );
    return logGroup;
}
