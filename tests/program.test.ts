import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, SECRET_PLACEHOLDER } from "../app/config";
import { stackAlertTopicAliases } from "../app/alerts";
import { EXPORT_SCRIPT } from "../app/exportJob";
import { BATCH_TASK_DEFAULTS } from "../components/batchTask";
import { capacityWaitSeconds } from "../components/batchRunner";
import { listStacks } from "../app/stackFile";
import { isSecretValue, outputValue, unsecret } from "../components/testing";
import { parsed } from "./helpers";
import { evaluateStack, ROOT } from "./program";
import { metricProblem } from "../components/metrics";
import { TAGGABLE_TYPES } from "../components/tags";
import { mocks } from "./setup";

const T = {
    vpc: "awsx:ec2:Vpc",
    cluster: "aws:ecs/cluster:Cluster",
    providers: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    table: "aws:dynamodb/table:Table",
    bucket: "aws:s3/bucket:Bucket",
    service: "aws:ecs/service:Service",
    td: "aws:ecs/taskDefinition:TaskDefinition",
    listener: "aws:lb/listener:Listener",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    sfn: "aws:sfn/stateMachine:StateMachine",
    schedule: "aws:scheduler/schedule:Schedule",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    scaling: "aws:appautoscaling/target:Target",
    parameter: "aws:ssm/parameter:Parameter",
};

const ACCOUNT = "123456789012";

function policyOf(name: string): any {
    return parsed(mocks.one(T.rolePolicy, name).inputs.policy);
}

function webContainer(): any {
    return parsed(mocks.one(T.td, "web-task-definition").inputs.containerDefinitions)[0];
}

function sfnParameters(): any {
    return parsed(mocks.one(T.sfn).inputs.definition).States.RunTask.Arguments;
}

/** Evaluates a stack expecting it to be refused; returns the error and checks nothing was registered. */
async function refused(stack: string, edit: Record<string, unknown>): Promise<Error> {
    let error: unknown;
    try {
        await evaluateStack(stack, edit);
    } catch (e) {
        error = e;
    }
    assert.ok(error instanceof Error, "the stack must be refused");
    await mocks.settle();
    assert.deepStrictEqual(mocks.resources.map((r) => r.type), [], "nothing may be registered before the configuration is refused");
    return error as Error;
}

describe("index.ts (the program)", () => {
    after(() => mocks.useStack("test"));

    it("has a dev and a prod stack file", () => {
        assert.deepStrictEqual(listStacks(ROOT), ["dev", "prod"]);
    });

    for (const stack of listStacks(ROOT)) {
        describe(`every stack (${stack})`, () => {
            it("contains the network, a cluster with Container Insights and both Fargate providers, the table, the bucket, the web service and the job", async () => {
                await evaluateStack(stack);
                assert.strictEqual(mocks.all(T.vpc).length, 1);
                assert.deepStrictEqual(mocks.one(T.cluster, "todo-cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
                assert.deepStrictEqual(mocks.one(T.providers).inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
                assert.strictEqual(mocks.all("fargate-workloads:ecs:WebService").length, 1);
                assert.strictEqual(mocks.all("fargate-workloads:ecs:BatchTask").length, 1);
                assert.strictEqual(mocks.all(T.cluster).length, 1, "both workloads share the stack's cluster");
                const cluster = mocks.one(T.cluster).state.arn;
                assert.strictEqual(mocks.one(T.service).inputs.cluster, cluster);
                assert.strictEqual(sfnParameters().Cluster, cluster);
            });

            it("tags every taggable resource with the project, the stack and its owner", async () => {
                await evaluateStack(stack);
                const expected = { project: "fargate-workloads", stack, owner: "todo-team" };
                const taggable = mocks.awsResources().filter((r) => TAGGABLE_TYPES.has(r.type) || r.type === T.table || r.type === "aws:ecr/repository:Repository");
                assert.ok(taggable.length > 30, `${taggable.length} taggable resources`);
                for (const r of taggable) {
                    const tags = r.inputs.tags ?? {};
                    assert.deepStrictEqual({ project: tags.project, stack: tags.stack, owner: tags.owner }, expected, `${r.type} ${r.name}`);
                }
                assert.deepStrictEqual(mocks.one(T.vpc).inputs.tags, expected, "awsx tags what the VPC creates");
            });

            it("stores TODO lists in an on-demand, encrypted table with point-in-time recovery", async () => {
                await evaluateStack(stack);
                const table = mocks.one(T.table).inputs;
                assert.deepStrictEqual(table.attributes, [{ name: "User", type: "S" }, { name: "ListId", type: "S" }]);
                assert.deepStrictEqual([table.hashKey, table.rangeKey, table.billingMode], ["User", "ListId", "PAY_PER_REQUEST"]);
                assert.deepStrictEqual(table.pointInTimeRecovery, { enabled: true });
                // prod has a customer-managed key (encryption: true); dev uses DynamoDB's own.
                const key = mocks.all("aws:kms/key:Key")[0]?.state.arn;
                assert.deepStrictEqual(table.serverSideEncryption, stack === "prod" ? { enabled: true, kmsKeyArn: key } : { enabled: true });
                assert.strictEqual(mocks.one(T.parameter).inputs.name, `/fargate-workloads/${stack}/TodoTable/Name`);
            });

            it("gives the web task role exactly the app's table items, its parameter path and SSM-only decryption", async () => {
                await evaluateStack(stack);
                const tableArn = mocks.one(T.table).state.arn;
                const pathArn = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/fargate-workloads/${stack}`;
                assert.deepStrictEqual(policyOf("web-task-policy").Statement, [
                    {
                        Sid: "TodoItems",
                        Effect: "Allow",
                        Action: ["dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                        Resource: [tableArn],
                    },
                    { Sid: "ReadConfigurationPath", Effect: "Allow", Action: ["ssm:GetParametersByPath"], Resource: [pathArn] },
                    { Sid: "ReadConfiguration", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [`${pathArn}/*`] },
                    { Sid: "WriteDataProtectionKeys", Effect: "Allow", Action: ["ssm:PutParameter"], Resource: [`${pathArn}/DataProtection/*`] },
                    {
                        Sid: "DecryptViaSsmOnly",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/*`],
                        Condition: { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } },
                    },
                ]);
            });

            it("runs the ASP.NET Core sample as its non-root user with a read-only root and the table's name", async () => {
                await evaluateStack(stack);
                const app = webContainer();
                assert.strictEqual(app.image, "mcr.microsoft.com/dotnet/samples:aspnetapp-10.0", "a version tag: a moving tag would never roll out");
                assert.strictEqual(app.user, "1654");
                assert.strictEqual(app.readonlyRootFilesystem, true);
                assert.deepStrictEqual(app.mountPoints.map((m: any) => m.containerPath), ["/tmp"]);
                assert.deepStrictEqual(app.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
                const env = Object.fromEntries(app.environment.map((e: any) => [e.name, e.value]));
                assert.deepStrictEqual(env, {
                    ASPNETCORE_ENVIRONMENT: "Production",
                    AWS_REGION: "us-east-1",
                    PARAMETER_PATH: `/fargate-workloads/${stack}/`,
                    TODO_TABLE_NAME: mocks.one(T.table).state.name,
                });
                assert.strictEqual(mocks.one("aws:lb/targetGroup:TargetGroup").inputs.healthCheck.path, "/");
            });

            it("exports the table nightly with a role allowed exactly that, into a private, encrypted, TLS-only, expiring bucket", async () => {
                await evaluateStack(stack);
                const tableArn = mocks.one(T.table).state.arn;
                const bucket = mocks.one(T.bucket, "export-bucket").state;
                assert.deepStrictEqual(policyOf("export-task-policy").Statement, [
                    { Sid: "ExportTable", Effect: "Allow", Action: ["dynamodb:ExportTableToPointInTime"], Resource: [tableArn] },
                    { Sid: "WatchExport", Effect: "Allow", Action: ["dynamodb:DescribeExport"], Resource: [`${tableArn}/export/*`] },
                    { Sid: "WriteExport", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"], Resource: [`${bucket.arn}/exports/*`] },
                    ...(stack === "prod" ? [{ Sid: "EncryptExport", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [mocks.one("aws:kms/key:Key").state.arn] }] : []),
                ]);
                const job = parsed(mocks.one(T.td, "export-task-definition").inputs.containerDefinitions)[0];
                assert.match(job.image, /^public\.ecr\.aws\/aws-cli\/aws-cli:/);
                assert.deepStrictEqual(job.entryPoint, ["/bin/sh", "-c"]);
                assert.deepStrictEqual(job.command, [EXPORT_SCRIPT]);
                assert.strictEqual(job.readonlyRootFilesystem, true);
                const env = Object.fromEntries(job.environment.map((e: any) => [e.name, e.value]));
                assert.deepStrictEqual(env, { AWS_REGION: "us-east-1", EXPORT_BUCKET: bucket.bucket, HOME: "/tmp", TABLE_ARN: tableArn, ...(stack === "prod" ? { EXPORT_KMS_KEY: mocks.one("aws:kms/key:Key").state.arn } : {}) });
                const schedule = mocks.one(T.schedule).inputs;
                assert.deepStrictEqual([schedule.scheduleExpression, schedule.scheduleExpressionTimezone], ["cron(0 3 * * ? *)", "UTC"]);
                const block = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "export-bucket-public-access").inputs;
                assert.deepStrictEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
                const sse = mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "export-bucket-encryption").inputs;
                assert.strictEqual(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, stack === "prod" ? "aws:kms" : "AES256");
                const tls = parsed(mocks.one("aws:s3/bucketPolicy:BucketPolicy", "export-bucket-tls-only").inputs.policy).Statement[0];
                assert.deepStrictEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
                const expiry = mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "export-bucket-expiry").inputs.rules[0];
                assert.deepStrictEqual(expiry.filter, { prefix: "exports/" });
                assert.ok(expiry.expiration.days > 0);
            });

            it("exports the stack outputs", async () => {
                const outputs = await evaluateStack(stack);
                assert.match(await outputValue(outputs.url), /^https?:\/\//);
                assert.strictEqual(await outputValue(outputs.clusterName), mocks.one(T.cluster).state.name);
                assert.strictEqual(await outputValue(outputs.serviceName), mocks.one(T.service).state.name);
                assert.strictEqual(await outputValue(outputs.tableName), mocks.one(T.table).state.name);
                assert.strictEqual(await outputValue(outputs.exportBucket), mocks.one(T.bucket, "export-bucket").state.bucket);
                assert.strictEqual(await outputValue(outputs.batchRunCommand), `aws stepfunctions start-execution --state-machine-arn ${mocks.one(T.sfn).state.arn} --region us-east-1 --input '{}'`);
            });

            it("has one dashboard of documented metrics: the load balancer, the web service and the batch job, with its URL as an output", async () => {
                const outputs = await evaluateStack(stack);
                const dashboard = mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs;
                assert.strictEqual(dashboard.dashboardName, `fargate-workloads-${stack}`);
                assert.strictEqual(await outputValue(outputs.dashboardUrl), `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/fargate-workloads-${stack}`);
                const body = JSON.parse(dashboard.dashboardBody);
                assert.deepStrictEqual(body.widgets.filter((w: any) => w.type === "text").map((w: any) => w.properties.markdown), ["## Load balancer todo", "## Web service web", "## Batch task export"]);
                const lines = body.widgets.filter((w: any) => w.type === "metric").flatMap((w: any) => w.properties.metrics);
                assert.strictEqual(lines.length, 17);
                for (const line of lines) {
                    const [namespace, metric, ...rest] = line;
                    const dims = rest.slice(0, -1).filter((_: unknown, i: number) => i % 2 === 0);
                    assert.strictEqual(metricProblem(namespace, metric, dims), undefined, `${namespace} ${metric} ${dims}`);
                    assert.ok(rest.slice(0, -1).every((v: unknown) => typeof v === "string" && v.length > 0), `${metric}: every dimension has a value`);
                }
                assert.ok(body.widgets.every((w: any) => w.x + w.width <= 24), "within the 24-column grid");
            });

            it("sends every alarm of the stack to its one alerts topic, on ALARM and on OK", async () => {
                await evaluateStack(stack);
                const topic = mocks.one(T.topic, "alerts").state.arn;
                const alarms = mocks.all("aws:cloudwatch/metricAlarm:MetricAlarm");
                assert.ok(alarms.length >= 8, `${alarms.length} alarms`);
                for (const alarm of alarms) {
                    assert.deepStrictEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[topic], [topic]], alarm.name);
                }
                assert.strictEqual(mocks.all(T.topic).length, 1, "one topic: the operator confirms one email");
            });

            it("gives identical inputs on every evaluation", async () => {
                await evaluateStack(stack);
                const first = mocks.resources.map((r) => [r.type, r.name, r.inputs]);
                await evaluateStack(stack);
                assert.deepStrictEqual(mocks.resources.map((r) => [r.type, r.name, r.inputs]), first);
            });
        });
    }

    describe("dev", () => {
        it("builds a VPC without NAT and runs tasks in its public subnets with public IPs", async () => {
            await evaluateStack("dev");
            const vpc = mocks.one(T.vpc);
            assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "None" });
            assert.deepStrictEqual(vpc.inputs.subnetSpecs, [{ type: "Public" }]);
            assert.strictEqual(vpc.inputs.numberOfAvailabilityZones, 2);
            const net = mocks.one(T.service).inputs.networkConfiguration;
            assert.deepStrictEqual(net.subnets, vpc.state.publicSubnetIds);
            assert.strictEqual(net.assignPublicIp, true);
            assert.strictEqual(sfnParameters().NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, "ENABLED");
        });

        it("runs one ARM64 web task and the job on x86_64 Fargate Spot, keeps logs a week, protects nothing, serves plain HTTP", async () => {
            await evaluateStack("dev");
            assert.strictEqual(mocks.one(T.service).inputs.desiredCount, 1);
            assert.strictEqual(mocks.one(T.td, "web-task-definition").inputs.runtimePlatform.cpuArchitecture, "ARM64");
            assert.strictEqual(mocks.one(T.td, "export-task-definition").inputs.runtimePlatform.cpuArchitecture, "X86_64");
            assert.deepStrictEqual(sfnParameters().CapacityProviderStrategy, [{ CapacityProvider: "FARGATE_SPOT", Weight: 1, Base: 0 }]);
            for (const group of mocks.all("aws:cloudwatch/logGroup:LogGroup")) {
                assert.strictEqual(group.inputs.retentionInDays, 7, group.name);
            }
            assert.strictEqual(mocks.one(T.table).inputs.deletionProtectionEnabled, false);
            assert.strictEqual(mocks.one(T.alb).inputs.enableDeletionProtection, false);
            assert.strictEqual(mocks.one(T.bucket, "export-bucket").inputs.forceDestroy, true);
            assert.deepStrictEqual(mocks.all(T.listener).map((l) => l.inputs.protocol), ["HTTP"]);
            assert.strictEqual(mocks.all(T.topic).length, 1, "failures are never silent: one stack topic, even without an email");
            assert.strictEqual(mocks.all(T.subscription).length, 0, "no alert email, no subscription");
        });
    });

    describe("prod", () => {
        it("runs tasks in private subnets behind a NAT gateway per AZ, without public IPs", async () => {
            await evaluateStack("prod");
            const vpc = mocks.one(T.vpc);
            assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "OnePerAz" });
            assert.deepStrictEqual(vpc.inputs.subnetSpecs, [{ type: "Public" }, { type: "Private" }]);
            assert.strictEqual(vpc.inputs.cidrBlock, "10.20.0.0/16");
            const net = mocks.one(T.service).inputs.networkConfiguration;
            assert.deepStrictEqual(net.subnets, vpc.state.privateSubnetIds);
            assert.strictEqual(net.assignPublicIp, false);
            assert.deepStrictEqual(mocks.one(T.alb).inputs.subnets, vpc.state.publicSubnetIds);
            assert.deepStrictEqual(sfnParameters().NetworkConfiguration.AwsvpcConfiguration, {
                Subnets: vpc.state.privateSubnetIds,
                SecurityGroups: [mocks.one("aws:ec2/securityGroup:SecurityGroup", "export-sg").state.arn.split("/").pop()],
                AssignPublicIp: "DISABLED",
            });
        });

        it("keeps export versions for 30 days and logs every request to the export bucket (dev does neither)", async () => {
            await evaluateStack("prod");
            const exports = mocks.one(T.bucket, "export-bucket");
            // Every configuration of the export bucket names it by its id, as its public access block does.
            const exportBucketId = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "export-bucket-public-access").inputs.bucket;
            assert.ok(exportBucketId);
            assert.deepStrictEqual(mocks.one("aws:s3/bucketVersioning:BucketVersioning").inputs, { bucket: exportBucketId, versioningConfiguration: { status: "Enabled" } });
            assert.strictEqual(mocks.one("aws:s3/bucketLogging:BucketLogging").inputs.bucket, exportBucketId);
            const expiry = mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "export-bucket-expiry").inputs.rules;
            assert.deepStrictEqual(expiry.find((r: any) => r.id === "expire-old-versions"), { id: "expire-old-versions", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 30 } });
            const logs = mocks.one(T.bucket, "export-bucket-access-logs");
            const logging = mocks.one("aws:s3/bucketLogging:BucketLogging").inputs;
            assert.deepStrictEqual([logging.targetBucket, logging.targetPrefix], [mocks.one("aws:s3/bucketPolicy:BucketPolicy", "export-bucket-access-logs-policy").inputs.bucket, "export-bucket/"]);
            const policy = parsed(mocks.one("aws:s3/bucketPolicy:BucketPolicy", "export-bucket-access-logs-policy").inputs.policy);
            assert.deepStrictEqual(policy.Statement[0], {
                Sid: "S3ServerAccessLogs",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${logs.state.arn}/export-bucket/*`,
                Condition: { ArnLike: { "aws:SourceArn": exports.state.arn }, StringEquals: { "aws:SourceAccount": "123456789012" } },
            });
            assert.deepStrictEqual(policy.Statement[1].Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.deepStrictEqual([exportBucketId, logging.targetBucket, mocks.one("aws:s3/bucketPolicy:BucketPolicy", "export-bucket-access-logs-policy").inputs.bucket], [exports.state.bucket, logs.state.bucket, logs.state.bucket]);
            assert.deepStrictEqual(mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "export-bucket-access-logs-encryption").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            await evaluateStack("dev");
            assert.deepStrictEqual([mocks.all("aws:s3/bucketVersioning:BucketVersioning"), mocks.all("aws:s3/bucketLogging:BucketLogging")], [[], []]);
        });

        it("aborts unfinished multipart uploads after a day in every bucket of prod, over the whole bucket (Checkov CKV_AWS_300)", async () => {
            await evaluateStack("prod");
            const lifecycles = mocks.all("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
            // The export bucket, its server access logs and the load balancer's access logs.
            assert.deepStrictEqual(lifecycles.map((l) => l.name).sort(), ["export-bucket-access-logs-expiry", "export-bucket-expiry", "todo-access-logs-lifecycle"]);
            // An empty filter, or an empty prefix, selects every object of the bucket (S3's lifecycle filter rules).
            const wholeBucket = (filter: any) => filter === undefined || Object.keys(filter).length === 0 || (Object.keys(filter).length === 1 && filter.prefix === "");
            for (const lifecycle of lifecycles) {
                const abort = (lifecycle.inputs.rules as any[]).filter((r) => r.status === "Enabled" && r.abortIncompleteMultipartUpload?.daysAfterInitiation === 1 && wholeBucket(r.filter));
                assert.strictEqual(abort.length, 1, `${lifecycle.name} aborts unfinished uploads`);
            }
        });

        it("keeps the description the web service gave the shared load balancer's security group (EC2 would replace the group)", async () => {
            await evaluateStack("prod");
            assert.strictEqual(mocks.one("aws:ec2/securityGroup:SecurityGroup", "todo-alb-sg").inputs.description, "Load balancer of web: listener ports in, the task port out");
        });

        it("puts a managed web application firewall in front of the load balancer (dev has none)", async () => {
            await evaluateStack("prod");
            const acl = mocks.one("aws:wafv2/webAcl:WebAcl", "todo-waf");
            // It logs (Security Hub WAF.11) as long as, and under the key of, the stack's other logs.
            const wafLogs = mocks.one("aws:cloudwatch/logGroup:LogGroup", "todo-waf-logs").inputs;
            assert.deepStrictEqual([wafLogs.namePrefix, wafLogs.retentionInDays, wafLogs.kmsKeyId], ["aws-waf-logs-todo-", 365, mocks.one("aws:kms/key:Key").state.arn]);
            assert.strictEqual(mocks.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").inputs.resourceArn, acl.state.arn);
            assert.strictEqual(mocks.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs.webAclArn, acl.state.arn);
            assert.strictEqual(mocks.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs.resourceArn, mocks.one(T.alb).state.arn);
            await evaluateStack("dev");
            assert.deepStrictEqual(mocks.all("aws:wafv2/webAcl:WebAcl"), []);
        });

        it("traces the export's runs with X-Ray (dev does not)", async () => {
            await evaluateStack("prod");
            assert.deepStrictEqual(mocks.one(T.sfn).inputs.tracingConfiguration, { enabled: true });
            await evaluateStack("dev");
            assert.strictEqual(mocks.one(T.sfn).inputs.tracingConfiguration, undefined);
        });

        it("serves HTTPS on its domain, scales 2..10, protects the load balancer and the data, keeps logs a year, alerts by email", async () => {
            const outputs = await evaluateStack("prod");
            assert.strictEqual(await outputValue(outputs.url), "https://todo.example.com");
            assert.deepStrictEqual(mocks.all(T.listener).map((l) => l.inputs.protocol).sort(), ["HTTP", "HTTPS"]);
            assert.strictEqual(mocks.one("aws:acm/certificate:Certificate").inputs.domainName, "todo.example.com");
            const target = mocks.one(T.scaling).inputs;
            assert.deepStrictEqual([target.minCapacity, target.maxCapacity], [2, 10]);
            assert.strictEqual(mocks.one(T.table).inputs.deletionProtectionEnabled, true);
            assert.strictEqual(mocks.one(T.alb).inputs.enableDeletionProtection, true);
            assert.strictEqual(mocks.one(T.bucket, "export-bucket").inputs.forceDestroy, false);
            for (const group of mocks.all("aws:cloudwatch/logGroup:LogGroup")) {
                assert.strictEqual(group.inputs.retentionInDays, 365, group.name);
            }
            assert.deepStrictEqual([mocks.one(T.subscription).inputs.protocol, mocks.one(T.subscription).inputs.endpoint], ["email", "oncall@example.com"]);
            assert.strictEqual(await outputValue(outputs.alertTopicArn!), mocks.one(T.topic).state.arn);
            assert.strictEqual(parsed(mocks.one(T.sfn).inputs.definition).States.RunTask.TimeoutSeconds, 7200);
        });
    });

    describe("every stack file", () => {
        it("runs the web service on arm64 in dev and prod, so the cheap stack tests what production runs", async () => {
            for (const stack of ["dev", "prod"]) {
                await evaluateStack(stack);
                const td = mocks.all("aws:ecs/taskDefinition:TaskDefinition").find((r) => r.name === "web-task-definition")!;
                assert.strictEqual(td.inputs.runtimePlatform.cpuArchitecture, "ARM64", stack);
            }
        });
    });

    describe("other configurations", () => {
        it("serves HTTPS with a given certificate at the host name it covers", async () => {
            const cert = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
            const outputs = await evaluateStack("dev", { "fargate-workloads:web": { architecture: "arm64", desiredCount: 1, certificateArn: cert, hostName: "todo.example.com" } });
            assert.strictEqual(await outputValue(outputs.url), "https://todo.example.com");
            assert.strictEqual(mocks.all(T.listener).find((l) => l.inputs.protocol === "HTTPS")!.inputs.certificateArn, cert);
        });

        it("uses an existing VPC: private subnets for tasks when given, else public subnets with public IPs", async () => {
            const network = { vpcId: "vpc-0abcdef0123456789", publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"], privateSubnetIds: ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"] };
            await evaluateStack("prod", { "fargate-workloads:network": network });
            assert.strictEqual(mocks.all(T.vpc).length, 0);
            assert.deepStrictEqual(mocks.one(T.service).inputs.networkConfiguration.subnets, network.privateSubnetIds);
            assert.strictEqual(mocks.one(T.service).inputs.networkConfiguration.assignPublicIp, false);
            assert.deepStrictEqual(mocks.one(T.alb).inputs.subnets, network.publicSubnetIds);
            await evaluateStack("prod", { "fargate-workloads:network": { ...network, privateSubnetIds: undefined } });
            assert.deepStrictEqual(mocks.one(T.service).inputs.networkConfiguration, { subnets: network.publicSubnetIds, securityGroups: mocks.one(T.service).inputs.networkConfiguration.securityGroups, assignPublicIp: true });
        });

        it("builds the web image for the task's platform into an ECR repository that scans on push, and runs it by digest", async () => {
            await evaluateStack("dev", { "fargate-workloads:web": { architecture: "arm64", desiredCount: 1, build: { context: "./app", dockerfile: "Dockerfile" } } });
            const repo = mocks.one("aws:ecr/repository:Repository");
            assert.deepStrictEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
            const image = mocks.one("awsx:ecr:Image");
            assert.deepStrictEqual([image.inputs.context, image.inputs.dockerfile, image.inputs.platform, image.inputs.repositoryUrl], ["./app", "Dockerfile", "linux/arm64", repo.state.repositoryUrl]);
            assert.strictEqual(webContainer().image, image.state.imageUri);
            assert.match(webContainer().image, /@sha256:[0-9a-f]{64}$/);
            const pull = policyOf("web-execution-policy").Statement.find((s: any) => s.Sid === "EcrPull");
            assert.deepStrictEqual(pull.Resource, [repo.state.arn]);
        });

        it("keeps the export job's earlier topic, policy and subscription as the stack's alerts topic (aliases, no replacement)", async () => {
            mocks.useStack("prod");
            const { opts, childOpts } = stackAlertTopicAliases();
            const parent = "urn:pulumi:prod::fargate-workloads::fargate-workloads:ecs:BatchTask::export";
            const aliasOf = async (o: pulumi.CustomResourceOptions | undefined) => {
                const [alias] = o!.aliases as { name: string; parent: pulumi.Output<string> }[];
                return [alias.name, await outputValue(alias.parent)];
            };
            assert.deepStrictEqual(await aliasOf(opts), ["export-alerts", parent]);
            assert.deepStrictEqual(await aliasOf(childOpts!.policy), ["export-alerts-policy", parent]);
            assert.deepStrictEqual(await aliasOf(childOpts!.email), ["export-alerts-email", parent]);
            // The URN the export job gave its topic, which the alias must name.
            await evaluateStack("prod");
            assert.ok(mocks.one(T.topic).urn.endsWith("::aws:sns/topic:Topic::alerts"));
        });

        it("keeps a secure alert email secret and skips its format check", async () => {
            const outputs = await evaluateStack("prod", { "fargate-workloads:batch": { alertEmail: { secure: "v1:AAAAencrypted" } } });
            assert.ok(outputs.alertTopicArn);
            const endpoint = mocks.one(T.subscription).inputs.endpoint;
            assert.ok(isSecretValue(endpoint), "a secure config value stays a secret in state");
            assert.strictEqual(unsecret(endpoint), SECRET_PLACEHOLDER, "the placeholder goes through, unchecked");
            // A plain value that is not an address is still refused.
            await refused("prod", { "fargate-workloads:batch": { alertEmail: "[secret" } });
        });

        it("with a worker: a namespace per stack, the web service callable as web, the worker's queue and calls", async () => {
            const outputs = await evaluateStack("dev", { "fargate-workloads:worker": { image: "public.ecr.aws/docker/library/python:3.13-slim", user: "1000", minCount: 0, maxCount: 3 } });
            const namespace = mocks.one("aws:servicediscovery/httpNamespace:HttpNamespace");
            assert.strictEqual(namespace.inputs.name, "fargate-workloads-dev");
            const web = mocks.one("aws:ecs/service:Service", "web-service");
            assert.deepStrictEqual(web.inputs.serviceConnectConfiguration.services, [{ portName: "http", discoveryName: "web", clientAlias: [{ port: 8080, dnsName: "web" }] }]);
            assert.strictEqual(web.inputs.serviceConnectConfiguration.namespace, namespace.state.arn);
            const workerService = mocks.one("aws:ecs/service:Service", "worker-service");
            assert.deepStrictEqual([workerService.inputs.desiredCount, workerService.inputs.serviceConnectConfiguration.namespace], [0, namespace.state.arn]);
            const env = parsed(mocks.one("aws:ecs/taskDefinition:TaskDefinition", "worker-task-definition").inputs.containerDefinitions)[0].environment.map((e: any) => e.name);
            assert.deepStrictEqual(env, ["AWS_REGION", "QUEUE_URL", "WEB_URL"]);
            assert.strictEqual(await outputValue(outputs.workerQueueUrl!), mocks.one("aws:sqs/queue:Queue", "worker-queue").state.url);
            // The proxy's share: the component sizes the web task for it (dev gives no cpu).
            assert.deepStrictEqual([mocks.one("aws:ecs/taskDefinition:TaskDefinition", "web-task-definition").inputs.cpu, mocks.one("aws:ecs/taskDefinition:TaskDefinition", "web-task-definition").inputs.memory], ["512", "1024"]);
            const body = JSON.parse(await outputValue(mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody));
            assert.ok(body.widgets.some((w: any) => w.properties?.markdown === "## Worker worker"));
        });
    });

    describe("refuses bad configuration before registering anything", () => {
        it("lists every problem of the file at once, each with its full key, value and fix", async () => {
            const error = await refused("dev", {
                "fargate-workloads:web": { cpu: "big", image: "a", build: { context: "." }, domain: { name: "a.example.com", zoneId: "Z1" }, certificateArn: "arn:aws:acm:us-east-1:1:certificate/x", colour: "blue" },
                "fargate-workloads:network": { natGateways: "Two" },
                "fargate-workloads:batch": { alertEmail: "not-an-email", exportRetentionDays: 0 },
                "fargate-workloads:protect": "yes",
                "fargate-workloads:region": "eu-west-1",
            });
            assert.ok(error instanceof ConfigError);
            assert.deepStrictEqual([...(error as ConfigError).problems].sort(), [
                'fargate-workloads:batch.alertEmail ("not-an-email") is not an email address; write it like ops@example.com',
                "fargate-workloads:batch.exportRetentionDays (0) must be at least 1; raise it",
                'fargate-workloads:network.natGateways ("Two") must be one of "None", "Single", "OnePerAz"; use one of them',
                'fargate-workloads:protect ("yes") must be a boolean; write it as one',
                "fargate-workloads:region is not a known key; remove it or fix its spelling (see docs/configuration.md)",
                'fargate-workloads:web.build ({"context":"."}) conflicts with web.image (the image is either given or built); remove one of them',
                'fargate-workloads:web.certificateArn ("arn:aws:acm:us-east-1:1:certificate/x") conflicts with web.domain (a domain gets its own certificate); remove one of them',
                "fargate-workloads:web.colour is not a known key; remove it or fix its spelling (see docs/configuration.md)",
                'fargate-workloads:web.cpu ("big") must be a number; write it as one',
            ]);
            assert.match(error.message, /^Invalid stack configuration \(9 problems\):\n {2}- /);
        });

        it("refuses subnets without a VPC and a VPC together with new-VPC settings", async () => {
            const error = (await refused("dev", { "fargate-workloads:network": { vpcId: "vpc-0abcdef0123456789", natGateways: "Single", publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] } })) as ConfigError;
            assert.deepStrictEqual(error.problems, [
                'fargate-workloads:network.natGateways ("Single") describes a new VPC, but vpcId uses an existing one; remove one of them',
                'fargate-workloads:network.publicSubnetIds (["subnet-0aaaaaaaaaaaaaaa1"]) must list at least two public subnets of vpcId (the load balancer needs two Availability Zones); add them',
            ]);
            const other = (await refused("dev", { "fargate-workloads:network": { privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] } })) as ConfigError;
            assert.deepStrictEqual(other.problems, [
                'fargate-workloads:network.privateSubnetIds (["subnet-0aaaaaaaaaaaaaaa1"]) needs vpcId (subnets of an existing VPC); add vpcId or remove the subnets to build a new VPC',
            ]);
        });

        it("refuses a VPC range whose subnets EC2 would refuse, or whose task subnets cannot hold the peak task count", async () => {
            // prod: two zones, public and private subnets: a /27 VPC gives /29 subnets.
            const small = (await refused("prod", { "fargate-workloads:network": { cidrBlock: "10.0.0.0/27", availabilityZones: 2, natGateways: "OnePerAz" } })) as ConfigError;
            assert.deepStrictEqual(small.problems, [
                'fargate-workloads:network.cidrBlock ("10.0.0.0/27") gives subnets of /29 (the VPC\'s /27, split over 2 Availability Zones and into public and private subnets), but EC2 takes subnets from /16 to /28; use a VPC of /26 or larger, or fewer zones',
            ]);
            // /26: private subnets of /28 hold 11 addresses; web at 10 tasks x 200% over 2 zones is 10 per subnet, and a batch run.
            const tight = (await refused("prod", { "fargate-workloads:network": { cidrBlock: "10.0.0.0/26", availabilityZones: 2, natGateways: "OnePerAz" }, "fargate-workloads:web": { autoscaling: { minCount: 2, maxCount: 11, cpuTargetPercent: 60 } } })) as ConfigError;
            assert.deepStrictEqual(tight.problems, [
                'fargate-workloads:network.cidrBlock ("10.0.0.0/26") gives task subnets of /28 with 11 free addresses each (AWS reserves 5), fewer than the 12 a subnet may need at once (web 11 x 200% over 2 zones = 11, and a batch run); use a larger VPC range, or lower the maximum task counts',
            ]);
            // dev: no NAT, so public subnets only, shared with the load balancer's 8 addresses.
            const shared = (await refused("dev", { "fargate-workloads:network": { cidrBlock: "10.0.0.0/28", natGateways: "None", availabilityZones: 2 } })) as ConfigError;
            assert.deepStrictEqual(shared.problems, [
                'fargate-workloads:network.cidrBlock ("10.0.0.0/28") gives subnets of /29 (the VPC\'s /28, split over 2 Availability Zones), but EC2 takes subnets from /16 to /28; use a VPC of /27 or larger, or fewer zones',
            ]);
            const crowded = (await refused("dev", { "fargate-workloads:network": { cidrBlock: "10.0.0.0/27", natGateways: "None", availabilityZones: 2 }, "fargate-workloads:web": { architecture: "arm64", desiredCount: 3 } })) as ConfigError;
            assert.deepStrictEqual(crowded.problems, [
                'fargate-workloads:network.cidrBlock ("10.0.0.0/27") gives task subnets of /28 with 11 free addresses each (AWS reserves 5), fewer than the 12 a subnet may need at once (web 3 x 200% over 2 zones = 3, and a batch run, and the load balancer\'s 8 in the same public subnets); use a larger VPC range, or lower the maximum task counts',
            ]);
            // The smallest ranges that fit deploy.
            await evaluateStack("prod", { "fargate-workloads:network": { cidrBlock: "10.0.0.0/26", availabilityZones: 2, natGateways: "OnePerAz" } });
            assert.strictEqual(mocks.one("awsx:ec2:Vpc").inputs.cidrBlock, "10.0.0.0/26");
        });

        it("with a worker and a given namespace: no namespace made, both services in the given one", async () => {
            const arn = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-0123456789abcdef";
            await evaluateStack("dev", { "fargate-workloads:worker": { image: "public.ecr.aws/docker/library/python:3.13-slim", namespaceArn: arn } });
            assert.deepStrictEqual(mocks.all("aws:servicediscovery/httpNamespace:HttpNamespace"), []);
            for (const svc of ["web-service", "worker-service"]) {
                assert.strictEqual(mocks.one("aws:ecs/service:Service", svc).inputs.serviceConnectConfiguration.namespace, arn);
            }
            const bad = await refused("dev", { "fargate-workloads:worker": { image: "x:1", namespaceArn: "arn:aws:servicediscovery:us-east-1:123456789012:namespace/todo" } });
            assert.strictEqual((bad as ConfigError).problems.length, 1, "the web service's and the worker's problem are one line");
            assert.match(bad.message, /\n {2}- fargate-workloads:worker\.namespaceArn \("arn:aws:servicediscovery:us-east-1:123456789012:namespace\/todo"\) is not a Cloud Map namespace ARN; use "arn:aws:servicediscovery:REGION:ACCOUNT:namespace\/ns-ID"$/);
        });

        it("refuses a worker variable the program sets (WEB_URL) before anything is registered", async () => {
            const error = (await refused("dev", { "fargate-workloads:worker": { image: "x:1", environment: { WEB_URL: "http://elsewhere" } } })) as ConfigError;
            assert.deepStrictEqual(error.problems, ["fargate-workloads:worker.environment.WEB_URL is set by the component (a called service's URL); remove it, or have the component use another name"]);
        });

        it("names a worker's problems by its stack keys", async () => {
            const error = (await refused("dev", { "fargate-workloads:worker": { image: "x:1", visibilityTimeoutSeconds: 30, maxReceiveCount: 0, minCount: 4, maxCount: 2 } })) as ConfigError;
            assert.deepStrictEqual(error.problems, [
                "fargate-workloads:worker.visibilityTimeoutSeconds (30) is shorter than the container's stop timeout (120 s): a task told to stop may work on a message that another worker already received; raise it to at least 120, or lower stopTimeoutSeconds",
                "fargate-workloads:worker.maxReceiveCount (0) must be a whole number from 1 to 1000 receives; set it within 1..1000",
                "fargate-workloads:worker.minCount (4) is greater than scaling.maxCount (2); lower minCount or raise maxCount",
            ]);
        });

        it("still checks the other keys when a required key is missing", async () => {
            const error = (await refused("dev", { "fargate-workloads:web": { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x", cpu: 300 }, "fargate-workloads:batch": { timeoutSeconds: 0 } })) as ConfigError;
            assert.deepStrictEqual(error.problems.map((p) => p.split(" ")[0]).sort(), ["fargate-workloads:batch.timeoutSeconds", "fargate-workloads:web.cpu", "fargate-workloads:web.hostName"]);
            const network = (await refused("dev", { "fargate-workloads:network": { vpcId: "vpc-0abcdef0123456789" }, "fargate-workloads:web": { cpu: 300 } })) as ConfigError;
            assert.deepStrictEqual(network.problems.map((p) => p.split(" ")[0]).sort(), ["fargate-workloads:network.publicSubnetIds", "fargate-workloads:web.cpu"]);
        });

        it("names a component's problem by the stack key the user wrote, still before anything exists", async () => {
            const web = await refused("dev", { "fargate-workloads:web": { cpu: 300 } });
            assert.strictEqual(
                web.message,
                "Invalid stack configuration (1 problem):\n  - fargate-workloads:web.cpu (300) is not a Fargate task size; it must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units; pick one of the listed values (1024 units = 1 vCPU)",
            );
            const spot = await refused("dev", { "fargate-workloads:batch": { capacity: "spot", architecture: "arm64" } });
            assert.match(spot.message, /\n {2}- fargate-workloads:batch\.capacity \("spot"\) uses Fargate Spot, which runs only x86_64 tasks, but architecture is "arm64"; set architecture to "x86_64" or capacity to "on-demand"$/);
            const schedule = await refused("dev", { "fargate-workloads:batch": { schedule: "cron(0 3 * * *)" } });
            assert.match(schedule.message, /\n {2}- fargate-workloads:batch\.schedule \("cron\(0 3 \* \* \*\)"\) has 5 fields/);
        });

        it("names a bad web.hostName by its key, not by the list the program builds from it", async () => {
            const error = (await refused("dev", { "fargate-workloads:web": { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x", hostName: "Todo.Example.com" } })) as ConfigError;
            assert.ok(error.problems.length > 0);
            for (const problem of error.problems) {
                assert.match(problem, /^fargate-workloads:web\.hostName \("Todo\.Example\.com"\) /, problem);
            }
        });

        it("names the shared load balancer's problems by the web keys they came from, and pairs certificateArn with hostName", async () => {
            const long = await refused("prod", { "fargate-workloads:web": { domain: { name: `${"a".repeat(60)}.example.com`, zoneId: "Z1" } } });
            assert.match(long.message, /\n {2}- fargate-workloads:web\.domain\.name \("a{60}\.example\.com"\) is 72 characters, but an ACM certificate's domain name may have at most 64; use a shorter name, or bring a certificate in certificates$/);
            const noHost = await refused("dev", { "fargate-workloads:web": { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" } });
            assert.match(noHost.message, /\n {2}- fargate-workloads:web\.hostName \(missing\) must be given with web\.certificateArn: the host name the certificate covers, which clients use$/);
            const alias = await refused("dev", { "fargate-workloads:encryption": { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/todo" } });
            assert.match(alias.message, /\n {2}- fargate-workloads:encryption\.kmsKeyArn \("arn:aws:kms:us-east-1:123456789012:alias\/todo"\) is not a KMS key ARN; use "arn:aws:kms:REGION:ACCOUNT:key\/KEY-ID" \(key policies and grants name keys, not aliases\)$/);
            const hostOnly = await refused("dev", { "fargate-workloads:web": { hostName: "todo.example.com" } });
            assert.match(hostOnly.message, /\n {2}- fargate-workloads:web\.hostName \("todo\.example\.com"\) is only used with web\.certificateArn; remove it, or use web\.domain to have a certificate and DNS record made$/);
        });

        it("reports every problem of a stack file in one run: the file's own and every component's, with a suggestion for a misspelt key", async () => {
            const error = await refused("dev", {
                "fargate-workloads:web": { architecture: "arm64", cpu: 512, memory: 512, desiredCount: -1, healthCheckPth: "/health", image: "nginx latest" },
                "fargate-workloads:batch": { schedule: "cron(0 3 * * ?)" },
            });
            assert.strictEqual(
                error.message,
                [
                    "Invalid stack configuration (5 problems):",
                    "  - fargate-workloads:web.healthCheckPth is not a known key; did you mean `healthCheckPath`? remove it or fix its spelling (see docs/configuration.md)",
                    '  - fargate-workloads:web.image ("nginx latest") contains white space; remove it',
                    "  - fargate-workloads:web.memory (512) is not allowed with cpu 512; with 512 CPU units Fargate accepts 1024 to 4096 in steps of 1024 MiB; change memory or cpu to a valid Fargate pair",
                    "  - fargate-workloads:web.desiredCount (-1) must be a whole number from 0 to 5000 tasks; set it within 0..5000",
                    '  - fargate-workloads:batch.schedule ("cron(0 3 * * ?)") has 5 fields, but AWS cron expressions have six: minutes hours day-of-month month day-of-week year; add the missing fields, for example "cron(0 3 * * ? *)" (daily at 03:00)',
                ].join("\n"),
            );
        });
    });

    describe("the export script", () => {
        // A stand-in `aws` that answers like the CLI: the test runs the real script against it. An
        // export call returns the export its client token started (DynamoDB's idempotency) or
        // starts export/<n>; describe-export gives a finished export's status, and a running
        // one's next status from `statuses`.
        function runScript(statuses: string[], run: Record<string, string> = {}, earlier: Record<string, string> = {}): { status: number; stdout: string; stderr: string; calls: string[] } {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-"));
            const state = path.join(dir, "statuses");
            const log = path.join(dir, "calls");
            const tokens = path.join(dir, "tokens");
            fs.mkdirSync(tokens);
            Object.entries(earlier).forEach(([token, status], i) => fs.writeFileSync(path.join(tokens, token), `arn:aws:dynamodb:us-east-1:123456789012:table/t/export/${i + 1}\t${status}\n`));
            fs.writeFileSync(state, statuses.join("\n") + "\n");
            fs.writeFileSync(
                path.join(dir, "aws"),
                [
                    "#!/bin/sh",
                    `echo "$*" >> ${log}`,
                    'case "$2" in',
                    "  export-table-to-point-in-time)",
                    "    token=$(echo \"$*\" | sed -n 's/.*--client-token \\([^ ]*\\).*/\\1/p')",
                    `    if [ ! -f ${tokens}/"$token" ]; then printf 'arn:aws:dynamodb:us-east-1:123456789012:table/t/export/%s\\tIN_PROGRESS\\n' "$(($(ls ${tokens} | wc -l) + 1))" > ${tokens}/"$token"; fi`,
                    `    cat ${tokens}/"$token" ;;`,
                    "  describe-export)",
                    `    arn=$(echo "$*" | sed -n 's/.*--export-arn \\([^ ]*\\).*/\\1/p')`,
                    `    known=$(cat ${tokens}/* | grep -F "$arn" | cut -f2)`,
                    `    case "$*" in *FailureCode*) echo "S3_ACCESS_DENIED	denied" ;; *) if [ "$known" != IN_PROGRESS ]; then echo "$known"; else head -n 1 ${state}; sed -i 1d ${state}; fi ;; esac ;;`,
                    "esac",
                ].join("\n"),
                { mode: 0o755 },
            );
            try {
                const stdout = execFileSync("/bin/sh", ["-c", EXPORT_SCRIPT], {
                    env: { PATH: `${dir}:/usr/bin:/bin`, TABLE_ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/t", EXPORT_BUCKET: "b", POLL_SECONDS: "0", ...run },
                    encoding: "utf8",
                    stdio: ["ignore", "pipe", "pipe"],
                });
                return { status: 0, stdout, stderr: "", calls: fs.readFileSync(log, "utf8").trim().split("\n") };
            } catch (e: any) {
                return { status: e.status, stdout: e.stdout, stderr: e.stderr, calls: fs.readFileSync(log, "utf8").trim().split("\n") };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
        const exportCalls = (calls: string[]) => calls.filter((c) => c.startsWith("dynamodb export-table-to-point-in-time")).map((c) => /--client-token (\S+)/.exec(c)![1]);
        const watched = (calls: string[]) => [...new Set(calls.filter((c) => c.startsWith("dynamodb describe-export")).map((c) => /export\/(\d+)/.exec(c)![1]))];

        const run = { BATCH_RUN_ID: "d1c2-run", BATCH_RUN_STARTED_AT: "2026-12-02T03:00:00.123Z" };

        it("waits for the export and exits 0 when it completes", () => {
            const result = runScript(["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"], { ...run, BATCH_ATTEMPT: "1" });
            assert.strictEqual(result.status, 0);
            assert.strictEqual(
                result.calls[0],
                "dynamodb export-table-to-point-in-time --table-arn arn:aws:dynamodb:us-east-1:123456789012:table/t --s3-bucket b --s3-prefix exports/2026-12-02T03-00-00Z-d1c2-run --export-time 2026-12-02T03:00:00.123Z --client-token d1c2-run --export-format DYNAMODB_JSON --query ExportDescription.[ExportArn,ExportStatus] --output text",
            );
            assert.strictEqual(result.calls.filter((c) => c.startsWith("dynamodb describe-export")).length, 3);
            assert.match(result.stdout, /Export completed/);
        });

        it("asks for the same export on every attempt of a run (same client token, time and prefix), so a retry re-attaches instead of paying twice", () => {
            const first = runScript(["COMPLETED"], { ...run, BATCH_ATTEMPT: "1" });
            const retry = runScript(["COMPLETED"], { ...run, BATCH_ATTEMPT: "3" });
            assert.strictEqual(retry.calls[0], first.calls[0]);
            const other = runScript(["COMPLETED"], { BATCH_RUN_ID: "next-night", BATCH_RUN_STARTED_AT: "2026-12-03T03:00:00.000Z" });
            assert.notStrictEqual(other.calls[0], first.calls[0]);
        });

        it("retries a FAILED export with a new client token (the first would return the same failed export for 8 hours), and waits for the new one", () => {
            const retry = runScript(["IN_PROGRESS", "COMPLETED"], { ...run, BATCH_ATTEMPT: "2" }, { "d1c2-run": "FAILED" });
            assert.strictEqual(retry.status, 0, retry.stderr);
            assert.deepStrictEqual(exportCalls(retry.calls), ["d1c2-run", "d1c2-run-2"]);
            assert.deepStrictEqual(watched(retry.calls), ["2"], "only the new export is watched");
            assert.match(retry.stdout, /Export arn:\S+\/export\/1 \(client token d1c2-run\) failed in an earlier attempt; asking for a new one/);
        });

        it("keeps a running export's token: a retry waits for that export instead of starting another", () => {
            const retry = runScript(["IN_PROGRESS", "COMPLETED"], { ...run, BATCH_ATTEMPT: "2" }, { "d1c2-run": "IN_PROGRESS" });
            assert.strictEqual(retry.status, 0, retry.stderr);
            assert.deepStrictEqual(exportCalls(retry.calls), ["d1c2-run"]);
            assert.deepStrictEqual(watched(retry.calls), ["1"]);
            const third = runScript(["COMPLETED"], { ...run, BATCH_ATTEMPT: "3" }, { "d1c2-run": "FAILED", "d1c2-run-2": "IN_PROGRESS" });
            assert.deepStrictEqual(exportCalls(third.calls), ["d1c2-run", "d1c2-run-2"], "the second export, still running, is waited for");
            assert.deepStrictEqual(watched(third.calls), ["2"]);
            const completed = runScript([], { ...run, BATCH_ATTEMPT: "2" }, { "d1c2-run": "COMPLETED" });
            assert.strictEqual(completed.status, 0);
            assert.deepStrictEqual(exportCalls(completed.calls), ["d1c2-run"], "a completed export is not made again");
        });

        it("asks with at most as many tokens as its attempt number: the first attempt of a run starts one export", () => {
            const first = runScript([], { ...run, BATCH_ATTEMPT: "1" }, { "d1c2-run": "FAILED" });
            assert.strictEqual(first.status, 1);
            assert.deepStrictEqual(exportCalls(first.calls), ["d1c2-run"]);
            const third = runScript([], { ...run, BATCH_ATTEMPT: "3" }, { "d1c2-run": "FAILED", "d1c2-run-2": "FAILED", "d1c2-run-3": "FAILED" });
            assert.deepStrictEqual(exportCalls(third.calls), ["d1c2-run", "d1c2-run-2", "d1c2-run-3"]);
            assert.strictEqual(third.status, 1);
        });

        it("keeps every attempt of the stacks' export runs within DynamoDB's 8-hour client-token window, capacity retries included", async () => {
            const capacity = BATCH_TASK_DEFAULTS.capacityRetries;
            const sequence = capacity.intervalSeconds + 2 * capacity.intervalSeconds + 4 * capacity.intervalSeconds + 8 * capacity.intervalSeconds + capacity.maxDelaySeconds;
            assert.strictEqual(capacityWaitSeconds({ ...BATCH_TASK_DEFAULTS.retries, capacityAttempts: capacity.attempts, capacityIntervalSeconds: capacity.intervalSeconds, capacityMaxDelaySeconds: capacity.maxDelaySeconds, onDemandFallback: true }, [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]), 2 * sequence);
            for (const stack of listStacks(ROOT)) {
                await evaluateStack(stack);
            }
        });

        it("refuses a timeout and retries that would let a retry start a second export", async () => {
            const error = await refused("prod", { "fargate-workloads:batch": { timeoutSeconds: 14400, retries: { attempts: 2 } } });
            assert.match(
                error.message,
                /fargate-workloads:batch\.timeoutSeconds and fargate-workloads:batch\.retries let the export's last attempt start 30480 s after its first \(each earlier attempt's 14400 s timeout and the wait after it, and up to 750 s of capacity retries before each retried attempt\), past DynamoDB's 28800 s client-token window/,
            );
        });

        it("counts the capacity retries' waits (on spot, with the fallback, about 1,500 s per attempt) against the 8-hour window", async () => {
            // Without them, 12900 + 60 + 12900 + 120 = 25980 s would fit; on spot: 2 x 1500 s more.
            const error = await refused("dev", { "fargate-workloads:batch": { capacity: "spot", timeoutSeconds: 12900, retries: { attempts: 2 } } });
            assert.match(
                error.message,
                /fargate-workloads:batch\.timeoutSeconds and fargate-workloads:batch\.retries let the export's last attempt start 28980 s after its first \(each earlier attempt's 12900 s timeout and the wait after it, and up to 1500 s of capacity retries before each retried attempt, doubled by fargate-workloads:batch\.capacity's fallback from spot to on demand\), past DynamoDB's 28800 s client-token window/,
            );
        });

        it("exits 1 with the failure reason when the export fails, so the job alerts", () => {
            const run = runScript(["IN_PROGRESS", "FAILED"]);
            assert.strictEqual(run.status, 1);
            assert.match(run.stderr, /Export failed: S3_ACCESS_DENIED\s+denied/);
        });

        it("exits 1 on a status it does not know", () => {
            assert.strictEqual(runScript(["CANCELLED"]).status, 1);
        });
    });
});
