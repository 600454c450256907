import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS } from "../components/naming";
import { rollingDeployEstimate } from "../components/deployTime";
import { SECURITY_GROUP_DESCRIPTION } from "../components/network";
import { deployTimes } from "../scripts/plan/deployTime";
import { outputValue } from "../components/testing";
import { deploymentCanProgress, formerServiceRole } from "../components/deployment";
import { OwnLoadBalancerArgs, WebService, WebServiceArgs } from "../components/webService";
import { assertRejected, parsed, optionsRecorder } from "./helpers";
import { mocks } from "./setup";

const T = {
    service: "aws:ecs/service:Service",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    cluster: "aws:ecs/cluster:Cluster",
    clusterProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    rule: "aws:lb/listenerRule:ListenerRule",
    listenerCertificate: "aws:lb/listenerCertificate:ListenerCertificate",
    lbComponent: "fargate-workloads:elb:LoadBalancer",
};

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

/** The one-service form: the service's own load balancer. */
const ownLb: OwnLoadBalancerArgs = { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] };

const base: WebServiceArgs = {
    image: "mcr.microsoft.com/dotnet/samples:aspnetapp",
    user: "1654",
    network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] },
    loadBalancer: ownLb,
};

async function build(args: Partial<WebServiceArgs> = {}, name = "web", opts?: pulumi.ComponentResourceOptions) {
    const web = new WebService(name, { ...base, ...args } as WebServiceArgs, opts);
    const url = await outputValue(web.url);
    await mocks.settle();
    return { web, url };
}

function sgId(sgName: string): string {
    // The mock gives security groups ids derived from their logical names (see components/testing.ts).
    return mocks.all().find((r) => r.type === T.sg && r.name === sgName)!.state.arn.split("/").pop();
}

function rulesOf(type: string, sgName: string) {
    return mocks.all(type).filter((r) => r.inputs.securityGroupId === sgId(sgName));
}

describe("WebService", () => {
    describe("with defaults", () => {
        it("creates the service's resources, all children of the component, its own load balancer a component of its own", async () => {
            const { web } = await build();
            const urn = await outputValue(web.urn);
            const children = mocks.children(urn);
            const types = children.map((r) => r.type).sort();
            const expected = [
                "aws:cloudwatch/logGroup:LogGroup",
                T.clusterProviders,
                T.cluster,
                T.service,
                "aws:ecs/taskDefinition:TaskDefinition",
                T.sg,
                "aws:iam/role:Role",
                "aws:iam/role:Role",
                "aws:iam/rolePolicy:RolePolicy",
                T.rule,
                T.tg,
                T.egress,
                T.egress,
                T.egress,
                T.ingress,
                T.lbComponent,
                // Its alarms (5xx rate, p99 latency, unhealthy targets, tasks below desired, CPU, memory) and their topic.
                ...Array(6).fill("aws:cloudwatch/metricAlarm:MetricAlarm"),
                "aws:sns/topic:Topic",
                "aws:sns/topicPolicy:TopicPolicy",
            ];
            assert.deepStrictEqual(types, expected.sort());
            for (const child of children) {
                assert.match(child.urn, /::fargate-workloads:ecs:WebService\$(aws:|fargate-workloads:elb:LoadBalancer::web$)/);
            }
            assert.strictEqual(mocks.one("fargate-workloads:ecs:WebService").urn, urn);
            const lb = mocks.one(T.lbComponent);
            assert.deepStrictEqual(mocks.children(lb.urn).map((r) => `${r.type} ${r.name}`).sort(), [`${T.sg} web-alb-sg`, `${T.listener} web-http`, `${T.alb} web-alb`, `${T.ingress} web-alb-in-80-any-ipv4`, "aws:cloudwatch/metricAlarm:MetricAlarm web-alarm-lb-5xx-rate", "aws:s3/bucket:Bucket web-access-logs"].sort());
            assert.deepStrictEqual(web.loadBalancerComponent!.plan.routes.rules.map((r) => r.service), ["web"], "its rule is recorded on its load balancer");
        });

        it("puts an internet-facing ALB in front that drops invalid headers and mitigates desync", async () => {
            await build();
            const alb = mocks.one(T.alb).inputs;
            assert.strictEqual(alb.loadBalancerType, "application");
            assert.strictEqual(alb.internal, false);
            assert.deepStrictEqual(alb.subnets, ownLb.subnetIds);
            assert.strictEqual(alb.dropInvalidHeaderFields, true);
            assert.strictEqual(alb.desyncMitigationMode, "defensive");
            assert.strictEqual(alb.idleTimeout, 60);
            assert.strictEqual(alb.enableDeletionProtection, false);
            assert.deepStrictEqual(alb.accessLogs, { bucket: mocks.one("aws:s3/bucket:Bucket", "web-access-logs").state.bucket, enabled: true }, "access logs on, into a bucket of its own (Security Hub ELB.5)");
            assert.deepStrictEqual(alb.securityGroups, [sgId("web-alb-sg")]);
        });

        it("lets the tasks reach the listed ports besides HTTPS, or everything when asked", async () => {
            await build({ network: { ...base.network, egressPorts: [5432, 6379] } });
            const out = rulesOf(T.egress, "web-service-sg").map((r) => `${r.name} ${r.inputs.ipProtocol} ${r.inputs.fromPort}`);
            assert.deepStrictEqual(out.sort(), ["web-service-out-5432-ipv4 tcp 5432", "web-service-out-5432-ipv6 tcp 5432", "web-service-out-6379-ipv4 tcp 6379", "web-service-out-6379-ipv6 tcp 6379", "web-service-out-ipv4 tcp 443", "web-service-out-ipv6 tcp 443"]);
            mocks.reset();
            await build({ network: { ...base.network, allowAllEgress: true } });
            assert.deepStrictEqual(rulesOf(T.egress, "web-service-sg").map((r) => `${r.name} ${r.inputs.ipProtocol}`).sort(), ["web-service-out-ipv4 -1", "web-service-out-ipv6 -1"]);
        });

        it("admits HTTP from anywhere to the ALB only, and the tasks only from the ALB on the container port", async () => {
            await build();
            const albIn = rulesOf(T.ingress, "web-alb-sg").map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]);
            assert.deepStrictEqual(albIn.sort(), [[80, 80, "0.0.0.0/0"]], "IPv4 only: the load balancer answers no IPv6 client");
            const albOut = rulesOf(T.egress, "web-alb-sg");
            assert.strictEqual(albOut.length, 1);
            assert.deepStrictEqual([albOut[0].inputs.ipProtocol, albOut[0].inputs.fromPort, albOut[0].inputs.toPort, albOut[0].inputs.referencedSecurityGroupId], ["tcp", 8080, 8080, sgId("web-service-sg")]);
            const tasksIn = rulesOf(T.ingress, "web-service-sg");
            assert.strictEqual(tasksIn.length, 1);
            assert.deepStrictEqual([tasksIn[0].inputs.fromPort, tasksIn[0].inputs.referencedSecurityGroupId, tasksIn[0].inputs.cidrIpv4, tasksIn[0].inputs.cidrIpv6], [8080, sgId("web-alb-sg"), undefined, undefined]);
            assert.deepStrictEqual(rulesOf(T.ingress, "web-alb-sg").map((r) => r.name).sort(), ["web-alb-in-80-any-ipv4"]);
            const tasksOut = rulesOf(T.egress, "web-service-sg").map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]);
            assert.deepStrictEqual(tasksOut, [["web-service-out-ipv4", "tcp", 443, 443, "0.0.0.0/0"], ["web-service-out-ipv6", "tcp", 443, 443, "::/0"]], "HTTPS out only, under the names the former allow-all rules had");
            for (const sg of mocks.all(T.sg)) {
                assert.strictEqual(sg.inputs.ingress, undefined, "no inline rules beside the rule resources");
                assert.strictEqual(sg.inputs.vpcId, "vpc-0123456789abcdef0");
            }
        });

        it("registers tasks by IP in a target group with a health check tuned for fast deploys", async () => {
            await build();
            const tg = mocks.one(T.tg).inputs;
            assert.strictEqual(tg.targetType, "ip");
            assert.strictEqual(tg.port, 8080);
            assert.strictEqual(tg.protocol, "HTTP");
            assert.strictEqual(tg.vpcId, "vpc-0123456789abcdef0");
            assert.strictEqual(tg.deregistrationDelay, 30);
            assert.strictEqual(tg.slowStart, 0);
            assert.deepStrictEqual(tg.healthCheck, { enabled: true, path: "/", protocol: "HTTP", port: "traffic-port", interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" });
            assert.deepStrictEqual(tg.stickiness, { type: "lb_cookie", enabled: false });
            assert.strictEqual(tg.name, undefined, "the target group is auto-named so it can be replaced create-before-delete");
        });

        it("models a rolling deploy of the defaults at 140 s, term by term, from what it deploys", async () => {
            await build();
            const [modeled] = deployTimes(mocks.resources);
            assert.strictEqual(modeled.service, "web-service");
            assert.deepStrictEqual(
                modeled.estimate.terms.map((t) => [t.name, t.seconds, t.assumed]),
                [
                    ["task start (ENI, image pull, app start)", 60, true],
                    ["new targets healthy", 20, false],
                    ["old targets draining", 30, false],
                    ["old tasks stopping", 30, false],
                ],
            );
            assert.strictEqual(modeled.estimate.totalSeconds, 140);
            assert.strictEqual(modeled.text, "140 s = 60 s task start (ENI, image pull, app start) (assumed) + 20 s new targets healthy + 30 s old targets draining + 30 s old tasks stopping");
        });

        it("models AWS defaults at 540 s: the settings the component chooses save 400 s a deploy", () => {
            const aws = rollingDeployEstimate({ healthCheckIntervalSeconds: 30, healthyThreshold: 5, deregistrationDelaySeconds: 300, stopTimeoutSeconds: 30 });
            assert.strictEqual(aws.totalSeconds, 60 + 150 + 300 + 30);
        });

        it("forwards every path of HTTP:80 to the target group by a rule, answers 404 otherwise, and serves an http:// URL when there is no certificate", async () => {
            const { url, web } = await build();
            const listeners = mocks.all(T.listener);
            assert.strictEqual(listeners.length, 1);
            const http = listeners[0].inputs;
            assert.strictEqual(http.port, 80);
            assert.strictEqual(http.protocol, "HTTP");
            assert.deepStrictEqual(http.defaultActions, [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } }]);
            const rule = mocks.one(T.rule, "web-http-rule").inputs;
            assert.deepStrictEqual(
                [rule.listenerArn, rule.priority, rule.conditions, rule.actions],
                [listeners[0].state.arn, 48217, [{ pathPattern: { values: ["/*"] } }], [{ type: "forward", targetGroupArn: mocks.one(T.tg).state.arn }]],
            );
            assert.strictEqual(web.routing.priority, 48217);
            assert.strictEqual(web.httpsListener, undefined);
            assert.strictEqual(url, `http://${mocks.one(T.alb).state.dnsName}`);
        });

        it("runs two tasks on demand with circuit-breaker rollback, AZ rebalancing and a wait for steady state", async () => {
            await build();
            const svc = mocks.one(T.service).inputs;
            assert.strictEqual(svc.desiredCount, 2);
            assert.deepStrictEqual(svc.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
            assert.strictEqual(svc.launchType, undefined);
            assert.strictEqual(svc.platformVersion, "LATEST");
            assert.deepStrictEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
            assert.strictEqual(svc.deploymentMinimumHealthyPercent, 100);
            assert.strictEqual(svc.deploymentMaximumPercent, 200);
            assert.strictEqual(svc.healthCheckGracePeriodSeconds, 60);
            assert.strictEqual(svc.availabilityZoneRebalancing, "ENABLED");
            assert.strictEqual(svc.propagateTags, "SERVICE");
            assert.strictEqual(svc.enableEcsManagedTags, true);
            assert.strictEqual(svc.waitForSteadyState, true);
            assert.strictEqual(svc.enableExecuteCommand, false);
            assert.strictEqual(svc.forceNewDeployment, true, "the provider refuses a capacity change without it");
            assert.strictEqual(svc.triggers, undefined);
            assert.deepStrictEqual(svc.networkConfiguration, { subnets: base.network.subnetIds, securityGroups: [sgId("web-service-sg")], assignPublicIp: false });
            assert.deepStrictEqual(svc.loadBalancers, [{ targetGroupArn: mocks.one(T.tg).state.arn, containerName: "app", containerPort: 8080 }]);
            assert.strictEqual(svc.taskDefinition, mocks.one("aws:ecs/taskDefinition:TaskDefinition").state.arn);
        });

        it("creates a cluster with Container Insights and both Fargate capacity providers", async () => {
            const { web } = await build();
            const cluster = mocks.one(T.cluster);
            assert.deepStrictEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
            const providers = mocks.one(T.clusterProviders).inputs;
            assert.deepStrictEqual(providers.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
            assert.strictEqual(providers.clusterName, cluster.state.name);
            assert.strictEqual(mocks.one(T.service).inputs.cluster, cluster.state.arn);
            assert.ok(web.cluster);
        });

        it("makes the service wait for its listener rule, the cluster's capacity providers, its outbound rules and its roles' policies", async () => {
            const recorder = optionsRecorder();
            const { web } = await build({}, "web", recorder.opts);
            const dependsOn = recorder.seen.get("web-service")!.dependsOn as pulumi.Resource[];
            assert.ok(dependsOn.includes(web.listenerRule), "the target group is attached (by the rule) before ECS registers targets");
            assert.strictEqual(dependsOn.filter((d) => d instanceof aws.ecs.ClusterCapacityProviders).length, 1);
            assert.strictEqual(dependsOn.filter((d) => d instanceof aws.vpc.SecurityGroupEgressRule).length, 2, "and for the tasks' outbound rules");
            const tdDependsOn = recorder.seen.get("web-task-definition")!.dependsOn as pulumi.Resource[];
            assert.deepStrictEqual(tdDependsOn.map((d) => d.constructor.name).sort(), ["LogGroup", "RolePolicy"], "the task definition waits for its log group and role policies");
            assert.deepStrictEqual(recorder.seen.get("web-service")!.ignoreChanges, []);
        });
    });

    describe("HTTPS", () => {
        it("serves HTTPS:443 with the given certificate and the ELB.17 policy, and redirects HTTP to HTTPS", async () => {
            const { url, web } = await build({ loadBalancer: { ...ownLb, certificateArn: CERT, hostName: "todo.example.com" } });
            const http = mocks.one(T.listener, "web-http").inputs;
            assert.deepStrictEqual(http.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            const https = mocks.one(T.listener, "web-https").inputs;
            assert.strictEqual(https.port, 443);
            assert.strictEqual(https.protocol, "HTTPS");
            assert.strictEqual(https.certificateArn, CERT);
            assert.strictEqual(https.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
            assert.deepStrictEqual(https.defaultActions, [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } }]);
            const rule = mocks.one(T.rule, "web-https-rule").inputs;
            assert.deepStrictEqual(
                [rule.listenerArn, rule.priority, rule.conditions, rule.actions],
                [mocks.one(T.listener, "web-https").state.arn, 26100, [{ hostHeader: { values: ["todo.example.com"] } }], [{ type: "forward", targetGroupArn: mocks.one(T.tg).state.arn }]],
                "only the host the certificate covers reaches the service",
            );
            assert.ok(web.httpsListener);
            assert.strictEqual(url, "https://todo.example.com", "the name the certificate covers, not the load balancer's own");
            const ports = rulesOf(T.ingress, "web-alb-sg").map((r) => r.inputs.fromPort).sort();
            assert.deepStrictEqual(ports, [443, 80]);
            assert.strictEqual(mocks.all(T.cert).length, 0);
        });

        it("requests a DNS-validated certificate and an alias record for a domain, and serves its https:// URL", async () => {
            const { url, web } = await build({ loadBalancer: { ...ownLb, domain: { name: "todo.example.com", zoneId: "Z0123456789ABC" } } });
            assert.strictEqual(url, "https://todo.example.com");
            const cert = mocks.one(T.cert);
            assert.deepStrictEqual([cert.inputs.domainName, cert.inputs.validationMethod], ["todo.example.com", "DNS"]);
            const validationRecord = mocks.one(T.record, "web-certificate-c79e8f90-validation-record").inputs;
            const option = cert.state.domainValidationOptions[0];
            assert.deepStrictEqual(
                [validationRecord.zoneId, validationRecord.name, validationRecord.type, validationRecord.records],
                ["Z0123456789ABC", option.resourceRecordName, "CNAME", [option.resourceRecordValue]],
            );
            const validation = mocks.one(T.certValidation).inputs;
            assert.strictEqual(validation.certificateArn, cert.state.arn);
            assert.strictEqual(mocks.one(T.listener, "web-https").inputs.certificateArn, cert.state.arn);
            const alias = mocks.one(T.record, "web-alias-c79e8f90").inputs;
            const alb = mocks.one(T.alb).state;
            assert.deepStrictEqual([alias.zoneId, alias.name, alias.type], ["Z0123456789ABC", "todo.example.com", "A"]);
            assert.deepStrictEqual(alias.aliases, [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }]);
            assert.ok(web.certificate instanceof aws.acm.Certificate);
        });

        it("uses another ELB.17 policy when asked", async () => {
            await build({ loadBalancer: { ...ownLb, certificateArn: CERT, hostName: "todo.example.com", sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } });
            assert.strictEqual(mocks.one(T.listener, "web-https").inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-3-2021-06");
        });
    });

    describe("options", () => {
        it("builds an internal ALB open only to the allowed CIDRs, with access logs, deletion protection and idle timeout", async () => {
            await build({
                loadBalancer: {
                    ...ownLb,
                    internal: true,
                    allowedCidrs: ["10.0.0.0/8", "192.168.0.0/16"],
                    accessLogs: { bucket: "logs-bucket", prefix: "todo/web" },
                    deletionProtection: true,
                    idleTimeoutSeconds: 120,
                },
            });
            const alb = mocks.one(T.alb).inputs;
            assert.strictEqual(alb.internal, true);
            assert.deepStrictEqual(alb.accessLogs, { bucket: "logs-bucket", enabled: true, prefix: "todo/web" });
            assert.strictEqual(alb.enableDeletionProtection, true);
            assert.strictEqual(alb.idleTimeout, 120);
            const sources = rulesOf(T.ingress, "web-alb-sg").map((r) => r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6).sort();
            assert.deepStrictEqual(sources, ["10.0.0.0/8", "192.168.0.0/16"]);
        });

        it("uses the given port, health check, delays, stickiness and deployment bounds", async () => {
            await build({
                port: 5000,
                healthCheck: { path: "/healthz", intervalSeconds: 15, timeoutSeconds: 3, healthyThreshold: 3, unhealthyThreshold: 2, matcher: "200" },
                deregistrationDelaySeconds: 5,
                slowStartSeconds: 60,
                stickinessSeconds: 3600,
                healthCheckGracePeriodSeconds: 120,
                deployment: { minHealthyPercent: 50, maxPercent: 150 },
                desiredCount: 4,
                waitForSteadyState: false,
            });
            const tg = mocks.one(T.tg).inputs;
            assert.strictEqual(tg.port, 5000);
            assert.deepStrictEqual([tg.healthCheck.path, tg.healthCheck.interval, tg.healthCheck.timeout, tg.healthCheck.healthyThreshold, tg.healthCheck.unhealthyThreshold, tg.healthCheck.matcher], ["/healthz", 15, 3, 3, 2, "200"]);
            assert.deepStrictEqual([tg.deregistrationDelay, tg.slowStart, tg.stickiness], [5, 60, { type: "lb_cookie", enabled: true, cookieDuration: 3600 }]);
            const svc = mocks.one(T.service).inputs;
            assert.deepStrictEqual([svc.desiredCount, svc.deploymentMinimumHealthyPercent, svc.deploymentMaximumPercent, svc.healthCheckGracePeriodSeconds, svc.waitForSteadyState], [4, 50, 150, 120, false]);
            assert.strictEqual(svc.loadBalancers[0].containerPort, 5000);
            const container = parsed(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];
            assert.deepStrictEqual(container.portMappings, [{ containerPort: 5000, protocol: "tcp" }]);
            assert.strictEqual(rulesOf(T.ingress, "web-service-sg")[0].inputs.fromPort, 5000);
        });

        it("runs on Fargate Spot in the same service, which keeps the spot service of earlier versions by an alias", async () => {
            await build({ capacity: "spot" });
            const svc = mocks.one(T.service);
            assert.strictEqual(svc.name, "web-service");
            assert.deepStrictEqual(svc.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
            assert.strictEqual(svc.inputs.forceNewDeployment, true);
            assert.deepStrictEqual(svc.options.aliases, [{ name: "web-service-spot", parentUrn: mocks.one("fargate-workloads:ecs:WebService").urn }]);
            mocks.reset();
            await build();
            assert.deepStrictEqual(mocks.one(T.service).options.aliases, [], "on demand had the name it has now");
        });

        it("accepts a deregistration delay just under the spot notice (119 s)", async () => {
            await build({ capacity: "spot", deregistrationDelaySeconds: 119 });
            assert.strictEqual(mocks.one(T.tg).inputs.deregistrationDelay, 119);
        });

        it("knows the names earlier versions gave a service per capacity strategy (on demand kept plain service)", () => {
            assert.strictEqual(formerServiceRole([{ capacityProvider: "FARGATE", weight: 1, base: 0 }]), "service");
            assert.strictEqual(formerServiceRole([{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]), "service-spot");
            assert.strictEqual(
                formerServiceRole([
                    { capacityProvider: "FARGATE", weight: 1, base: 1 },
                    { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 },
                ]),
                "service-od1b1-spot3b0",
            );
            assert.strictEqual(formerServiceRole([{ capacityProvider: "FARGATE", weight: 2, base: 0 }]), "service-od2b0");
        });

        it("keeps the service (same logical name and inputs but the count) when only the desired count, grace period or deployment bounds change, and deploys anew", async () => {
            await build({ desiredCount: 2 });
            const before = mocks.one(T.service);
            mocks.reset();
            await build({ desiredCount: 4, healthCheckGracePeriodSeconds: 30, deployment: { minHealthyPercent: 50, maxPercent: 200 } });
            const after = mocks.one(T.service);
            assert.strictEqual(after.urn, before.urn);
            const changed = Object.keys(after.inputs).filter((k) => JSON.stringify(after.inputs[k]) !== JSON.stringify(before.inputs[k])).sort();
            assert.deepStrictEqual(changed, ["deploymentMinimumHealthyPercent", "desiredCount", "healthCheckGracePeriodSeconds"]);
            assert.strictEqual(after.inputs.forceNewDeployment, true, "the provider sends it with every update of the service");
        });

        it("enables ECS Exec with the agent's permissions on the task role", async () => {
            await build({ enableExecuteCommand: true, readonlyRootFilesystem: false });
            assert.strictEqual(mocks.one(T.service).inputs.enableExecuteCommand, true);
            const policy = parsed(mocks.one("aws:iam/rolePolicy:RolePolicy", "web-task-policy").inputs.policy);
            assert.deepStrictEqual(policy.Statement[0].Action, ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]);
        });

        it("runs in a given cluster (ARN or resource) without creating one", async () => {
            const arn = "arn:aws:ecs:us-east-1:123456789012:cluster/shared";
            const { web } = await build({ cluster: arn });
            assert.strictEqual(mocks.all(T.cluster).length, 0);
            assert.strictEqual(mocks.all(T.clusterProviders).length, 0);
            assert.strictEqual(mocks.one(T.service).inputs.cluster, arn);
            assert.strictEqual(await outputValue(web.clusterName), "shared");
            mocks.reset();
            const shared = new aws.ecs.Cluster("shared", {});
            await build({ cluster: shared }, "api");
            assert.strictEqual(mocks.all(T.cluster).length, 1);
            assert.strictEqual(mocks.one(T.service).inputs.cluster, mocks.one(T.cluster).state.arn);
        });

        it("gives tasks public IPs only when asked", async () => {
            await build({ network: { ...base.network, assignPublicIp: true } });
            assert.strictEqual(mocks.one(T.service).inputs.networkConfiguration.assignPublicIp, true);
        });
    });

    describe("autoscaling", () => {
        it("tracks CPU at 60% by default between the bounds and starts within them", async () => {
            const recorder = optionsRecorder();
            await build({ autoscaling: { minCount: 3, maxCount: 10 } }, "web", recorder.opts);
            const target = mocks.one(T.scalingTarget).inputs;
            const svc = mocks.one(T.service);
            assert.deepStrictEqual([target.minCapacity, target.maxCapacity, target.serviceNamespace, target.scalableDimension], [3, 10, "ecs", "ecs:service:DesiredCount"]);
            assert.strictEqual(target.resourceId, `service/${mocks.one(T.cluster).state.name}/${svc.state.name}`);
            assert.strictEqual(svc.inputs.desiredCount, 3, "the default 2 is clamped into 3..10");
            assert.deepStrictEqual(recorder.seen.get("web-service")!.ignoreChanges, ["desiredCount"]);
            const policy = mocks.one(T.scalingPolicy).inputs;
            assert.strictEqual(policy.policyType, "TargetTrackingScaling");
            assert.strictEqual(policy.resourceId, target.resourceId);
            assert.deepStrictEqual(policy.targetTrackingScalingPolicyConfiguration, {
                targetValue: 60,
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                scaleOutCooldown: 60,
                scaleInCooldown: 300,
            });
        });

        it("tracks CPU, memory and requests per target with the ALB/target group resource label", async () => {
            const { web } = await build({ autoscaling: { minCount: 2, maxCount: 6, cpuTargetPercent: 70, memoryTargetPercent: 80, requestsPerTarget: 500 } });
            const byMetric = new Map(mocks.all(T.scalingPolicy).map((p) => [p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType, p.inputs.targetTrackingScalingPolicyConfiguration]));
            assert.strictEqual(byMetric.get("ECSServiceAverageCPUUtilization").targetValue, 70);
            assert.strictEqual(byMetric.get("ECSServiceAverageMemoryUtilization").targetValue, 80);
            const requests = byMetric.get("ALBRequestCountPerTarget");
            assert.strictEqual(requests.targetValue, 500);
            const label = `${mocks.one(T.alb).state.arnSuffix}/${mocks.one(T.tg).state.arnSuffix}`;
            assert.strictEqual(requests.predefinedMetricSpecification.resourceLabel, label);
            assert.match(label, /^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/);
            assert.ok(web.scalingTarget);
        });

        it("creates no scaling resources without autoscaling", async () => {
            const { web } = await build();
            assert.strictEqual(mocks.all(T.scalingTarget).length + mocks.all(T.scalingPolicy).length, 0);
            assert.strictEqual(web.scalingTarget, undefined);
        });
    });

    describe("names", () => {
        it("deploys with a 60-character component name: every auto-name fits its AWS limit", async () => {
            const name = "todo-frontend-service-for-the-platform-team-production-east1";
            assert.strictEqual(name.length, 60);
            await build({ loadBalancer: { ...ownLb, domain: { name: "todo.example.com", zoneId: "Z1" } }, autoscaling: { minCount: 2, maxCount: 4 } }, name);
            const limits: Record<string, number> = { [T.alb]: NAME_LIMITS.loadBalancer, [T.tg]: NAME_LIMITS.targetGroup, "aws:iam/role:Role": NAME_LIMITS.iamRole, [T.sg]: NAME_LIMITS.securityGroup };
            for (const r of mocks.awsResources()) {
                const limit = limits[r.type];
                if (limit) {
                    assert.ok(r.name.length + 8 <= limit, `${r.type} ${r.name}: auto-name of ${r.name.length + 8} characters passes ${limit}`);
                    assert.ok(r.state.name.length <= limit);
                }
            }
            const td = mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
            assert.strictEqual(td.family, `fargate-workloads-test-${name}`);
            assert.strictEqual(new Set(mocks.awsResources().map((r) => `${r.type}::${r.name}`)).size, mocks.awsResources().length, "logical names stay unique");
        });
    });

    it("describes its security groups and their rules only in characters EC2 accepts", async () => {
        const name = `a${"b".repeat(99)}`;
        await build({ loadBalancer: { ...ownLb, certificateArn: CERT, hostName: "todo.example.com", allowedCidrs: ["10.0.0.0/8", "192.168.0.0/16"] } }, name);
        const described = [...mocks.all(T.sg), ...mocks.all(T.ingress), ...mocks.all(T.egress)];
        assert.strictEqual(described.length, 10); // 2 groups, 5 ingress rules (80 and 443 from two CIDRs, tasks from the ALB), 3 egress rules
        for (const r of described) {
            assert.match(r.inputs.description, SECURITY_GROUP_DESCRIPTION, `${r.name}: ${r.inputs.description}`);
            assert.ok(r.inputs.description.length <= 255);
        }
    });

    it("gives identical inputs on every evaluation", async () => {
        const args = { environment: { Z: "1", A: "2" }, autoscaling: { minCount: 2, maxCount: 4, requestsPerTarget: 100 }, loadBalancer: { ...ownLb, certificateArn: CERT, hostName: "todo.example.com" } };
        await build(args);
        const first = mocks.awsResources().map((r) => [r.type, r.name, r.inputs]);
        mocks.reset();
        await build(args);
        assert.deepStrictEqual(mocks.awsResources().map((r) => [r.type, r.name, r.inputs]), first);
    });

    it("reports every problem of its arguments in one error, one line each, and registers nothing", async () => {
        await assertRejected(
            () => new WebService("web", { ...base, cpu: 512, memory: 512, desiredCount: -1, image: "nginx latest", healthCheck: { path: "health" } } as WebServiceArgs),
            [
                "web: 4 problems:",
                '  - web: image ("nginx latest") contains white space; remove it.',
                "  - web: memory (512) is not allowed with cpu 512; with 512 CPU units Fargate accepts 1024 to 4096 in steps of 1024 MiB; change memory or cpu to a valid Fargate pair.",
                '  - web: healthCheck.path ("health") must start with "/" and be at most 1024 characters; write it as a path, such as "/health".',
                "  - web: desiredCount (-1) must be a whole number from 0 to 5000 tasks; set it within 0..5000.",
            ].join("\n"),
        );
    });

    it("knows when a rolling deploy can make progress", () => {
        assert.strictEqual(deploymentCanProgress(1, 100, 100), false);
        assert.strictEqual(deploymentCanProgress(1, 100, 200), true);
        assert.strictEqual(deploymentCanProgress(1, 0, 100), true);
        assert.strictEqual(deploymentCanProgress(2, 50, 100), true);
        assert.strictEqual(deploymentCanProgress(1, 100, 150), false);
        assert.strictEqual(deploymentCanProgress(3, 100, 150), true);
    });

    describe("rejects before registering anything", () => {
        const lb = base.loadBalancer;
        const cases: [string, Record<string, unknown>, string, string?][] = [
            ["an invalid cpu/memory pair", { cpu: 256, memory: 4096 }, "web: memory (4096) is not allowed with cpu 256; with 256 CPU units Fargate accepts 512, 1024, 2048 MiB; change memory or cpu to a valid Fargate pair."],
            ["a health check path without a leading slash", { healthCheck: { path: "health" } }, 'web: healthCheck.path ("health") must start with "/" and be at most 1024 characters; write it as a path, such as "/health".'],
            ["an interval not greater than the timeout", { healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } }, "web: healthCheck.intervalSeconds (5) must be greater than healthCheck.timeoutSeconds (5); raise the interval or lower the timeout."],
            ["a health check interval over 300 s", { healthCheck: { intervalSeconds: 301 } }, "web: healthCheck.intervalSeconds (301) must be a whole number from 5 to 300 seconds; set it within 5..300."],
            ["a health check timeout under 2 s", { healthCheck: { timeoutSeconds: 1 } }, "web: healthCheck.timeoutSeconds (1) must be a whole number from 2 to 120 seconds; set it within 2..120."],
            ["a healthy threshold of 1", { healthCheck: { healthyThreshold: 1 } }, "web: healthCheck.healthyThreshold (1) must be a whole number from 2 to 10; set it within 2..10."],
            ["an unhealthy threshold of 11", { healthCheck: { unhealthyThreshold: 11 } }, "web: healthCheck.unhealthyThreshold (11) must be a whole number from 2 to 10; set it within 2..10."],
            ["a matcher outside 200..499", { healthCheck: { matcher: "200-599" } }, 'web: healthCheck.matcher ("200-599") must stay within HTTP codes 200 to 499, a range from low to high; use one code ("200"), a list ("200,202") or a range ("200-399") within 200..499.'],
            ["a matcher that is not a code", { healthCheck: { matcher: "ok" } }, 'web: healthCheck.matcher ("ok") is not an HTTP code, list or range; use one code ("200"), a list ("200,202") or a range ("200-399") within 200..499.'],
            ["port 0", { port: 0 }, "web: port (0) must be a whole number from 1 to 65535; set it within 1..65535."],
            ["port 65536", { port: 65536 }, "web: port (65536) must be a whole number from 1 to 65535; set it within 1..65535."],
            ["a negative desiredCount", { desiredCount: -1 }, "web: desiredCount (-1) must be a whole number from 0 to 5000 tasks; set it within 0..5000."],
            ["minCount above maxCount", { autoscaling: { minCount: 5, maxCount: 2 } }, "web: autoscaling.minCount (5) is greater than autoscaling.maxCount (2); lower minCount or raise maxCount."],
            ["desiredCount outside the autoscaling bounds", { desiredCount: 1, autoscaling: { minCount: 2, maxCount: 4 } }, "web: desiredCount (1) is outside autoscaling.minCount..maxCount (2..4); set a starting count within the bounds, or leave desiredCount out."],
            ["spot with arm64", { capacity: "spot", architecture: "arm64" }, 'web: capacity ("spot") uses Fargate Spot, which runs only x86_64 tasks, but architecture is "arm64"; set architecture to "x86_64" or capacity to "on-demand".'],
            ["one load balancer subnet", { loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1"] } }, 'web: loadBalancer.subnetIds (["subnet-0bbbbbbbbbbbbbbb1"]) must list at least 2 subnets (an Application Load Balancer needs two Availability Zones); add subnets (in different Availability Zones).'],
            ["a deployment that cannot progress with one task", { desiredCount: 1, deployment: { minHealthyPercent: 100, maxPercent: 100 } }, "web: deployment (minHealthyPercent 100, maxPercent 100) can never make progress with 1 task: ECS may run at most 1 and must keep 1; raise maxPercent or lower minHealthyPercent."],
            ["a deployment that cannot progress at minCount", { autoscaling: { minCount: 1, maxCount: 8 }, desiredCount: 4, deployment: { maxPercent: 150 } }, "web: deployment (minHealthyPercent 100, maxPercent 150) can never make progress with 1 task: ECS may run at most 1 and must keep 1; raise maxPercent or lower minHealthyPercent."],
            ["an sslPolicy outside the ELB.17 list", { loadBalancer: { ...lb, certificateArn: CERT, hostName: "todo.example.com", sslPolicy: "ELBSecurityPolicy-2016-08" } }, 'web: loadBalancer.sslPolicy ("ELBSecurityPolicy-2016-08") must be one of "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04"; use ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (the Security Hub ELB.17 list).'],
            ["certificateArn together with domain", { loadBalancer: { ...lb, certificateArn: CERT, domain: { name: "a.example.com", zoneId: "Z1" } } }, "web: loadBalancer.certificateArn and loadBalancer.domain are mutually exclusive (domain creates its own certificate); give one of them."],
            ["a certificate ARN of another service", { loadBalancer: { ...lb, certificateArn: "arn:aws:iam::123456789012:server-certificate/x", hostName: "todo.example.com" } }, 'web: loadBalancer.certificateArn ("arn:aws:iam::123456789012:server-certificate/x") is not an ACM certificate ARN; use "arn:aws:acm:REGION:ACCOUNT:certificate/ID".'],
            ["a domain that is not a name", { loadBalancer: { ...lb, domain: { name: "https://todo.example.com", zoneId: "Z1" } } }, 'web: loadBalancer.domain.name ("https://todo.example.com") is not a lowercase fully qualified domain name; write it like "todo.example.com".'],
            ["a domain longer than an ACM certificate allows", { loadBalancer: { ...lb, domain: { name: `${"a".repeat(53)}.example.com`, zoneId: "Z1" } } }, `web: loadBalancer.domain.name ("${"a".repeat(53)}.example.com") is 65 characters, but an ACM certificate's domain name may have at most 64; use a shorter name, or bring a certificate with certificateArn.`],
            ["an invalid CIDR", { loadBalancer: { ...lb, allowedCidrs: ["10.0.0.0/33"] } }, 'web: loadBalancer.allowedCidrs[0] ("10.0.0.0/33") is not an IPv4 CIDR block; write it like "203.0.113.0/24".'],
            ["an IPv6 CIDR while the load balancer is IPv4-only", { loadBalancer: { ...lb, allowedCidrs: ["0.0.0.0/0", "::/0"] } }, 'web: loadBalancer.allowedCidrs[1] ("::/0") is an IPv6 CIDR, but the load balancer is IPv4-only (ipAddressType ipv4), so it would admit no one; set loadBalancer.ipv6: true (dualstack, with IPv6 subnets), or remove it.'],
            ["a certificate without the host name it covers", { loadBalancer: { ...lb, certificateArn: CERT } }, 'web: loadBalancer.hostName is missing: with certificateArn, clients must use a name the certificate covers (no customer certificate covers the load balancer\'s own DNS name); give the host name, such as hostName: "todo.example.com", and point its DNS record at the load balancer.'],
            ["a host name without a certificate", { loadBalancer: { ...lb, hostName: "todo.example.com" } }, 'web: loadBalancer.hostName ("todo.example.com") is only used with certificateArn; remove it, or use domain to have a certificate and DNS record made for a name.'],
            ["ECS Exec with a read-only root filesystem", { enableExecuteCommand: true, readonlyRootFilesystem: true }, "web: readonlyRootFilesystem (true) must be false with enableExecuteCommand: AWS does not support ECS Exec with a read-only root filesystem; set readonlyRootFilesystem: false (the policy pack exempts exactly this case from ECS.5), or turn enableExecuteCommand off."],
            ["a CIDR listed twice", { loadBalancer: { ...lb, allowedCidrs: ["10.0.0.0/8", "10.0.0.0/8"] } }, 'web: loadBalancer.allowedCidrs[1] ("10.0.0.0/8") is listed twice; list each CIDR once.'],
            ["an idle timeout over 4000 s", { loadBalancer: { ...lb, idleTimeoutSeconds: 4001 } }, "web: loadBalancer.idleTimeoutSeconds (4001) must be a whole number from 1 to 4000 seconds; set it within 1..4000."],
            ["an access log prefix with AWSLogs", { loadBalancer: { ...lb, accessLogs: { bucket: "b", prefix: "AWSLogs/x" } } }, 'web: loadBalancer.accessLogs.prefix ("AWSLogs/x") must not start or end with "/" nor contain "AWSLogs"; write it like "todo/web".'],
            ["a deregistration delay over 3600 s", { deregistrationDelaySeconds: 3601 }, "web: deregistrationDelaySeconds (3601) must be a whole number from 0 to 3600 seconds; set it within 0..3600."],
            ["a long deregistration delay on spot", { capacity: "spot", deregistrationDelaySeconds: 300 }, "web: deregistrationDelaySeconds (300) must be under 120 seconds with Fargate Spot (an interruption gives two minutes' notice); lower it, or run on demand."],
            ["a deregistration delay of exactly two minutes on spot", { capacity: "spot", deregistrationDelaySeconds: 120 }, "web: deregistrationDelaySeconds (120) must be under 120 seconds with Fargate Spot (an interruption gives two minutes' notice); lower it, or run on demand."],
            ["a slow start of 10 s", { slowStartSeconds: 10 }, "web: slowStartSeconds (10) must be a whole number from 30 to 900 seconds (or 0 for off); set it within 30..900."],
            ["a stickiness of 0 s", { stickinessSeconds: 0 }, "web: stickinessSeconds (0) must be a whole number from 1 to 604800 seconds; set it within 1..604800."],
            ["no network", { network: undefined }, 'web: network (undefined) is missing; give { vpcId, subnetIds } of the subnets the tasks run in.'],
            ["no load balancer", { loadBalancer: undefined }, "web: loadBalancer (undefined) is missing; give at least { subnetIds } in two Availability Zones, or a shared LoadBalancer."],
            ["an egress port out of range", { network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"], egressPorts: [70000] } }, "web: network.egressPorts[0] (70000) must be a whole number from 1 to 65535; set it within 1..65535."],
            ["egress ports beside all egress", { network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"], egressPorts: [5432], allowAllEgress: true } }, "web: network.egressPorts has no effect with network.allowAllEgress; remove one of them."],
            ["a cluster that is not an ARN", { cluster: "my-cluster" }, 'web: cluster ("my-cluster") is not an ECS cluster ARN; pass an aws.ecs.Cluster or "arn:aws:ecs:REGION:ACCOUNT:cluster/NAME".'],
            ["a subnet that is not a subnet id", { network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["sn-1"] } }, 'web: network.subnetIds[0] ("sn-1") is not a subnet id; give an id such as "subnet-0123456789abcdef0".'],
            ["a component name with an underscore", {}, 'web_app: name ("web_app") must start with a letter and hold only letters, digits and hyphens, not ending with a hyphen; rename the component, for example "todo-web".', "web_app"],
            ["a grace period below 0", { healthCheckGracePeriodSeconds: -1 }, "web: healthCheckGracePeriodSeconds (-1) must be a whole number from 0 to 2147483647 seconds; set it within 0..2147483647."],
            ["a CPU target over 100%", { autoscaling: { minCount: 1, maxCount: 2, cpuTargetPercent: 120 } }, "web: autoscaling.cpuTargetPercent (120) must be a number from 1 to 100; set it within 1..100."],
        ];
        for (const [what, args, message, name] of cases) {
            it(what, async () => {
                await assertRejected(() => new WebService(name ?? "web", { ...base, ...args } as WebServiceArgs), message);
                assert.strictEqual(mocks.all("fargate-workloads:ecs:WebService").length, 0, "not even the component is registered");
            });
        }
    });
});
