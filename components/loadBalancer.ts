import * as aws from "@pulumi/aws";
import { isIPv6 } from "net";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { childName, NAME_LIMITS, stableHash, validateComponentName } from "./naming";
import { countRules, overQuota, SECURITY_GROUP_LIMITS, validateRuleQuota, validateSubnetIds } from "./network";
import { certificateCovers, ROUTING_LIMITS, RouteTable } from "./routing";
import { AccessLogBucket, createAccessLogBucket } from "./accessLogs";
import { createWaf, validateWaf, WafArgs } from "./waf";
import { AlertDestination, resolveAlertTopic, validateAlertDestination } from "./alerts";
import { ABOVE_ZERO_FOR_TWO_OF_FIVE_MINUTES, createAlarm, DashboardWidget, metricWidget, MetricRef } from "./alarms";
import { awsContext } from "./iam";
import { validateTags } from "./tags";
import { validateLogRetention } from "./sizing";
import { validateKmsKeyArn } from "./taskDefinition";
import { componentOptions, TYPE_TOKENS } from "./tokens";

/** TLS policies that pass Security Hub ELB.17 (the older `-TLS13-1-2-2021-06` no longer does). */
export const ELB17_SSL_POLICIES: readonly string[] = [
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
];

/** A host name in Route 53: the load balancer requests a certificate for it, validated by DNS in that zone. */
export interface DomainArgs {
    /** Fully qualified name, such as `todo.example.com`, or a wildcard such as `*.example.com` (covers one label). */
    readonly name: string;
    /** Id of the Route 53 hosted zone that holds `name`: services' alias records for the hosts it covers go there too. */
    readonly zoneId: pulumi.Input<string>;
}

/** An ACM certificate that exists already, with the host names it covers (an ARN cannot be read at preview). */
export interface CertificateArgs {
    /** Its ARN. */
    readonly arn: pulumi.Input<string>;
    /** The names it covers, as on the certificate (exact or `*.` wildcards). @example ["todo.example.com", "*.todo.example.com"] */
    readonly hosts: readonly string[];
    /** Route 53 zone of those names, so that services make their alias records there. @default none (point DNS at the load balancer yourself) */
    readonly zoneId?: pulumi.Input<string>;
}

/**
 * Where the load balancer writes its access logs (Security Hub ELB.5): a bucket it makes (with
 * `retentionDays`), an existing bucket (its policy must let the Region's Elastic Load Balancing
 * log delivery write, and it must use S3-managed encryption), or `false` for none.
 */
export type AccessLogsArgs =
    | { readonly retentionDays?: number; readonly prefix?: string }
    | { readonly bucket: pulumi.Input<string>; readonly prefix?: string }
    | false;

/** Arguments of {@link LoadBalancer}. Defaults are in {@link LOAD_BALANCER_DEFAULTS}. */
export interface LoadBalancerArgs {
    /** VPC of the subnets (and of the services behind it). */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets, in at least two Availability Zones (public ones unless `internal`). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Reachable only inside the VPC. @default false (internet-facing) */
    readonly internal?: boolean;
    /**
     * Answer IPv6 clients too (`ipAddressType: dualstack`; services get AAAA alias records). The
     * subnets must have IPv6 CIDR blocks. Internet-facing only. @default false (IPv4 only)
     */
    readonly ipv6?: boolean;
    /**
     * Client CIDRs allowed to reach the listeners; IPv6 ones only with `ipv6`.
     * @default ["0.0.0.0/0"], plus ["::/0"] with `ipv6`
     */
    readonly allowedCidrs?: readonly string[];
    /** Host names to issue DNS-validated certificates for (one per name). Any certificate turns HTTPS on. @default none */
    readonly domains?: readonly DomainArgs[];
    /** Existing certificates, each with the names it covers. Any certificate turns HTTPS on. @default none */
    readonly certificates?: readonly CertificateArgs[];
    /** TLS policy of the HTTPS listener, one that passes Security Hub ELB.17. @default "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" */
    readonly sslPolicy?: string;
    /** Seconds an idle connection stays open, 1 to 4000. @default 60 */
    readonly idleTimeoutSeconds?: number;
    /** Refuse deletion of the load balancer (Security Hub ELB.6); `pulumi destroy` then fails until it is turned off. @default false */
    readonly deletionProtection?: boolean;
    /** Access logs (Security Hub ELB.5): a bucket the component makes, a given one, or `false`. @default a bucket of its own, logs kept 90 days */
    readonly accessLogs?: AccessLogsArgs;
    /**
     * A web application firewall (Security Hub ELB.16): `{ managed: true }` makes a web ACL with
     * AWS's common and known-bad-inputs rule groups and a per-IP rate limit (2000 requests in five
     * minutes), about $8 a month and $0.60 per million requests, logging every request it inspects
     * to a log group `aws-waf-logs-<name>-*` with `logRetentionDays` and `kmsKeyArn`, without the
     * authorization and cookie headers (Security Hub WAF.11; `logging: false` turns that off);
     * `{ webAclArn }` uses yours. @default false
     */
    readonly waf?: WafArgs;
    /** Days the web ACL's logs are kept (a CloudWatch Logs retention value). @default 30 */
    readonly logRetentionDays?: number;
    /** The account's quota of rules per load balancer (default rules excluded): raise it after AWS raised the quota. @default 100 */
    readonly ruleQuota?: number;
    /**
     * The account's quota of inbound (and of outbound) rules per security group, per IP family:
     * raise it after AWS raised the quota. The load balancer's group holds a rule per listener
     * port per allowed CIDR, and an outbound rule per service. @default 60
     */
    readonly securityGroupRuleQuota?: number;
    /** Tags for every taggable resource the component creates. @default none */
    readonly tags?: Readonly<Record<string, string>>;
    /** Where its alarm notifies, on ALARM and on OK (the stack's topic). @default a topic of its own, without subscribers */
    readonly alerts?: AlertDestination;
    /**
     * A customer-managed KMS key for the topic it makes when given none and for the web ACL's logs
     * (not for access logs: ALB log delivery takes S3-managed keys only). Its key policy must let
     * `logs.<region>.amazonaws.com` use it (kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey*,
     * Describe*; best with `ArnLike` on `kms:EncryptionContext:aws:logs:arn` for
     * `arn:aws:logs:<region>:<account>:log-group:aws-waf-logs-*`, as the group's name ends in a
     * random suffix), or CloudWatch Logs refuses to create the WAF log group; and let
     * `cloudwatch.amazonaws.com` use it for the topic (kms:Decrypt, GenerateDataKey*; best with
     * `aws:SourceAccount`), or alarms cannot publish. A key from `createEncryptionKey` has all
     * of this. @default unencrypted
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /**
     * Percent of the requests that reached a target (`RequestCount`) the load balancer itself
     * answers with 5xx (a target that closed the connection or timed out) in 3 of 5 minutes;
     * `false` turns it off. A target group with no registered target is `noTargetAlarm`'s case.
     * Load balancer-wide: services' own alarms watch their target groups. @default 5
     */
    readonly errorRateAlarmPercent?: number | false;
    /**
     * Alarm when the load balancer answers 503 in 2 of 5 minutes: a target group it routes to has
     * no registered target, such as a service whose every task is gone. The rate alarm cannot see
     * that case: `RequestCount` counts only requests that reached a target. A service that gets
     * fewer than a request in two of five minutes may not raise it: its tasks-below-desired alarm
     * watches its tasks whatever the traffic. @default true
     */
    readonly noTargetAlarm?: boolean;
}

/** Defaults of {@link LoadBalancerArgs}; the TSDoc of each argument repeats them. */
export const LOAD_BALANCER_DEFAULTS = {
    internal: false,
    ipv6: false,
    /** Everyone: the load balancer is a public front door unless told otherwise. */
    allowedCidrs: ["0.0.0.0/0"] as readonly string[],
    allowedCidrsIpv6: ["0.0.0.0/0", "::/0"] as readonly string[],
    /** Security Hub ELB.17's current recommendation; the API default is TLS 1.0. */
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    idleTimeoutSeconds: 60,
    /** Off so `pulumi destroy` works; stacks with data turn it on. */
    deletionProtection: false,
    ruleQuota: ROUTING_LIMITS.rulesPerLoadBalancer,
    /** The load balancer answering 5xx to one request in twenty is an outage for someone. */
    errorRateAlarmPercent: 5,
    /** A service with no task left answers nothing but 503: an outage, whatever the other services' traffic. */
    noTargetAlarm: true,
    /** Access logs on (Security Hub ELB.5), kept 90 days: long enough to look into an incident, cheap to store. */
    accessLogRetentionDays: 90,
    /** The web ACL's logs, as long as the components keep their tasks' logs. */
    logRetentionDays: 30,
} as const;

/** Limits of the arguments, from AWS's documented ranges. */
export const LOAD_BALANCER_LIMITS = {
    idleTimeoutSeconds: { min: 1, max: 4000 },
    /** The default certificate plus 25 more per listener (AWS quota, adjustable). */
    certificatesPerListener: 26,
    /** ACM refuses a certificate whose domain name (common name) is longer. */
    certificateDomainNameLength: 64,
} as const;

/** The body of the listeners' default answer: requests no rule matches end here. */
export const NOT_FOUND_RESPONSE = { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } as const;

export const DOMAIN_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
export const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** A short, unique, URN-safe label for a CIDR in a logical name. */
function cidrLabel(cidr: string): string {
    if (cidr === "0.0.0.0/0") {
        return "any-ipv4";
    }
    if (cidr === "::/0") {
        return "any-ipv6";
    }
    return `${cidr.includes(":") ? "ipv6" : "ipv4"}-${stableHash(cidr, 8)}`;
}

/** A name a certificate of the load balancer covers, and the Route 53 zone it lives in, when known. */
export interface CoveredName {
    readonly name: string;
    readonly zoneId?: pulumi.Input<string>;
}

/**
 * A load balancer as services see it before it exists: what it serves and the rules services
 * have claimed. {@link LoadBalancer.validate} returns one, so a program can check every service
 * of a shared load balancer before it creates anything.
 */
export interface LoadBalancerPlan {
    readonly name: string;
    readonly internal: boolean;
    readonly ipv6: boolean;
    readonly allowedCidrs: readonly string[];
    readonly sslPolicy: string;
    readonly idleTimeoutSeconds: number;
    readonly deletionProtection: boolean;
    /** True when a certificate is given: HTTP then redirects to HTTPS, and rules go on the HTTPS listener. */
    readonly https: boolean;
    /** Every name the certificates cover, the default certificate's first. */
    readonly coveredNames: readonly CoveredName[];
    /** One stable key per certificate, in listener order (the default first): the issued name, or a given one's ARN (its hosts when the ARN is not known at preview). */
    readonly certificateKeys: readonly string[];
    /** The listener services add their rules to: `https` when HTTPS is on, else `http`. */
    readonly ruleListener: "http" | "https";
    /** The rules services have claimed. */
    readonly routes: RouteTable;
    /** The account's quota of rules per security group and direction, per IP family: services' outbound rules count against it. */
    readonly securityGroupRuleQuota: number;
}

/** Paths in messages: `""` for the component, `"loadBalancer."` when a WebService makes its own. */
function validateCidrs(v: Validator, at: string, cidrs: readonly string[] | undefined, ipv6: boolean): readonly string[] | undefined {
    const allowedCidrs = cidrs ?? (ipv6 ? LOAD_BALANCER_DEFAULTS.allowedCidrsIpv6 : LOAD_BALANCER_DEFAULTS.allowedCidrs);
    if (!Array.isArray(allowedCidrs) || allowedCidrs.length === 0) {
        throw v.error(`${at}allowedCidrs`, allowedCidrs, "must list at least one CIDR", 'give for example ["10.0.0.0/8"], or leave it out to allow everyone');
    }
    const before = v.problemCount;
    // Each CIDR is checked on its own: one wrong entry does not hide the next.
    allowedCidrs.forEach((cidr, i) => {
        const path = `${at}allowedCidrs[${i}]`;
        if (typeof cidr === "string" && IPV6_CIDR.test(cidr) && isIPv6(cidr.slice(0, cidr.indexOf("/")))) {
            if (!ipv6) {
                return v.record(v.error(path, cidr, "is an IPv6 CIDR, but the load balancer is IPv4-only (ipAddressType ipv4), so it would admit no one", `set ${at}ipv6: true (dualstack, with IPv6 subnets), or remove it`));
            }
        } else if (typeof cidr !== "string" || !IPV4_CIDR.test(cidr)) {
            return v.record(v.error(path, cidr, `is not an IPv4${ipv6 ? " or IPv6" : ""} CIDR block`, 'write it like "203.0.113.0/24"'));
        }
        // EC2 compares addresses, not spellings: 2001:DB8::/32 and 2001:db8::/32 are one rule.
        if (allowedCidrs.findIndex((c) => typeof c === "string" && c.toLowerCase() === cidr.toLowerCase()) !== i) {
            v.record(v.error(path, cidr, "is listed twice", "list each CIDR once"));
        }
    });
    return v.problemCount > before ? undefined : allowedCidrs;
}

function validateDomains(v: Validator, at: string, domains: readonly DomainArgs[] | undefined): CoveredName[] {
    if (domains === undefined) {
        return [];
    }
    if (!Array.isArray(domains)) {
        throw v.error(`${at}domains`, domains, "must be a list", "give [{ name, zoneId }]");
    }
    // Each domain is checked on its own; the valid ones are the names the listener covers.
    return domains.flatMap((domain, i) => {
        const path = `${at}domains[${i}]`;
        if (!v.check(() => validateDomain(v, path, domain, "bring a certificate in certificates"))) {
            return [];
        }
        if (domains.findIndex((d) => d?.name === domain.name) !== i) {
            return v.record(v.error(`${path}.name`, domain.name, "is listed twice", "list each name once")) ?? [];
        }
        return [{ name: domain.name, zoneId: domain.zoneId }];
    });
}

/**
 * Checks one domain at `path`: a name ACM accepts and a zone. `instead` is the other way to get a
 * certificate. Throws the name's problem and the zone's together.
 */
export function validateDomain(v: Validator, path: string, domain: DomainArgs | undefined, instead: string): DomainArgs {
    const before = v.problemCount;
    if (typeof domain?.name !== "string" || !DOMAIN_NAME.test(domain.name)) {
        v.record(v.error(`${path}.name`, domain?.name, "is not a lowercase fully qualified domain name", 'write it like "todo.example.com"'));
    } else if (domain.name.length > LOAD_BALANCER_LIMITS.certificateDomainNameLength) {
        v.record(v.error(`${path}.name`, domain.name, `is ${domain.name.length} characters, but an ACM certificate's domain name may have at most ${LOAD_BALANCER_LIMITS.certificateDomainNameLength}`, `use a shorter name, or ${instead}`));
    }
    if (domain?.zoneId === undefined || domain.zoneId === "") {
        v.record(v.error(`${path}.zoneId`, domain?.zoneId, "is missing", "give the id of the Route 53 hosted zone that holds the name"));
    }
    v.throwSince(before);
    return domain!;
}

function validateCertificates(v: Validator, at: string, certificates: readonly CertificateArgs[] | undefined): CoveredName[] {
    if (certificates === undefined) {
        return [];
    }
    if (!Array.isArray(certificates)) {
        throw v.error(`${at}certificates`, certificates, "must be a list", "give [{ arn, hosts }]");
    }
    const arns = new Set<string>();
    // The ARN and the hosts of each certificate are checked apart; valid hosts are names the listener covers.
    return certificates.flatMap((c, i) => {
        const path = `${at}certificates[${i}]`;
        if (c?.arn === undefined || (typeof c.arn === "string" && !CERTIFICATE_ARN.test(c.arn))) {
            v.record(v.error(`${path}.arn`, c?.arn, "is not an ACM certificate ARN", 'use "arn:aws:acm:REGION:ACCOUNT:certificate/ID"'));
        } else if (typeof c.arn === "string") {
            // Its attachment is named by the ARN: one entry per certificate.
            if (arns.has(c.arn)) {
                v.record(v.error(`${path}.arn`, c.arn, "is listed twice", "give the certificate once, with every host it covers"));
            }
            arns.add(c.arn);
        }
        if (!Array.isArray(c?.hosts) || c.hosts.length === 0) {
            return v.record(v.error(`${path}.hosts`, c?.hosts, "must list the names the certificate covers (an ARN cannot be read at preview)", 'give them as on the certificate, such as ["todo.example.com"]')) ?? [];
        }
        const before = v.problemCount;
        c.hosts.forEach((h: unknown, j: number) => {
            if (typeof h !== "string" || !DOMAIN_NAME.test(h)) {
                v.record(v.error(`${path}.hosts[${j}]`, h, "is not a lowercase fully qualified domain name", 'write it like "todo.example.com" or "*.example.com"'));
            }
        });
        return v.problemCount > before ? [] : c.hosts.map((name: string) => ({ name, ...(c.zoneId !== undefined ? { zoneId: c.zoneId } : {}) }));
    });
}

/**
 * Validates `args` and fills in the defaults; registers nothing. `at` prefixes argument paths in
 * messages (a WebService that makes its own load balancer reports `loadBalancer.`).
 */
export function planLoadBalancer(v: Validator, name: string, args: LoadBalancerArgs, at = ""): LoadBalancerPlan {
    const d = LOAD_BALANCER_DEFAULTS;
    const l = LOAD_BALANCER_LIMITS;
    v.check(() => validateSubnetIds(v, `${at}subnetIds`, args.subnetIds, 2, " (an Application Load Balancer needs two Availability Zones)"));
    // A WebService's own load balancer takes the tasks' VPC, which the service checks itself.
    if (at === "" && (args.vpcId === undefined || args.vpcId === "")) {
        v.check(() => {
            throw v.error(`${at}vpcId`, args.vpcId, "is missing", "give the id of the subnets' VPC");
        });
    }
    const internal = args.internal === undefined ? d.internal : v.check(() => v.boolean(`${at}internal`, args.internal));
    const ipv6 = args.ipv6 === undefined ? d.ipv6 : v.check(() => v.boolean(`${at}ipv6`, args.ipv6));
    if (ipv6 === true && internal === true) {
        v.check(() => {
            throw v.conflict(`${at}ipv6`, "cannot be used with internal: an internal load balancer stays IPv4", `remove ${at}ipv6, or make the load balancer internet-facing`);
        });
    }
    // With ipv6 refused, both address families pass: which one the CIDRs need depends on it.
    const allowedCidrs = v.check(() => validateCidrs(v, at, args.allowedCidrs, ipv6 !== false)) ?? [];
    const issued = v.check(() => validateDomains(v, at, args.domains)) ?? [];
    const existing = v.check(() => validateCertificates(v, at, args.certificates)) ?? [];
    // A name on two certificates would give their listener certificates one logical name (and one is enough).
    const issuedNames = new Set(issued.map((c) => c.name));
    const seen = new Set<string>();
    existing.forEach((c) => {
        if (issuedNames.has(c.name) || seen.has(c.name)) {
            v.check(() => {
                throw v.error(`${at}certificates`, c.name, "names a host that another certificate of the load balancer already covers", "list each name on one certificate only");
            });
        }
        seen.add(c.name);
    });
    const certificateCount = (args.domains?.length ?? 0) + (args.certificates?.length ?? 0);
    if (certificateCount > l.certificatesPerListener) {
        v.check(() => {
            throw v.conflict(`${at}domains`, `and ${at}certificates give ${certificateCount} certificates, but a listener holds ${l.certificatesPerListener} (its default and 25 more; AWS quota)`, "use wildcard certificates to cover several names");
        });
    }
    // Its own topic is under the key: an alias would leave CloudWatch unable to publish.
    v.check(() => validateKmsKeyArn(v, `${at}kmsKeyArn`, args.kmsKeyArn));
    const sslPolicy = v.check(() => v.oneOf(`${at}sslPolicy`, args.sslPolicy ?? d.sslPolicy, ELB17_SSL_POLICIES, `use ${d.sslPolicy} (the Security Hub ELB.17 list)`));
    const idleTimeoutSeconds = v.check(() => v.integer(`${at}idleTimeoutSeconds`, args.idleTimeoutSeconds ?? d.idleTimeoutSeconds, l.idleTimeoutSeconds.min, l.idleTimeoutSeconds.max, "seconds"));
    const deletionProtection = args.deletionProtection === undefined ? d.deletionProtection : v.check(() => v.boolean(`${at}deletionProtection`, args.deletionProtection));
    if (args.accessLogs !== undefined && args.accessLogs !== false) {
        const logs = args.accessLogs;
        v.check(() => {
            if (typeof logs !== "object" || logs === null) {
                throw v.error(`${at}accessLogs`, logs, "must be an object or false", "give { retentionDays }, { bucket }, or false for no access logs");
            }
            if ("bucket" in logs && (logs.bucket === undefined || logs.bucket === "")) {
                v.record(v.error(`${at}accessLogs.bucket`, logs.bucket, "is missing", "give the name of an S3 bucket that Elastic Load Balancing may write to, or leave it out to have one made"));
            }
            if ("retentionDays" in logs && logs.retentionDays !== undefined) {
                v.check(() => v.integer(`${at}accessLogs.retentionDays`, logs.retentionDays!, 1, 3650, "days"));
            }
            const prefix = logs.prefix;
            if (prefix !== undefined && (typeof prefix !== "string" || prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("AWSLogs"))) {
                throw v.error(`${at}accessLogs.prefix`, prefix, 'must not start or end with "/" nor contain "AWSLogs"', 'write it like "todo/web"');
            }
        });
    }
    const ruleQuota = args.ruleQuota === undefined ? d.ruleQuota : v.check(() => v.integer(`${at}ruleQuota`, args.ruleQuota!, 1, ROUTING_LIMITS.priority.max, "rules"));
    const securityGroupRuleQuota = v.check(() => validateRuleQuota(v, `${at}securityGroupRuleQuota`, args.securityGroupRuleQuota));
    if (securityGroupRuleQuota !== undefined) {
        v.check(() => checkIngressQuota(v, at, allowedCidrs, certificateCount > 0 ? [80, 443] : [80], securityGroupRuleQuota));
    }
    v.check(() => validateWaf(v, args.waf, `${at}waf`));
    if (args.logRetentionDays !== undefined) {
        v.check(() => validateLogRetention(v, `${at}logRetentionDays`, args.logRetentionDays!));
    }
    const https = certificateCount > 0;
    return {
        name,
        internal: internal ?? false,
        ipv6: ipv6 ?? false,
        allowedCidrs,
        sslPolicy: sslPolicy ?? d.sslPolicy,
        idleTimeoutSeconds: idleTimeoutSeconds ?? d.idleTimeoutSeconds,
        deletionProtection: deletionProtection ?? d.deletionProtection,
        https,
        coveredNames: [...issued, ...existing],
        // A given certificate's attachment is named by its ARN when known, so editing its hosts
        // does not replace (and for a moment remove) the attachment; else by its hosts.
        certificateKeys: [
            ...(Array.isArray(args.domains) ? args.domains.map((d) => String(d?.name)) : []),
            ...(Array.isArray(args.certificates) ? args.certificates.map((c) => (typeof c?.arn === "string" ? c.arn : String(c?.hosts))) : []),
        ],
        ruleListener: https ? "https" : "http",
        routes: new RouteTable(name, ruleQuota ?? d.ruleQuota),
        securityGroupRuleQuota: securityGroupRuleQuota ?? SECURITY_GROUP_LIMITS.rulesPerGroup,
    };
}

/** The listener ports from each allowed CIDR: one inbound rule each, within the quota of each IP family. */
function checkIngressQuota(v: Validator, at: string, cidrs: readonly string[], ports: readonly number[], quota: number): void {
    const over = overQuota(countRules(ports.flatMap(() => cidrs.map((cidr) => ({ cidr })))), quota);
    if (over) {
        const family = cidrs.filter((c) => c.includes(":") === (over.family === "IPv6")).length;
        throw v.conflict(
            `${at}allowedCidrs`,
            `gives the load balancer's security group ${over.rules} inbound ${over.family} rules (${family} ${over.family} CIDRs x ${ports.length} listener port${ports.length > 1 ? "s" : ""}), over AWS's quota of ${quota} per security group and IP family`,
            `allow fewer, wider CIDRs (a managed prefix list counts as its maximum entries, so it saves no rules), or raise the quota with AWS and set ${at}securityGroupRuleQuota`,
        );
    }
}

/**
 * A service joining `plan` adds one outbound rule (to its tasks' security group, counted in both
 * IP families) to the load balancer's group: refuses the one past the quota.
 */
export function checkEgressQuota(v: Validator, plan: Pick<LoadBalancerPlan, "name" | "routes" | "securityGroupRuleQuota">, service: string): void {
    const services = new Set(plan.routes.rules.map((r) => r.service));
    services.add(service);
    const over = overQuota(countRules([...services].map(() => ({ securityGroup: true as const }))), plan.securityGroupRuleQuota);
    if (over) {
        throw v.conflict(
            "loadBalancer",
            `would be service ${services.size} of ${plan.name}: its security group holds one outbound rule per service, and ${over.rules} pass AWS's quota of ${plan.securityGroupRuleQuota} per security group and IP family`,
            "put further services behind another load balancer, or raise the quota with AWS and set securityGroupRuleQuota on the load balancer",
        );
    }
}

/** Which names a host pattern of a rule can be served under: the first covering certificate name, if any. */
export function coveringName(plan: Pick<LoadBalancerPlan, "coveredNames">, host: string): CoveredName | undefined {
    return plan.coveredNames.find((c) => certificateCovers(c.name, host));
}

/** The WebService that made a load balancer's resources before it was a component: its name and parent. */
export interface FormerOwner {
    readonly name: string;
    readonly parent: pulumi.Resource | pulumi.Input<string>;
}

/** Resource options that keep a child's state from where `former` had it, as `${former.name}-${role}`. */
function formerAliases(former: FormerOwner | undefined, role: string): pulumi.CustomResourceOptions {
    if (!former) {
        return {};
    }
    const name = role === "alb" ? childName(former.name, role, NAME_LIMITS.loadBalancer) : childName(former.name, role);
    return { aliases: [{ name, parent: former.parent }] };
}

/** A certificate's child names: by a hash of its name, so reordering `domains` replaces nothing. */
function certificateRole(domain: string): string {
    return `certificate-${stableHash(domain, 8)}`;
}

/**
 * An internet-facing (or internal) Application Load Balancer that services share: its security
 * group, an HTTP listener (redirecting to HTTPS when a certificate is given), an HTTPS listener
 * with a TLS 1.3 policy and every certificate, and a default answer of 404 so requests that no
 * service's rule matches never reach a service. Services join it with {@link WebService}'s
 * `loadBalancer` and `routing`; a rule without an explicit priority gets one derived from a hash
 * of its service's name and conditions, in a band by specificity (see `derivedPriority`), so
 * services coming and going never move another's rule.
 *
 * Built only from `@pulumi/aws` resources, every one a child of this component.
 *
 * @example
 * const lb = new LoadBalancer("edge", {
 *     vpcId, subnetIds: publicSubnetIds,
 *     domains: [{ name: "todo.example.com", zoneId }],
 * });
 * new WebService("api", { ...apiArgs, loadBalancer: lb, routing: { hosts: ["todo.example.com"], paths: ["/api/*"] } });
 * new WebService("web", { ...webArgs, loadBalancer: lb, routing: { hosts: ["todo.example.com"] } });
 */
export class LoadBalancer extends pulumi.ComponentResource {
    public readonly loadBalancer: aws.lb.LoadBalancer;
    public readonly securityGroup: aws.ec2.SecurityGroup;
    /** HTTP:80: redirects to HTTPS when HTTPS is on, else holds the services' rules. */
    public readonly httpListener: aws.lb.Listener;
    /** HTTPS:443, when a certificate is given: holds the services' rules. */
    public readonly httpsListener?: aws.lb.Listener;
    /** The certificates issued for `domains`. */
    public readonly certificates: aws.acm.Certificate[];
    public readonly arn: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    /** Route 53 zone id of the load balancer's DNS name (for alias records). */
    public readonly zoneId: pulumi.Output<string>;
    /** `https://` and the first exact covered name when HTTPS is on, else `http://` and the DNS name. */
    public readonly url: pulumi.Output<string>;
    /** What services see: the settings, the covered names and the rules claimed so far. */
    public readonly plan: LoadBalancerPlan;
    /** The web ACL it made, with `waf: { managed: true }`. */
    public readonly webAcl?: aws.wafv2.WebAcl;
    /** The log group of that web ACL's logs, unless `waf.logging` is false. */
    public readonly wafLogGroup?: aws.cloudwatch.LogGroup;
    /** The bucket of its access logs, when it made one (the default). */
    public readonly accessLogBucket?: AccessLogBucket;
    /** The load balancer-wide 5xx-rate alarm, unless turned off. */
    public readonly errorRateAlarm?: aws.cloudwatch.MetricAlarm;
    /** The alarm on its 503 answers (a target group without registered targets), unless turned off. */
    public readonly noTargetAlarm?: aws.cloudwatch.MetricAlarm;
    /** The topic it notifies. */
    public readonly alertTopicArn: pulumi.Output<string>;
    /** Dashboard widgets: all requests, and the load balancer's own 5xx answers. */
    public readonly widgets: pulumi.Output<DashboardWidget>[];
    /** Alias records made so far, per host: services that route the same host share them. */
    private readonly records = new Map<string, aws.route53.Record[]>();
    private readonly former?: FormerOwner;
    private readonly firstDomain?: string;
    private readonly name: string;

    /**
     * Checks `args` as the constructor would, without creating anything, and returns the plan
     * services can be checked against (pass it as their `loadBalancer` to `WebService.validate`).
     */
    static validate(name: string, args: LoadBalancerArgs): LoadBalancerPlan {
        return validatedPlan(name, args);
    }

    /**
     * @param former where these resources were before: the name and parent (a resource or its
     *   URN) of the WebService that made them itself; its children keep their state through
     *   aliases instead of being replaced.
     */
    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions, former?: FormerOwner) {
        const plan = validatedPlan(name, args);
        super(TYPE_TOKENS.LoadBalancer, name, {}, componentOptions("LoadBalancer", opts, args.tags));
        this.plan = plan;
        this.name = name;
        this.former = former;
        this.firstDomain = args.domains?.[0]?.name;
        const was = (role: string) => formerAliases(former, role);

        const ctx = awsContext(this);
        this.securityGroup = this.createSecurityGroup(name, args, plan, was);
        this.accessLogBucket = this.createAccessLogs(name, args, plan, ctx);
        this.loadBalancer = this.createLoadBalancer(name, args, plan, was("alb"));
        if (args.waf) {
            const waf = createWaf(this, name, args.waf, this.loadBalancer.arn, { retentionDays: args.logRetentionDays ?? LOAD_BALANCER_DEFAULTS.logRetentionDays, kmsKeyArn: args.kmsKeyArn });
            this.webAcl = waf.webAcl;
            this.wafLogGroup = waf.logGroup;
        }
        const certificateArns = this.createCertificates(name, args, former);
        this.certificates = certificateArns.issued;
        const { http, https } = this.createListeners(name, plan, certificateArns.arns, was);
        this.httpListener = http;
        this.httpsListener = https;
        this.arn = this.loadBalancer.arn;
        this.dnsName = this.loadBalancer.dnsName;
        this.zoneId = this.loadBalancer.zoneId;
        const host = plan.coveredNames.find((c) => !c.name.startsWith("*."));
        this.url = plan.https && host ? pulumi.output(`https://${host.name}`) : pulumi.interpolate`http://${this.loadBalancer.dnsName}`;
        this.alertTopicArn = resolveAlertTopic(this, name, args.alerts ?? {}, ctx, args.kmsKeyArn).arn;
        const alarms = this.createAlarms(name, args, ctx);
        this.errorRateAlarm = alarms.errorRate;
        this.noTargetAlarm = alarms.noTarget;
        this.widgets = alarms.widgets;
        this.registerOutputs({ arn: this.arn, dnsName: this.dnsName, zoneId: this.zoneId, url: this.url });
    }

    /**
     * The Route 53 alias records of `host` (A, and AAAA when dualstack), made when the first
     * service routes it, in the zone of the certificate name that covers it; none when that zone
     * is unknown or the host has wildcards. Named by the host, so they stay whichever services
     * come and go.
     */
    aliasRecordsFor(host: string): aws.route53.Record[] {
        const zoneId = coveringName(this.plan, host)?.zoneId;
        if (zoneId === undefined || /[*?]/.test(host)) {
            return [];
        }
        let records = this.records.get(host);
        if (!records) {
            const name = this.name;
            const label = stableHash(host, 8);
            const aliases = [{ name: this.dnsName, zoneId: this.zoneId, evaluateTargetHealth: true }];
            // The one-service form made the first domain's A record as `<service>-alias`.
            const was = host === this.firstDomain ? formerAliases(this.former, "alias") : {};
            records = [new aws.route53.Record(childName(name, `alias-${label}`), { zoneId, name: host, type: "A", aliases }, { parent: this, ...was })];
            if (this.plan.ipv6) {
                records.push(new aws.route53.Record(childName(name, `alias-ipv6-${label}`), { zoneId, name: host, type: "AAAA", aliases }, { parent: this }));
            }
            this.records.set(host, records);
        }
        return records;
    }

    /**
     * The 5xx-rate alarm (requests that reached a target or were answered by the load balancer
     * itself) and the no-target alarm (503 answers, which `RequestCount` never counts: with every
     * task of a service gone the rate has no value and stays OK), and the dashboard widget.
     */
    private createAlarms(name: string, args: LoadBalancerArgs, ctx: ReturnType<typeof awsContext>) {
        const dimensions = { LoadBalancer: this.loadBalancer.arnSuffix };
        const metric = (metricName: string): MetricRef => ({ namespace: "AWS/ApplicationELB", metricName, dimensions, stat: "Sum" });
        const percent = args.errorRateAlarmPercent ?? LOAD_BALANCER_DEFAULTS.errorRateAlarmPercent;
        const errorRate =
            percent === false
                ? undefined
                : createAlarm(
                      this,
                      name,
                      {
                          role: "lb-5xx-rate",
                          description: `${name}: over ${percent}% of the requests that reached a target answered 5xx by the load balancer itself in 3 of 5 minutes (targets closing connections or timing out). Check the services' alarms and targets.`,
                          expression: { expression: "100 * FILL(errors, 0) / requests", label: "load balancer 5xx % of requests", metrics: { errors: metric("HTTPCode_ELB_5XX_Count"), requests: metric("RequestCount") } },
                          comparison: "GreaterThanThreshold",
                          threshold: percent,
                          periodSeconds: 60,
                          evaluationPeriods: 5,
                          datapointsToAlarm: 3,
                      },
                      this.alertTopicArn,
                  );
        // Published only when non-zero: no data is no 503, so missing data is not breaching.
        const noTarget =
            (args.noTargetAlarm ?? LOAD_BALANCER_DEFAULTS.noTargetAlarm) === false
                ? undefined
                : createAlarm(
                      this,
                      name,
                      {
                          role: "lb-no-target",
                          description: `${name}: the load balancer answered 503 in 2 of 5 minutes: a target group it routes to has no registered target (a service with no task running). Check the services' running tasks and events.`,
                          metric: metric("HTTPCode_ELB_503_Count"),
                          ...ABOVE_ZERO_FOR_TWO_OF_FIVE_MINUTES,
                      },
                      this.alertTopicArn,
                  );
        const widgets = [metricWidget(`${name}: all requests, and the load balancer's own 5xx`, ctx.region, [{ ...metric("RequestCount"), label: "requests" }, { ...metric("HTTPCode_ELB_5XX_Count"), label: "load balancer 5xx" }])];
        return { errorRate, noTarget, widgets };
    }

    /** Admits the listener ports from the allowed CIDRs; services add their own outbound rule to their tasks. */
    private createSecurityGroup(name: string, args: LoadBalancerArgs, plan: LoadBalancerPlan, was: (role: string) => pulumi.CustomResourceOptions): aws.ec2.SecurityGroup {
        const securityGroup = new aws.ec2.SecurityGroup(
            childName(name, "alb-sg"),
            // EC2 cannot change a description in place: a group made by a WebService keeps the text it had.
            { vpcId: args.vpcId, description: `Load balancer of ${this.former?.name ?? name}: listener ports in, the task port out` },
            { parent: this, ...was("alb-sg") },
        );
        for (const port of plan.https ? [80, 443] : [80]) {
            for (const cidr of plan.allowedCidrs) {
                const ipv6 = cidr.includes(":");
                const role = `alb-in-${port}-${cidrLabel(cidr)}`;
                new aws.vpc.SecurityGroupIngressRule(
                    childName(name, role),
                    { securityGroupId: securityGroup.id, description: `HTTP${port === 443 ? "S" : ""} from ${cidr}`, ipProtocol: "tcp", fromPort: port, toPort: port, ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }) },
                    { parent: this, ...was(role) },
                );
            }
        }
        return securityGroup;
    }

    /** The bucket the access logs go to, unless they are off or go to a given bucket. */
    private createAccessLogs(name: string, args: LoadBalancerArgs, plan: LoadBalancerPlan, ctx: ReturnType<typeof awsContext>): AccessLogBucket | undefined {
        const logs = args.accessLogs ?? {};
        if (logs === false || "bucket" in logs) {
            return undefined;
        }
        return createAccessLogBucket(this, name, ctx, { retentionDays: logs.retentionDays ?? LOAD_BALANCER_DEFAULTS.accessLogRetentionDays, prefix: logs.prefix, forceDestroy: !plan.deletionProtection });
    }

    private createLoadBalancer(name: string, args: LoadBalancerArgs, plan: LoadBalancerPlan, was: pulumi.CustomResourceOptions): aws.lb.LoadBalancer {
        const given = args.accessLogs ?? {};
        const made = this.accessLogBucket;
        const logs = given === false ? undefined : made ? { bucket: made.bucket.bucket, prefix: given.prefix } : { bucket: (given as { bucket: pulumi.Input<string> }).bucket, prefix: given.prefix };
        return new aws.lb.LoadBalancer(
            childName(name, "alb", NAME_LIMITS.loadBalancer),
            {
                loadBalancerType: "application",
                internal: plan.internal,
                subnets: args.subnetIds,
                securityGroups: [this.securityGroup.id],
                ipAddressType: plan.ipv6 ? "dualstack" : "ipv4",
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                idleTimeout: plan.idleTimeoutSeconds,
                enableDeletionProtection: plan.deletionProtection,
                ...(logs ? { accessLogs: { bucket: logs.bucket, enabled: true, ...(logs.prefix ? { prefix: logs.prefix } : {}) } } : {}),
            },
            // AWS checks that it may write to the bucket when access logging is turned on.
            { parent: this, ...was, ...(made ? { dependsOn: [made.policy] } : {}) },
        );
    }

    /**
     * A DNS-validated certificate per domain (one validation record per name: a wildcard and its
     * apex share theirs), then the given ones: every ARN, the listener's default first.
     */
    private createCertificates(name: string, args: LoadBalancerArgs, former?: FormerOwner): { issued: aws.acm.Certificate[]; arns: pulumi.Output<string>[] } {
        const issued: aws.acm.Certificate[] = [];
        const arns: pulumi.Output<string>[] = [];
        const records = new Map<string, aws.route53.Record>();
        (args.domains ?? []).forEach((domain, i) => {
            const role = certificateRole(domain.name);
            // The one-service form made a single certificate under these names.
            const was = (legacyRole: string) => (i === 0 ? formerAliases(former, legacyRole) : {});
            const certificate = new aws.acm.Certificate(childName(name, role), { domainName: domain.name, validationMethod: "DNS" }, { parent: this, ...was("certificate") });
            const base = domain.name.replace(/^\*\./, "");
            let record = records.get(base);
            if (!record) {
                const option = certificate.domainValidationOptions.apply((o) => o[0]);
                // Named by the base name the wildcard and its apex share, not by whichever comes
                // first: reordering them must not delete the record ACM renews with.
                record = new aws.route53.Record(
                    childName(name, `${certificateRole(base)}-validation-record`),
                    { zoneId: domain.zoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 60, allowOverwrite: true },
                    { parent: this, ...was("certificate-validation-record") },
                );
                records.set(base, record);
            }
            const validation = new aws.acm.CertificateValidation(childName(name, `${role}-validation`), { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }, { parent: this, ...was("certificate-validation") });
            issued.push(certificate);
            arns.push(validation.certificateArn);
        });
        for (const c of args.certificates ?? []) {
            arns.push(pulumi.output(c.arn));
        }
        return { issued, arns };
    }

    /** HTTP:80 redirects to HTTPS:443 when a certificate is given; the rule-holding listener answers 404 by default. */
    private createListeners(name: string, plan: LoadBalancerPlan, certificateArns: pulumi.Output<string>[], was: (role: string) => pulumi.CustomResourceOptions) {
        const notFound = [{ type: "fixed-response", fixedResponse: { ...NOT_FOUND_RESPONSE } }];
        const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];
        const loadBalancerArn = this.loadBalancer.arn;
        const http = new aws.lb.Listener(childName(name, "http"), { loadBalancerArn, port: 80, protocol: "HTTP", defaultActions: plan.https ? redirect : notFound }, { parent: this, ...was("http") });
        if (!plan.https) {
            return { http, https: undefined };
        }
        const https = new aws.lb.Listener(
            childName(name, "https"),
            { loadBalancerArn, port: 443, protocol: "HTTPS", sslPolicy: plan.sslPolicy, certificateArn: certificateArns[0], defaultActions: notFound },
            { parent: this, ...was("https") },
        );
        certificateArns.slice(1).forEach((certificateArn, i) => {
            new aws.lb.ListenerCertificate(childName(name, `https-certificate-${stableHash(plan.certificateKeys[i + 1], 8)}`), { listenerArn: https.arn, certificateArn }, { parent: this });
        });
        return { http, https };
    }
}

function validatedPlan(name: string, args: LoadBalancerArgs): LoadBalancerPlan {
    const v = new Validator(name);
    v.check(() => validateComponentName(v, name));
    if (typeof args !== "object" || args === null) {
        v.done();
        throw v.error("args", args, "must be an object", "pass the load balancer's arguments");
    }
    const plan = planLoadBalancer(v, name, args);
    v.check(() => validateTags(v, args.tags));
    if (args.alerts !== undefined) {
        v.check(() => validateAlertDestination(v, args.alerts!));
    }
    if (args.errorRateAlarmPercent !== undefined && args.errorRateAlarmPercent !== false) {
        v.check(() => v.number("errorRateAlarmPercent", args.errorRateAlarmPercent as number, 0.1, 100));
    }
    if (args.noTargetAlarm !== undefined) {
        v.check(() => v.boolean("noTargetAlarm", args.noTargetAlarm));
    }
    v.done();
    return plan;
}
