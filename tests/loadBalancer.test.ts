import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { stackLoadBalancerFormerOwner, STACK_LOAD_BALANCER_NAME } from "../app/loadBalancer";
import * as aws from "@pulumi/aws";
import { logDeliveryPrincipal } from "../components/accessLogs";
import { LoadBalancer, LoadBalancerArgs } from "../components/loadBalancer";
import { outputValue } from "../components/testing";
import { urnOf } from "../components/mockMonitor";
import { ExistingLoadBalancerArgs, WebService, WebServiceArgs } from "../components/webService";
import { assertRejected, optionsRecorder } from "./helpers";
import { mocks } from "./setup";

const T = {
    lb: "fargate-workloads:elb:LoadBalancer",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    listenerCertificate: "aws:lb/listenerCertificate:ListenerCertificate",
    tg: "aws:lb/targetGroup:TargetGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    service: "aws:ecs/service:Service",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
};

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const ZONE = "Z0123456789ABC";
const VPC = "vpc-0123456789abcdef0";
const NOT_FOUND = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } }];

const lbArgs: LoadBalancerArgs = { vpcId: VPC, subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] };

/** A service's arguments without its load balancer. */
const serviceArgs: Omit<WebServiceArgs, "loadBalancer"> = {
    image: "mcr.microsoft.com/dotnet/samples:aspnetapp",
    user: "1654",
    network: { vpcId: VPC, subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] },
    cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/todo",
};

function sgIdOf(name: string): string {
    // The mock gives security groups ids derived from their logical names (see components/testing.ts).
    return mocks.one(T.sg, name).state.arn.split("/").pop();
}

/** The URNs an alias of `opts` stands for, as the engine receives them. */
async function aliasUrns(opts: pulumi.CustomResourceOptions | undefined, name: string, type: string): Promise<string[]> {
    // Only the component's own aliases: the SDK adds the provider's old type tokens beside them.
    const aliases = ((opts?.aliases ?? []) as pulumi.Alias[]).filter((a) => a.parent !== undefined);
    return Promise.all(aliases.map((a) => outputValue(pulumi.createUrn(a.name ?? name, a.type ?? type, a.parent as pulumi.Resource | pulumi.Input<string>))));
}

describe("LoadBalancer", () => {
    describe("alone", () => {
        it("answers 404 on HTTP when no service has joined, behind a security group open on port 80", async () => {
            const lb = new LoadBalancer("edge", lbArgs);
            const url = await outputValue(lb.url);
            await mocks.settle();
            const http = mocks.one(T.listener, "edge-http").inputs;
            assert.deepStrictEqual([http.port, http.protocol, http.defaultActions], [80, "HTTP", NOT_FOUND]);
            const alb = mocks.one(T.alb, "edge-alb").inputs;
            assert.deepStrictEqual(
                [alb.ipAddressType, alb.internal, alb.dropInvalidHeaderFields, alb.desyncMitigationMode, alb.securityGroups],
                ["ipv4", false, true, "defensive", [sgIdOf("edge-alb-sg")]],
            );
            assert.deepStrictEqual(mocks.all(T.ingress).map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]), [["edge-alb-in-80-any-ipv4", "tcp", 80, 80, "0.0.0.0/0"]]);
            assert.strictEqual(url, `http://${mocks.one(T.alb).state.dnsName}`);
            assert.strictEqual(mocks.all(T.egress).length, 0, "no way out until a service joins");
            assert.strictEqual(lb.httpsListener, undefined);
        });

        it("writes access logs into a private, S3-encrypted, TLS-only, expiring bucket that the Region's log delivery may write to", async () => {
            const recorder = optionsRecorder();
            new LoadBalancer("edge", { ...lbArgs, accessLogs: { retentionDays: 30, prefix: "edge" } }, recorder.opts);
            await mocks.settle();
            const bucket = mocks.one("aws:s3/bucket:Bucket", "edge-access-logs");
            assert.strictEqual(bucket.inputs.bucketPrefix, "edge-access-logs-");
            assert.strictEqual(bucket.inputs.forceDestroy, true, "without deletion protection, destroy removes the logs too");
            assert.deepStrictEqual(mocks.one(T.alb).inputs.accessLogs, { bucket: bucket.state.bucket, enabled: true, prefix: "edge" });
            const sse = mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules;
            assert.deepStrictEqual(sse, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }], "S3-managed keys: ALB log delivery supports no other");
            // Unfinished multipart uploads are removed after a day, over the whole bucket (Checkov CKV_AWS_300).
            assert.deepStrictEqual(mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules, [
                { id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: 30 } },
                { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
            ]);
            const block = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
            assert.deepStrictEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
            const policy = JSON.parse(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
            assert.deepStrictEqual(policy.Statement, [
                { Sid: "LoadBalancerLogDelivery", Effect: "Allow", Principal: { AWS: "arn:aws:iam::127311923021:root" }, Action: "s3:PutObject", Resource: `${bucket.state.arn}/edge/AWSLogs/123456789012/*` },
                { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.state.arn, `${bucket.state.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ]);
            const dependsOn = recorder.seen.get(`${T.alb}::edge-alb`)!.dependsOn as pulumi.Resource[];
            assert.ok(dependsOn.some((d) => d instanceof aws.s3.BucketPolicy), "AWS tests the bucket when logging is turned on: the policy comes first");
        });

        it("puts a managed web application firewall in front when asked: AWS's common and known-bad-inputs rules, then a per-IP rate limit", async () => {
            const lb = new LoadBalancer("edge", { ...lbArgs, waf: { managed: true, rateLimitPerFiveMinutes: 500 } });
            await mocks.settle();
            const acl = mocks.one("aws:wafv2/webAcl:WebAcl", "edge-waf").inputs;
            assert.deepStrictEqual([acl.scope, acl.defaultAction], ["REGIONAL", { allow: {} }]);
            assert.deepStrictEqual(
                acl.rules.map((r: any) => [r.priority, r.name, r.overrideAction ?? r.action, r.statement]),
                [
                    [10, "aws-common-rules", { none: {} }, { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" } }],
                    [20, "aws-known-bad-inputs", { none: {} }, { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } }],
                    [30, "rate-limit-per-ip", { block: {} }, { rateBasedStatement: { limit: 500, aggregateKeyType: "IP" } }],
                ],
            );
            assert.ok(acl.rules.every((r: any) => r.visibilityConfig.cloudwatchMetricsEnabled && /^edge-[a-z-]+$/.test(r.visibilityConfig.metricName)), "each rule has its metrics");
            // Sampled requests are what the console shows of a rule's matches.
            assert.ok([acl, ...acl.rules].every((r: any) => r.visibilityConfig.sampledRequestsEnabled === true), "each rule keeps sampled requests");
            const association = mocks.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs;
            assert.deepStrictEqual([association.resourceArn, association.webAclArn], [mocks.one(T.alb).state.arn, mocks.one("aws:wafv2/webAcl:WebAcl").state.arn]);
            assert.ok(lb.webAcl);
        });

        it("logs every request the web ACL inspects (Security Hub WAF.11) to an aws-waf-logs- log group with the given retention and key, without credentials", async () => {
            const KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
            const recorder = optionsRecorder();
            const lb = new LoadBalancer("edge", { ...lbArgs, waf: { managed: true }, logRetentionDays: 90, kmsKeyArn: KEY }, recorder.opts);
            await mocks.settle();
            const group = mocks.one("aws:cloudwatch/logGroup:LogGroup", "edge-waf-logs");
            // WAF delivers only to log groups whose names start with aws-waf-logs-.
            assert.match(group.state.name, /^aws-waf-logs-edge-[0-9a-f]+$/);
            assert.deepStrictEqual([group.inputs.namePrefix, group.inputs.retentionInDays, group.inputs.kmsKeyId], ["aws-waf-logs-edge-", 90, KEY]);
            const logging = mocks.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "edge-waf-logging").inputs;
            assert.deepStrictEqual(logging, {
                resourceArn: mocks.one("aws:wafv2/webAcl:WebAcl").state.arn,
                logDestinationConfigs: [group.state.arn],
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            });
            assert.strictEqual(await outputValue(lb.wafLogGroup!.urn), group.urn);
            // Its id is the web ACL's ARN: a replacement made first would be deleted with the old one.
            assert.strictEqual(recorder.seen.get("edge-waf-logging")!.deleteBeforeReplace, true);
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, waf: { managed: true } });
            await mocks.settle();
            assert.deepStrictEqual([mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId], [30, undefined], "30 days and CloudWatch's own encryption by default");
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, waf: { managed: true, logging: false } });
            await mocks.settle();
            assert.deepStrictEqual([mocks.all("aws:cloudwatch/logGroup:LogGroup"), mocks.all("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")], [[], []]);
        });

        it("keeps the description a WebService gave the security group before the load balancer was shared (EC2 cannot change it)", async () => {
            new LoadBalancer("todo", lbArgs, {}, { name: "web", parent: "urn:pulumi:test::fargate-workloads::fargate-workloads:ecs:WebService::web" });
            await mocks.settle();
            assert.strictEqual(mocks.one(T.sg, "todo-alb-sg").inputs.description, "Load balancer of web: listener ports in, the task port out");
        });

        it("associates a given web ACL without making one, and has no firewall unless asked", async () => {
            const arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/a1b2c3d4-5678-90ab-cdef-0123456789ab";
            new LoadBalancer("edge", { ...lbArgs, waf: { webAclArn: arn } });
            await mocks.settle();
            assert.deepStrictEqual(mocks.all("aws:wafv2/webAcl:WebAcl"), []);
            assert.deepStrictEqual(mocks.all("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"), [], "a given web ACL logs as its owner set it");
            assert.strictEqual(mocks.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs.webAclArn, arn);
            mocks.reset();
            new LoadBalancer("edge", lbArgs);
            await mocks.settle();
            assert.deepStrictEqual(mocks.all("aws:wafv2/webAclAssociation:WebAclAssociation"), []);
        });

        it("lets the Region's log delivery write: its Elastic Load Balancing account where AWS lists one, the service principal elsewhere", () => {
            assert.deepStrictEqual(logDeliveryPrincipal("aws", "eu-west-1"), { AWS: "arn:aws:iam::156460612806:root" });
            assert.deepStrictEqual(logDeliveryPrincipal("aws-us-gov", "us-gov-west-1"), { AWS: "arn:aws-us-gov:iam::048591011584:root" });
            assert.deepStrictEqual(logDeliveryPrincipal("aws", "me-central-1"), { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        });

        it("writes no access logs when told, and into a given bucket without making one", async () => {
            new LoadBalancer("edge", { ...lbArgs, accessLogs: false });
            await mocks.settle();
            assert.strictEqual(mocks.one(T.alb).inputs.accessLogs, undefined);
            assert.deepStrictEqual(mocks.all("aws:s3/bucket:Bucket"), []);
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, accessLogs: { bucket: "central-logs", prefix: "edge" } });
            await mocks.settle();
            assert.deepStrictEqual(mocks.one(T.alb).inputs.accessLogs, { bucket: "central-logs", enabled: true, prefix: "edge" });
            assert.deepStrictEqual(mocks.all("aws:s3/bucket:Bucket"), []);
        });

        it("issues a DNS-validated certificate per domain, serves the first as the listener's default and the others beside it", async () => {
            const lb = new LoadBalancer("edge", {
                ...lbArgs,
                domains: [
                    { name: "todo.example.com", zoneId: ZONE },
                    { name: "*.todo.example.com", zoneId: ZONE },
                    { name: "admin.example.org", zoneId: "Z0ORG" },
                ],
                certificates: [{ arn: CERT, hosts: ["shop.example.net", "*.shop.example.net"] }],
            });
            assert.strictEqual(await outputValue(lb.url), "https://todo.example.com");
            await mocks.settle();
            const cert = (domain: string) => mocks.all(T.cert).find((c) => c.inputs.domainName === domain)!.state.arn;
            assert.deepStrictEqual(mocks.all(T.cert).map((c) => c.inputs.domainName).sort(), ["*.todo.example.com", "admin.example.org", "todo.example.com"]);
            // A wildcard and its apex share one validation record (AWS gives both the same CNAME).
            assert.deepStrictEqual(mocks.all(T.record).map((r) => r.inputs.zoneId).sort(), [ZONE, "Z0ORG"]);
            // The record may exist already (the certificate was issued before): it is taken over, not refused.
            assert.ok(mocks.all(T.record).every((r) => r.inputs.allowOverwrite === true && r.inputs.ttl === 60 && r.inputs.records.length === 1));
            assert.strictEqual(mocks.all(T.certValidation).length, 3, "every certificate waits for its validation");
            const https = mocks.one(T.listener, "edge-https");
            assert.deepStrictEqual([https.inputs.certificateArn, https.inputs.sslPolicy, https.inputs.defaultActions], [cert("todo.example.com"), "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", NOT_FOUND]);
            const extra = mocks.all(T.listenerCertificate);
            assert.deepStrictEqual(extra.map((c) => c.inputs.certificateArn).sort(), [cert("*.todo.example.com"), cert("admin.example.org"), CERT].sort());
            assert.ok(extra.every((c) => c.inputs.listenerArn === https.state.arn));
            assert.deepStrictEqual(mocks.one(T.listener, "edge-http").inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            assert.deepStrictEqual(mocks.all(T.ingress).map((r) => r.inputs.fromPort).sort(), [443, 80]);
            assert.deepStrictEqual(
                lb.plan.coveredNames.map((c) => c.name),
                ["todo.example.com", "*.todo.example.com", "admin.example.org", "shop.example.net", "*.shop.example.net"],
            );
        });

        it("names each certificate after its domain, so reordering the domains replaces nothing", async () => {
            new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "a.example.com", zoneId: ZONE }, { name: "b.example.com", zoneId: ZONE }] });
            await mocks.settle();
            const before = mocks.all(T.cert).map((c) => `${c.name} ${c.inputs.domainName}`).sort();
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "b.example.com", zoneId: ZONE }, { name: "a.example.com", zoneId: ZONE }] });
            await mocks.settle();
            assert.deepStrictEqual(mocks.all(T.cert).map((c) => `${c.name} ${c.inputs.domainName}`).sort(), before);
        });

        it("keeps the shared validation record and a given certificate's attachment when the domains are reordered or the hosts edited", async () => {
            // Reordering the domains moves the listener's default certificate, but not the record ACM renews with.
            const records = () => mocks.all(T.record).map((r) => r.name);
            new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "example.com", zoneId: ZONE }, { name: "*.example.com", zoneId: ZONE }] });
            await mocks.settle();
            const before = records();
            assert.strictEqual(before.length, 1, "the wildcard and its apex share one record");
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "*.example.com", zoneId: ZONE }, { name: "example.com", zoneId: ZONE }] });
            await mocks.settle();
            assert.deepStrictEqual(records(), before);
            // Editing the hosts of a given certificate keeps its attachment to the listener.
            const other = "arn:aws:acm:us-east-1:123456789012:certificate/99999999-2222-3333-4444-555555555555";
            const attachments = () => mocks.all(T.listenerCertificate).map((r) => `${r.name} ${r.inputs.certificateArn}`);
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "example.com", zoneId: ZONE }], certificates: [{ arn: other, hosts: ["shop.example.net"] }] });
            await mocks.settle();
            const attached = attachments();
            assert.strictEqual(attached.length, 1);
            mocks.reset();
            new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "example.com", zoneId: ZONE }], certificates: [{ arn: other, hosts: ["shop.example.net", "www.example.net"] }] });
            await mocks.settle();
            assert.deepStrictEqual(attachments(), attached);
            await assertRejected(
                () => new LoadBalancer("edge2", { ...lbArgs, certificates: [{ arn: CERT, hosts: ["a.example.net"] }, { arn: CERT, hosts: ["b.example.net"] }] }),
                `edge2: certificates[1].arn ("${CERT}") is listed twice; give the certificate once, with every host it covers.`,
            );
        });

        it("answers IPv6 clients too when dualstack, admitting ::/0 by default", async () => {
            new LoadBalancer("edge", { ...lbArgs, ipv6: true });
            await mocks.settle();
            assert.strictEqual(mocks.one(T.alb).inputs.ipAddressType, "dualstack");
            assert.deepStrictEqual(mocks.all(T.ingress).map((r) => r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6).sort(), ["0.0.0.0/0", "::/0"]);
        });

        const rejected: [string, Partial<LoadBalancerArgs>, string][] = [
            ["one IPv6 CIDR twice in two spellings", { ipv6: true, allowedCidrs: ["2001:db8::/32", "2001:DB8::/32"] }, 'edge: allowedCidrs[1] ("2001:DB8::/32") is listed twice; list each CIDR once.'],
            ["a malformed IPv6 CIDR", { ipv6: true, allowedCidrs: [":::/0"] }, 'edge: allowedCidrs[0] (":::/0") is not an IPv4 or IPv6 CIDR block; write it like "203.0.113.0/24".'],
            [
                "a KMS alias for its topic's key",
                { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/aws/sns" },
                'edge: kmsKeyArn ("arn:aws:kms:us-east-1:123456789012:alias/aws/sns") is not a KMS key ARN; use "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID" (key policies and grants name keys, not aliases).',
            ],
            ["dualstack on an internal load balancer", { internal: true, ipv6: true }, "edge: ipv6 cannot be used with internal: an internal load balancer stays IPv4; remove ipv6, or make the load balancer internet-facing."],
            ["an IPv6 CIDR without dualstack", { allowedCidrs: ["2001:db8::/32"] }, 'edge: allowedCidrs[0] ("2001:db8::/32") is an IPv6 CIDR, but the load balancer is IPv4-only (ipAddressType ipv4), so it would admit no one; set ipv6: true (dualstack, with IPv6 subnets), or remove it.'],
            ["an existing certificate without its hosts", { certificates: [{ arn: CERT, hosts: [] }] }, 'edge: certificates[0].hosts ([]) must list the names the certificate covers (an ARN cannot be read at preview); give them as on the certificate, such as ["todo.example.com"].'],
            ["a host on two certificates", { domains: [{ name: "a.example.com", zoneId: ZONE }], certificates: [{ arn: CERT, hosts: ["a.example.com"] }] }, 'edge: certificates ("a.example.com") names a host that another certificate of the load balancer already covers; list each name on one certificate only.'],
            ["a domain listed twice", { domains: [{ name: "a.example.com", zoneId: ZONE }, { name: "a.example.com", zoneId: ZONE }] }, 'edge: domains[1].name ("a.example.com") is listed twice; list each name once.'],
            [
                "more certificates than a listener holds",
                { domains: Array.from({ length: 27 }, (_, i) => ({ name: `s${i}.example.com`, zoneId: ZONE })) },
                "edge: domains and certificates give 27 certificates, but a listener holds 26 (its default and 25 more; AWS quota); use wildcard certificates to cover several names.",
            ],
            ["a web ACL that is not regional", { waf: { webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/cf/1234" } }, 'edge: waf.webAclArn ("arn:aws:wafv2:us-east-1:123456789012:global/webacl/cf/1234") is not the ARN of a regional WAF web ACL (a load balancer takes no CloudFront one); use "arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID".'],
            ["a rate limit under 100", { waf: { managed: true, rateLimitPerFiveMinutes: 50 } }, "edge: waf.rateLimitPerFiveMinutes (50) must be a whole number from 100 to 2000000000 requests; set it within 100..2000000000."],
            ["web ACL logging as text", { waf: { managed: true, logging: "no" as unknown as boolean } }, 'edge: waf.logging ("no") must be true or false; write it without quotes.'],
            ["a log retention CloudWatch does not take", { logRetentionDays: 10 }, "edge: logRetentionDays (10) is not a CloudWatch Logs retention; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days; pick the nearest listed value (never-expiring logs are refused: set a retention)."],
            ["a rule quota of 0", { ruleQuota: 0 }, "edge: ruleQuota (0) must be a whole number from 1 to 50000 rules; set it within 1..50000."],
            ["no VPC", { vpcId: "" }, 'edge: vpcId ("") is missing; give the id of the subnets\' VPC.'],
        ];
        for (const [what, args, message] of rejected) {
            it(`refuses ${what}, registering nothing`, () => assertRejected(() => new LoadBalancer("edge", { ...lbArgs, ...args }), message));
        }
    });

    describe("security group rule quota (60 inbound and 60 outbound per group, per IP family)", () => {
        const cidrs = (n: number, ipv6 = false) => Array.from({ length: n }, (_, i) => (ipv6 ? `2001:db8:${i.toString(16)}::/48` : `203.0.${i}.0/24`));
        const https = { domains: [{ name: "todo.example.com", zoneId: ZONE }] };

        it("counts a rule per listener port per CIDR, each IP family apart: 30 IPv4 and 30 IPv6 CIDRs with HTTPS fill 60 and 60", async () => {
            new LoadBalancer("edge", { ...lbArgs, ...https, ipv6: true, allowedCidrs: [...cidrs(30), ...cidrs(30, true)] });
            await mocks.settle();
            const ingress = mocks.all(T.ingress);
            assert.deepStrictEqual([ingress.filter((r) => r.inputs.cidrIpv4).length, ingress.filter((r) => r.inputs.cidrIpv6).length], [60, 60]);
        });

        it("refuses 31 IPv4 CIDRs with HTTPS (62 inbound rules), naming the argument and the count, unless the account's quota was raised", async () => {
            await assertRejected(
                () => new LoadBalancer("edge", { ...lbArgs, ...https, allowedCidrs: cidrs(31) }),
                "edge: allowedCidrs gives the load balancer's security group 62 inbound IPv4 rules (31 IPv4 CIDRs x 2 listener ports), over AWS's quota of 60 per security group and IP family; allow fewer, wider CIDRs (a managed prefix list counts as its maximum entries, so it saves no rules), or raise the quota with AWS and set securityGroupRuleQuota.",
            );
            await assertRejected(
                () => new WebService("web", { ...serviceArgs, loadBalancer: { subnetIds: lbArgs.subnetIds, ipv6: true, allowedCidrs: cidrs(61, true) } }),
                "web: loadBalancer.allowedCidrs gives the load balancer's security group 61 inbound IPv6 rules (61 IPv6 CIDRs x 1 listener port), over AWS's quota of 60 per security group and IP family; allow fewer, wider CIDRs (a managed prefix list counts as its maximum entries, so it saves no rules), or raise the quota with AWS and set loadBalancer.securityGroupRuleQuota.",
            );
            new LoadBalancer("edge", { ...lbArgs, ...https, allowedCidrs: cidrs(31), securityGroupRuleQuota: 100 });
            await mocks.settle();
            assert.strictEqual(mocks.all(T.ingress).length, 62);
        });

        it("refuses the 61st service on one load balancer: each adds an outbound rule to its security group", async () => {
            const plan = LoadBalancer.validate("edge", lbArgs);
            for (let i = 0; i < 60; i++) {
                WebService.validate(`svc${i}`, { ...serviceArgs, loadBalancer: plan, routing: { paths: [`/svc${i}/*`], priority: i + 1 } });
            }
            assert.throws(
                () => WebService.validate("svc60", { ...serviceArgs, loadBalancer: plan, routing: { paths: ["/svc60/*"], priority: 61 } }),
                { message: "svc60: loadBalancer would be service 61 of edge: its security group holds one outbound rule per service, and 61 pass AWS's quota of 60 per security group and IP family; put further services behind another load balancer, or raise the quota with AWS and set securityGroupRuleQuota on the load balancer." },
            );
            const raised = LoadBalancer.validate("edge", { ...lbArgs, securityGroupRuleQuota: 200 });
            for (let i = 0; i < 61; i++) {
                WebService.validate(`svc${i}`, { ...serviceArgs, loadBalancer: raised, routing: { paths: [`/svc${i}/*`], priority: i + 1 } });
            }
            assert.strictEqual(new Set(raised.routes.rules.map((r) => r.service)).size, 61);
        });

        it("refuses a task security group with more outbound rules than the quota: HTTPS and 60 egressPorts are 61 per IP family", async () => {
            const ports = Array.from({ length: 60 }, (_, i) => 5000 + i);
            await assertRejected(
                () => new WebService("web", { ...serviceArgs, network: { ...serviceArgs.network, egressPorts: ports }, loadBalancer: { subnetIds: lbArgs.subnetIds } }),
                "web: network.egressPorts give the tasks' security group 61 outbound IPv4 rules (one per port, HTTPS included), over AWS's quota of 60 per security group and IP family; send to fewer ports, allow all outbound traffic (network.allowAllEgress: true, one rule), or raise the quota with AWS and set network.securityGroupRuleQuota.",
            );
            new WebService("web", { ...serviceArgs, network: { ...serviceArgs.network, egressPorts: ports.slice(1) }, loadBalancer: { subnetIds: lbArgs.subnetIds } });
            await mocks.settle();
            const out = mocks.all(T.egress).filter((r) => r.inputs.securityGroupId === sgIdOf("web-service-sg"));
            assert.deepStrictEqual([out.filter((r) => r.inputs.cidrIpv4).length, out.filter((r) => r.inputs.cidrIpv6).length], [60, 60], "59 ports and HTTPS fill the quota exactly");
        });

        const quotas: [string, number, string][] = [
            ["a quota of 0", 0, "edge: securityGroupRuleQuota (0) must be a whole number from 1 to 1000 rules (AWS allows rules per security group x security groups per network interface of at most 1000); give the quota AWS set for the account."],
            ["a quota over 1,000", 1001, "edge: securityGroupRuleQuota (1001) must be a whole number from 1 to 1000 rules (AWS allows rules per security group x security groups per network interface of at most 1000); give the quota AWS set for the account."],
        ];
        for (const [what, quota, message] of quotas) {
            it(`refuses ${what}`, () => assertRejected(() => new LoadBalancer("edge", { ...lbArgs, securityGroupRuleQuota: quota }), message));
        }
    });

    describe("shared by services", () => {
        function edge(args: Partial<LoadBalancerArgs> = {}) {
            return new LoadBalancer("edge", { ...lbArgs, domains: [{ name: "todo.example.com", zoneId: ZONE }, { name: "*.example.com", zoneId: ZONE }], ...args });
        }

        it("gives two services a target group, a rule on the HTTPS listener each, the more specific first, and security group rules between exactly them", async () => {
            const lb = edge();
            const api = new WebService("api", { ...serviceArgs, port: 5000, loadBalancer: lb, routing: { hosts: ["todo.example.com"], paths: ["/api/*"] } });
            const web = new WebService("web", { ...serviceArgs, loadBalancer: lb, routing: { hosts: ["todo.example.com"] } });
            const [apiUrl, webUrl] = await Promise.all([outputValue(api.url), outputValue(web.url)]);
            await mocks.settle();
            assert.deepStrictEqual([apiUrl, webUrl], ["https://todo.example.com/api/", "https://todo.example.com"]);
            assert.strictEqual(mocks.all(T.alb).length, 1, "one load balancer");
            const https = mocks.one(T.listener, "edge-https");
            const rules = mocks.all(T.rule).sort((a, b) => a.inputs.priority - b.inputs.priority);
            assert.deepStrictEqual(
                rules.map((r) => [r.name, r.inputs.listenerArn, r.inputs.priority, r.inputs.conditions]),
                [
                    ["api-https-rule", https.state.arn, 13402, [{ hostHeader: { values: ["todo.example.com"] } }, { pathPattern: { values: ["/api/*"] } }]],
                    ["web-https-rule", https.state.arn, 23220, [{ hostHeader: { values: ["todo.example.com"] } }]],
                ],
            );
            assert.deepStrictEqual(rules.map((r) => r.inputs.actions[0].targetGroupArn), [mocks.one(T.tg, "api-tg").state.arn, mocks.one(T.tg, "web-tg").state.arn]);
            assert.deepStrictEqual(mocks.all(T.tg).map((t) => t.inputs.port).sort(), [5000, 8080]);
            // The load balancer reaches each service on its port; each service admits only the load balancer.
            const lbSg = sgIdOf("edge-alb-sg");
            assert.deepStrictEqual(
                mocks.all(T.egress).filter((r) => r.inputs.securityGroupId === lbSg).map((r) => [r.name, r.inputs.fromPort, r.inputs.referencedSecurityGroupId]).sort(),
                [["api-alb-out-tasks-5000", 5000, sgIdOf("api-service-sg")], ["web-alb-out-tasks-8080", 8080, sgIdOf("web-service-sg")]],
            );
            for (const [service, port] of [["api", 5000], ["web", 8080]] as const) {
                const ingress = mocks.all(T.ingress).filter((r) => r.inputs.securityGroupId === sgIdOf(`${service}-service-sg`));
                assert.deepStrictEqual(ingress.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4]), [[port, lbSg, undefined]]);
            }
            // One alias record for the host both route, made by the load balancer.
            const aliases = mocks.all(T.record).filter((r) => r.inputs.type === "A");
            assert.deepStrictEqual(aliases.map((r) => [r.name, r.inputs.name, r.inputs.zoneId]), [["edge-alias-c79e8f90", "todo.example.com", ZONE]]);
            assert.strictEqual(api.aliasRecords[0], web.aliasRecords[0]);
            assert.deepStrictEqual([api.aliasRecords.length, web.aliasRecords.length], [1, 1]);
            assert.strictEqual(await outputValue(api.aliasRecords[0].urn), mocks.one(T.record, "edge-alias-c79e8f90").urn);
            assert.deepStrictEqual(lb.plan.routes.rules.map((r) => r.service), ["api", "web"]);
            assert.strictEqual(lb.plan.routes.targetGroups, 2);
            const webService = mocks.one(T.service, "web-service").inputs;
            assert.deepStrictEqual(webService.loadBalancers, [{ targetGroupArn: mocks.one(T.tg, "web-tg").state.arn, containerName: "app", containerPort: 8080 }]);
        });

        it("scales a shared service on its own requests: the load balancer and its target group in the label", async () => {
            const lb = edge();
            new WebService("web", { ...serviceArgs, loadBalancer: lb, routing: { hosts: ["todo.example.com"] }, autoscaling: { minCount: 1, maxCount: 4, requestsPerTarget: 500 } });
            await mocks.settle();
            const policy = mocks.all(T.scalingPolicy).find((p) => p.name === "web-scale-requests")!;
            const label = policy.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel;
            assert.strictEqual(label, `${mocks.one(T.alb).state.arnSuffix}/${mocks.one(T.tg).state.arnSuffix}`);
        });

        it("holds fifty services: unique priorities, a target group and a rule each, security group rules between each and the load balancer", async () => {
            const lb = edge();
            // Twenty-five host-and-path rules in one class of paths: explicit priorities (derived ones would likely collide in its band).
            const services = Array.from({ length: 50 }, (_, i) => new WebService(`svc${i}`, { ...serviceArgs, loadBalancer: lb, routing: { hosts: [`s${i}.example.com`], ...(i % 2 ? { paths: [`/v${i}/*`], priority: 100 + i } : {}) } }));
            await mocks.settle();
            const rules = mocks.all(T.rule);
            assert.strictEqual(rules.length, 50);
            assert.strictEqual(new Set(rules.map((r) => r.inputs.priority)).size, 50, "unique priorities");
            assert.strictEqual(mocks.all(T.tg).length, 50);
            assert.strictEqual(mocks.all(T.egress).filter((r) => r.inputs.securityGroupId === sgIdOf("edge-alb-sg")).length, 50);
            // Covered by the wildcard certificate: a record per host in its zone.
            assert.strictEqual(mocks.all(T.record).filter((r) => r.inputs.type === "A").length, 50);
            assert.ok(services.every((s) => s.routing.priority >= 1 && s.routing.priority <= 50000));
            // Paths make a rule more specific: every host-and-path rule comes before every host-only rule.
            const withPath = services.filter((_, i) => i % 2).map((s) => s.routing.priority);
            const hostOnly = services.filter((_, i) => i % 2 === 0).map((s) => s.routing.priority);
            assert.ok(Math.max(...withPath) < Math.min(...hostOnly));
        });

        it("makes AAAA alias records beside the A records when dualstack", async () => {
            const lb = edge({ ipv6: true });
            new WebService("web", { ...serviceArgs, loadBalancer: lb, routing: { hosts: ["todo.example.com"] } });
            await mocks.settle();
            assert.deepStrictEqual(mocks.all(T.record).filter((r) => r.inputs.aliases).map((r) => [r.inputs.type, r.inputs.name]).sort(), [["A", "todo.example.com"], ["AAAA", "todo.example.com"]]);
        });

        /** An HTTPS load balancer made elsewhere, with a wildcard certificate. */
        const SHARED_HTTPS: ExistingLoadBalancerArgs = {
            arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/50dc6c495c0c9188",
            listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2",
            protocol: "HTTPS",
            certificateHosts: ["*.example.com"],
            securityGroupId: "sg-0123456789abcdef0",
        };

        it("adds a rule to a load balancer created elsewhere at the given priority, admitting its security group", async () => {
            const existing = SHARED_HTTPS;
            const web = new WebService("web", { ...serviceArgs, loadBalancer: existing, routing: { hosts: ["todo.example.com"], priority: 120 }, autoscaling: { minCount: 1, maxCount: 2, requestsPerTarget: 100 } });
            assert.strictEqual(await outputValue(web.url), "https://todo.example.com");
            await mocks.settle();
            const rule = mocks.one(T.rule).inputs;
            assert.deepStrictEqual([rule.listenerArn, rule.priority], [existing.listenerArn, 120]);
            assert.strictEqual(mocks.one(T.egress, "web-alb-out-tasks-8080").inputs.securityGroupId, "sg-0123456789abcdef0");
            assert.strictEqual(mocks.one(T.ingress, "web-service-in-alb-8080").inputs.referencedSecurityGroupId, "sg-0123456789abcdef0");
            assert.strictEqual(mocks.all(T.alb).length + mocks.all(T.record).length, 0, "nothing of the load balancer is made here");
            const label = mocks.all(T.scalingPolicy).find((p) => p.name === "web-scale-requests")!.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel;
            assert.strictEqual(label, `app/shared/50dc6c495c0c9188/${mocks.one(T.tg).state.arnSuffix}`);
            assert.strictEqual(web.loadBalancer, undefined);
            await assertRejected(
                () => new WebService("api", { ...serviceArgs, loadBalancer: existing, routing: { hosts: ["api.example.com"], priority: 120 } }),
                "api: routing.priority (120) is already the priority of service web on the https listener of the given load balancer; give each service on a listener its own priority.",
            );
        });

        it("gives a service on a load balancer made elsewhere a url its certificates cover: the host name given, never https:// and the DNS name", async () => {
            const existing: ExistingLoadBalancerArgs = { ...SHARED_HTTPS, dnsName: "shared-123.us-east-1.elb.amazonaws.com" };
            // No certificate covers *.elb.amazonaws.com: a path-only route needs the host clients use.
            await assertRejected(
                () => new WebService("api", { ...serviceArgs, loadBalancer: existing, routing: { paths: ["/api/*"], priority: 10 } }),
                'api: loadBalancer.hostName is missing: with an HTTPS listener and routing without an exact host, url would be https://<the load balancer\'s DNS name>, which no certificate covers; give the host name clients use, one loadBalancer.certificateHosts covers, such as hostName: "todo.example.com" (or route an exact host).',
            );
            await assertRejected(
                () => new WebService("api", { ...serviceArgs, loadBalancer: { ...existing, hostName: "todo.example.org" }, routing: { paths: ["/api/*"], priority: 10 } }),
                'api: loadBalancer.hostName ("todo.example.org") is covered by none of loadBalancer.certificateHosts (*.example.com); give a name the listener\'s certificates cover.',
            );
            const api = new WebService("api", { ...serviceArgs, loadBalancer: { ...existing, hostName: "todo.example.com" }, routing: { paths: ["/api/*"], priority: 10 } });
            assert.strictEqual(await outputValue(api.url), "https://todo.example.com/api/");
            // Over HTTP the DNS name serves, as before.
            const http = new WebService("web", { ...serviceArgs, loadBalancer: { ...existing, protocol: "HTTP", certificateHosts: undefined }, routing: { paths: ["/web/*"], priority: 20 } });
            assert.strictEqual(await outputValue(http.url), "http://shared-123.us-east-1.elb.amazonaws.com/web/");
        });

        it("checks every service of a stack against the load balancer's plan before anything exists", async () => {
            const plan = LoadBalancer.validate("edge", { ...lbArgs, domains: [{ name: "todo.example.com", zoneId: ZONE }] });
            WebService.validate("web", { ...serviceArgs, loadBalancer: plan, routing: { hosts: ["todo.example.com"] } });
            assert.throws(
                () => WebService.validate("copy", { ...serviceArgs, loadBalancer: plan, routing: { hosts: ["todo.example.com"] } }),
                { message: "copy: routing matches the same hosts and paths as service web on the https listener of edge, so one of them would never receive a request; give the services different hosts or paths." },
            );
            await mocks.settle();
            assert.strictEqual(mocks.awsResources().length, 0);
            assert.throws(() => new WebService("web", { ...serviceArgs, loadBalancer: plan, routing: { paths: ["/*"] } }), /a LoadBalancerPlan, which only stands in for a load balancer in WebService\.validate/);
            await assertRejected(
                () => new WebService("web2", { ...serviceArgs, loadBalancer: plan, routing: { paths: ["/web2/*"] } }),
                "web2: loadBalancer is a LoadBalancerPlan, which only stands in for a load balancer in WebService.validate; pass the LoadBalancer component to the constructor.",
            );
        });

        describe("refuses, registering none of the service's resources", () => {
            const cases: [string, (lb: LoadBalancer) => void, Partial<WebServiceArgs>, string][] = [
                ["a shared load balancer without routing", () => undefined, {}, 'svc: routing (undefined) is missing: a shared load balancer sends a service only the requests its rule matches; give hosts, paths or both, such as { paths: ["/api/*"] }.'],
                [
                    "a priority another service has",
                    (lb) => new WebService("web", { ...serviceArgs, loadBalancer: lb, routing: { paths: ["/*"], priority: 10 } }),
                    { routing: { paths: ["/api/*"], priority: 10 } },
                    "svc: routing.priority (10) is already the priority of service web on the https listener of edge; give each service on a listener its own priority.",
                ],
                [
                    "the same host and path as another service",
                    (lb) => new WebService("web", { ...serviceArgs, loadBalancer: lb, routing: { hosts: ["todo.example.com"], paths: ["/*"] } }),
                    { routing: { paths: ["/*"], hosts: ["TODO.example.com"] } },
                    "svc: routing matches the same hosts and paths as service web on the https listener of edge, so one of them would never receive a request; give the services different hosts or paths.",
                ],
                ["more than five condition values", () => undefined, { routing: { hosts: ["todo.example.com", "a.example.com", "b.example.com"], paths: ["/a", "/b", "/c"] } }, "svc: routing has 6 host and path values, but AWS allows 5 per rule in all; use wildcards to cover several values, or split the service's routes."],
                ["more than three values in one condition", () => undefined, { routing: { paths: ["/a", "/b", "/c", "/d"] } }, `svc: routing.paths (["/a","/b","/c","/d"]) has 4 values, but AWS allows 3 per condition; use wildcards to cover several, or split the service's routes.`],
                ["a path over 128 characters", () => undefined, { routing: { paths: [`/${"p".repeat(128)}`] } }, `svc: routing.paths[0] ("/${"p".repeat(128)}") is not a path pattern AWS accepts (up to 128 characters: letters, digits, _-.$/~"'@:+& and the wildcards "*" and "?"); write it like "/api/*".`],
                ["a host AWS refuses", () => undefined, { routing: { hosts: ["todo"] } }, 'svc: routing.hosts[0] ("todo") must contain a "." and only letters after the last "." (AWS refuses other host conditions); write it like "api.example.com" or "*.example.com".'],
                [
                    "a host no certificate of the HTTPS listener covers",
                    () => undefined,
                    { routing: { hosts: ["a.b.example.com"] } },
                    'svc: routing.hosts[0] ("a.b.example.com") is covered by no certificate of edge\'s HTTPS listener (they cover todo.example.com, *.example.com); add a domain or certificate for it to the load balancer, or route another host.',
                ],
                ["a priority outside 1..50000", () => undefined, { routing: { paths: ["/*"], priority: 50001 } }, "svc: routing.priority (50001) must be a whole number from 1 to 50000; set it within 1..50000."],
            ];
            for (const [what, before, args, message] of cases) {
                it(what, async () => {
                    const lb = edge();
                    before(lb);
                    await mocks.settle();
                    await assertRejected(() => new WebService("svc", { ...serviceArgs, loadBalancer: lb, ...args }), message);
                });
            }

            it("more rules than the load balancer's quota", async () => {
                const lb = edge({ ruleQuota: 2 });
                new WebService("a", { ...serviceArgs, loadBalancer: lb, routing: { paths: ["/a/*"] } });
                new WebService("b", { ...serviceArgs, loadBalancer: lb, routing: { paths: ["/b/*"] } });
                await mocks.settle();
                await assertRejected(
                    () => new WebService("svc", { ...serviceArgs, loadBalancer: lb, routing: { paths: ["/c/*"] } }),
                    "svc: routing would be rule 3 of edge, over its quota of 2 rules (AWS's default quota is 100); request a higher quota and set ruleQuota on the load balancer, or use another load balancer.",
                );
            });

            it("a 101st target group on one load balancer", async () => {
                const lb = edge({ ruleQuota: 1000 });
                new WebService("first", { ...serviceArgs, loadBalancer: lb, routing: { paths: ["/first/*"] } });
                // 99 more services' target groups, as their constructors record them (the fifty-service case builds them for real).
                lb.plan.routes.add([], 99);
                await mocks.settle();
                await assertRejected(
                    () => new WebService("svc", { ...serviceArgs, loadBalancer: lb, routing: { paths: ["/x/*"] } }),
                    "svc: routing would bring edge to 101 target groups; AWS allows 100 per load balancer (not adjustable); put further services behind another load balancer.",
                );
            });

            it("a derived priority on a load balancer created elsewhere", async () => {
                const existing: ExistingLoadBalancerArgs = { arn: "arn:x", listenerArn: "arn:y", protocol: "HTTP", securityGroupId: "sg-0123456789abcdef0" };
                await assertRejected(
                    () => new WebService("svc", { ...serviceArgs, loadBalancer: existing, routing: { paths: ["/*"] } }),
                    "svc: routing.priority is missing: the given load balancer was created elsewhere and may hold rules this program cannot see, so no priority can be derived safely; give a priority (1..50000) that no other rule of the listener uses.",
                );
            });
        });
    });

    describe("upgrading a stack whose service made its own load balancer", () => {
        it("keeps the load balancer, listeners, security group, certificate and records of the one-service form (aliases to their former URNs)", async () => {
            const recorder = optionsRecorder();
            const web = new WebService("web", { ...serviceArgs, loadBalancer: { subnetIds: lbArgs.subnetIds, domain: { name: "todo.example.com", zoneId: ZONE } } }, recorder.opts);
            const webUrn = await outputValue(web.urn);
            await mocks.settle();
            // The URNs version 0.1.0 gave these resources, as children of the WebService.
            const former = (type: string, name: string) => webUrn.replace("::fargate-workloads:ecs:WebService::web", `::fargate-workloads:ecs:WebService$${type}::${name}`);
            const kept: [string, string, string][] = [
                [T.alb, "web-alb", "web-alb"],
                [T.sg, "web-alb-sg", "web-alb-sg"],
                [T.ingress, "web-alb-in-80-any-ipv4", "web-alb-in-80-any-ipv4"],
                [T.ingress, "web-alb-in-443-any-ipv4", "web-alb-in-443-any-ipv4"],
                [T.listener, "web-http", "web-http"],
                [T.listener, "web-https", "web-https"],
                [T.cert, "web-certificate-c79e8f90", "web-certificate"],
                [T.record, "web-certificate-c79e8f90-validation-record", "web-certificate-validation-record"],
                [T.certValidation, "web-certificate-c79e8f90-validation", "web-certificate-validation"],
                [T.record, "web-alias-c79e8f90", "web-alias"],
            ];
            for (const [type, name, formerName] of kept) {
                assert.ok(mocks.one(type, name), `${name} exists`);
                assert.deepStrictEqual(await aliasUrns(recorder.seen.get(`${type}::${name}`), name, type), [former(type, formerName)], `${name} keeps ${formerName}`);
            }
            // Resources that stay children of the service keep their URNs as they are.
            for (const [type, name] of [[T.tg, "web-tg"], [T.sg, "web-service-sg"]]) {
                assert.strictEqual(mocks.one(type, name).urn, former(type, name));
            }
            // The rules that open the port are named after it now, and keep their former names by an alias.
            for (const [type, name] of [[T.egress, "web-alb-out-tasks"], [T.ingress, "web-service-in-alb"]]) {
                const rule = mocks.one(type, `${name}-8080`);
                assert.deepStrictEqual(rule.options.aliases.map((a) => urnOf(a.parentUrn, type, a.name!)), [former(type, name)]);
            }
            assert.strictEqual(mocks.one(T.lb).urn, former(T.lb, "web"));
        });

        it("keeps the stack's resources when its web service's load balancer becomes the shared one", async () => {
            mocks.useStack("prod");
            try {
                const recorder = optionsRecorder();
                new LoadBalancer(STACK_LOAD_BALANCER_NAME, { ...lbArgs, domains: [{ name: "todo.example.com", zoneId: ZONE }] }, recorder.opts, stackLoadBalancerFormerOwner());
                await mocks.settle();
                const prefix = "urn:pulumi:prod::fargate-workloads::fargate-workloads:ecs:WebService$";
                for (const [type, name, formerName] of [
                    [T.alb, "todo-alb", "web-alb"],
                    [T.listener, "todo-http", "web-http"],
                    [T.listener, "todo-https", "web-https"],
                    [T.sg, "todo-alb-sg", "web-alb-sg"],
                    [T.cert, "todo-certificate-c79e8f90", "web-certificate"],
                ]) {
                    assert.deepStrictEqual(await aliasUrns(recorder.seen.get(`${type}::${name}`), name, type), [`${prefix}${type}::${formerName}`], `${name} keeps ${formerName}`);
                }
            } finally {
                mocks.useStack("test");
            }
        });
    });
});
