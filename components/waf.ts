import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { childName } from "./naming";

/**
 * A web application firewall in front of the load balancer (Security Hub ELB.16): an existing
 * regional web ACL, or one the load balancer makes with AWS's managed common rule set, its
 * known-bad-inputs rules and a per-IP rate limit.
 */
export type WafArgs = { readonly webAclArn: pulumi.Input<string> } | { readonly managed: true; readonly rateLimitPerFiveMinutes?: number } | false;

/** Defaults of a managed web ACL. */
export const WAF_DEFAULTS = {
    /** A client making more than 2000 requests in five minutes (about 7 a second, sustained) is blocked until it slows down. */
    rateLimitPerFiveMinutes: 2000,
} as const;

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
    v.throwSince(before);
    return waf;
}

/** CloudWatch metric names of the web ACL and its rules: letters, digits, "-" and "_". */
function metricName(name: string, rule?: string): string {
    return `${name}${rule ? `-${rule}` : ""}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);
}

/**
 * The web ACL (given, or made: allow by default, AWS's common and known-bad-inputs rule groups,
 * and a per-IP rate limit that blocks) and its association with the load balancer.
 */
export function createWaf(parent: pulumi.Resource, name: string, waf: Exclude<WafArgs, false>, loadBalancerArn: pulumi.Input<string>): { webAcl?: aws.wafv2.WebAcl; association: aws.wafv2.WebAclAssociation } {
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
    return { webAcl, association };
}
