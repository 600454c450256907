import * as assert from "assert";
import { BatchTask } from "../components/batchTask";
import * as pulumi from "@pulumi/pulumi";
import { createEncryptionKey, encryptionKeyPolicy } from "../components/kms";
import { outputValue } from "../components/testing";
import { WebService } from "../components/webService";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { assertRejected, parsed } from "./helpers";
import { evaluateStack } from "./program";
import { mocks } from "./setup";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
const statement = (policy: string, sid: string) => parsed(policy).Statement.find((s: any) => s.Sid === sid);

describe("encryption with a customer-managed key", () => {
    it("a key policy for the account's IAM, CloudWatch Logs, log delivery, EventBridge and alarms publishing, and DynamoDB for this account", () => {
        const policy = encryptionKeyPolicy("aws", "us-east-1", "123456789012") as { Statement: any[] };
        assert.deepStrictEqual(
            policy.Statement.map((s) => [s.Sid, s.Principal, s.Condition]),
            [
                ["AccountIamPolicies", { AWS: "arn:aws:iam::123456789012:root" }, undefined],
                ["CloudWatchLogs", { Service: "logs.us-east-1.amazonaws.com" }, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } }],
                ["LogDelivery", { Service: "delivery.logs.amazonaws.com" }, { StringLike: { "kms:EncryptionContext:SourceArn": "arn:aws:logs:us-east-1:123456789012:*" } }],
                ["EventBridgeToTopics", { Service: "events.amazonaws.com" }, undefined],
                ["AlarmsToTopics", { Service: "cloudwatch.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" } }],
                ["DynamoDbForThisAccount", { AWS: "*" }, { StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } }],
            ],
        );
        // Each statement's actions, found by its Sid rather than its place in the list.
        const actions = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s.Action]));
        assert.deepStrictEqual(actions, {
            AccountIamPolicies: "kms:*",
            CloudWatchLogs: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            LogDelivery: ["kms:Decrypt", "kms:GenerateDataKey"],
            EventBridgeToTopics: ["kms:GenerateDataKey*", "kms:Decrypt"],
            AlarmsToTopics: ["kms:GenerateDataKey*", "kms:Decrypt"],
            DynamoDbForThisAccount: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
        });
        assert.ok(policy.Statement.every((s) => s.Effect === "Allow" && s.Resource === "*"));
    });

    it("a key policy that lets each service do exactly its part, evaluated: alarms of this account may publish to an encrypted topic (kms:Decrypt and GenerateDataKey), others may not", async () => {
        const policy = encryptionKeyPolicy("aws", "us-east-1", "123456789012");
        const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k";
        // The key policy alone decides for service principals (no identity policy of theirs applies).
        const decide = async (principal: string, action: string, context: Record<string, string>) => {
            const result: any = await runSimulation(
                { request: { principal, action, resource: { resource: KEY_ARN, accountId: "123456789012" }, contextVariables: context }, identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: policy },
                {},
            );
            assert.strictEqual(result.resultType, "single", JSON.stringify(result.errors));
            return result.overallResult as string;
        };
        const alarm = (account: string) => ({ "aws:SourceAccount": account, "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${account}:alarm:web-alarm-5xx-rate` });
        const cases: [string, string, Record<string, string>, string][] = [
            // SNS decrypts and generates data keys as the publishing service (sns-key-management).
            ["cloudwatch.amazonaws.com", "kms:Decrypt", alarm("123456789012"), "Allowed"],
            ["cloudwatch.amazonaws.com", "kms:GenerateDataKey", alarm("123456789012"), "Allowed"],
            ["cloudwatch.amazonaws.com", "kms:Decrypt", alarm("999999999999"), "ImplicitlyDenied"],
            ["cloudwatch.amazonaws.com", "kms:Encrypt", alarm("123456789012"), "ImplicitlyDenied"],
            ["events.amazonaws.com", "kms:Decrypt", {}, "Allowed"],
            ["events.amazonaws.com", "kms:GenerateDataKey", {}, "Allowed"],
            // (The simulator does not read kms:EncryptionContext:* keys: the log statements are pinned field by field below.)
            ["arn:aws:iam::123456789012:role/app", "kms:Decrypt", { "kms:CallerAccount": "123456789012", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" }, "Allowed"],
            ["arn:aws:iam::999999999999:role/app", "kms:Decrypt", { "kms:CallerAccount": "999999999999", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" }, "ImplicitlyDenied"],
        ];
        for (const [principal, action, context, expected] of cases) {
            assert.strictEqual(await decide(principal, action, context), expected, `${principal} ${action} ${JSON.stringify(context)}`);
        }
    });

    it("a web service: its log group and topic under the key, and its execution role may write the logs through CloudWatch Logs only", async () => {
        const web = new WebService("web", { image: "public.ecr.aws/nginx/nginx:1.27", user: "1000", network, loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] }, kmsKeyArn: KEY });
        await outputValue(web.url);
        await mocks.settle();
        assert.strictEqual(mocks.one("aws:cloudwatch/logGroup:LogGroup", "web-logs").inputs.kmsKeyId, KEY);
        assert.strictEqual(mocks.one("aws:sns/topic:Topic", "web-alerts").inputs.kmsMasterKeyId, KEY);
        assert.deepStrictEqual(statement(mocks.one("aws:iam/rolePolicy:RolePolicy", "web-execution-policy").inputs.policy, "EncryptedLogs"), {
            Sid: "EncryptedLogs",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:ReEncrypt*", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: [KEY],
            Condition: { StringEquals: { "kms:ViaService": "logs.us-east-1.amazonaws.com" } },
        });
    });

    it("a batch task: logs, topic, queue, schedule and state machine under the key, each role allowed just what it does with it", async () => {
        const job = new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network, schedule: { expression: "rate(1 day)" }, kmsKeyArn: KEY });
        await outputValue(job.runCommand);
        await mocks.settle();
        for (const log of mocks.all("aws:cloudwatch/logGroup:LogGroup")) {
            assert.strictEqual(log.inputs.kmsKeyId, KEY, log.name);
        }
        assert.strictEqual(mocks.one("aws:sns/topic:Topic").inputs.kmsMasterKeyId, KEY);
        const queue = mocks.one("aws:sqs/queue:Queue").inputs;
        assert.deepStrictEqual([queue.kmsMasterKeyId, queue.sqsManagedSseEnabled], [KEY, undefined]);
        assert.strictEqual(mocks.one("aws:scheduler/schedule:Schedule").inputs.kmsKeyArn, KEY);
        const machine = mocks.one("aws:sfn/stateMachine:StateMachine");
        assert.deepStrictEqual(machine.inputs.encryptionConfiguration, { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY, kmsDataKeyReusePeriodSeconds: 300 });
        assert.deepStrictEqual(statement(mocks.one("aws:iam/rolePolicy:RolePolicy", "job-runner-list-runs").inputs.policy, "EncryptedExecutions"), {
            Sid: "EncryptedExecutions",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [KEY],
            Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": machine.state.arn } },
        });
        const runner = mocks.one("aws:iam/rolePolicy:RolePolicy", "job-runner-policy").inputs.policy;
        assert.deepStrictEqual(statement(runner, "EncryptedExecutionLogs").Condition, { StringLike: { "kms:EncryptionContext:SourceArn": "arn:aws:logs:us-east-1:123456789012:*" } });
        assert.deepStrictEqual(statement(runner, "EncryptedExecutionLogs"), { Sid: "EncryptedExecutionLogs", Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: [KEY], Condition: { StringLike: { "kms:EncryptionContext:SourceArn": "arn:aws:logs:us-east-1:123456789012:*" } } });
        assert.deepStrictEqual(statement(runner, "EncryptedTopic"), { Sid: "EncryptedTopic", Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: [KEY] });
        assert.deepStrictEqual(statement(runner, "EncryptedTopic").Action, ["kms:GenerateDataKey*", "kms:Decrypt"]);
        assert.deepStrictEqual(statement(mocks.one("aws:iam/rolePolicy:RolePolicy", "job-schedule-policy").inputs.policy, "EncryptedScheduleAndDeadLetters"), {
            Sid: "EncryptedScheduleAndDeadLetters",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [KEY],
        });
    });

    it("refuses a key given by alias: key policies and grants name keys", () =>
        assertRejected(
            () => new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network, kmsKeyArn: "alias/todo" }),
            'job: kmsKeyArn ("alias/todo") is not a KMS key ARN; use "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID" (key policies and grants name keys, not aliases).',
        ));

    it("makes an alias KMS accepts from any stack name, and refuses a deletion window KMS would refuse", async () => {
        const ctx = { partition: pulumi.output("aws"), region: pulumi.output("us-east-1"), accountId: pulumi.output("123456789012") };
        createEncryptionKey("todo-dev.eu", ctx);
        await mocks.settle();
        assert.strictEqual(mocks.one("aws:kms/alias:Alias").inputs.name, "alias/todo-dev-eu");
        await assertRejected(() => createEncryptionKey("todo", ctx, { deletionWindowDays: 5 }), "todo: deletionWindowDays (5) must be a whole number from 7 to 30 days; set it within 7..30.");
    });

    describe("the prod stack (encryption: true)", () => {
        after(() => mocks.useStack("test"));

        it("makes one rotating key and puts the table, bucket, alerts topic, logs, queue, schedule and state machine under it; dev has none", async () => {
            await evaluateStack("prod");
            const key = mocks.one("aws:kms/key:Key");
            assert.deepStrictEqual([key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays, key.inputs.keyUsage], [true, 30, "ENCRYPT_DECRYPT"]);
            assert.strictEqual(mocks.one("aws:kms/alias:Alias").inputs.name, "alias/fargate-workloads-prod");
            const arn = key.state.arn;
            assert.strictEqual(mocks.one("aws:sns/topic:Topic", "alerts").inputs.kmsMasterKeyId, arn, "the alerts topic is encrypted too");
            assert.deepStrictEqual(mocks.one("aws:dynamodb/table:Table").inputs.serverSideEncryption, { enabled: true, kmsKeyArn: arn });
            assert.deepStrictEqual(mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "export-bucket-encryption").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: arn }, bucketKeyEnabled: true },
            ]);
            for (const log of mocks.all("aws:cloudwatch/logGroup:LogGroup")) {
                assert.strictEqual(log.inputs.kmsKeyId, arn, log.name);
            }
            assert.strictEqual(mocks.one("aws:sqs/queue:Queue").inputs.kmsMasterKeyId, arn);
            assert.strictEqual(mocks.one("aws:scheduler/schedule:Schedule").inputs.kmsKeyArn, arn);
            assert.strictEqual(mocks.one("aws:sfn/stateMachine:StateMachine").inputs.encryptionConfiguration.kmsKeyId, arn);
            // ALB access logs take S3-managed keys only: never the customer key.
            assert.deepStrictEqual(mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "todo-access-logs-encryption").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            await evaluateStack("dev");
            assert.deepStrictEqual(mocks.all("aws:kms/key:Key"), []);
        });
    });
});
