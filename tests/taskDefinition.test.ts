import * as assert from "assert";
import { parseSecretReference } from "../components/taskDefinition";
import { outputValue } from "../components/testing";
import { assertRejected, parsed, TaskHarness } from "./helpers";
import { mocks } from "./setup";

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const base = { image: "public.ecr.aws/docker/library/nginx:1.27", user: "101" };

async function build(name: string, args: ConstructorParameters<typeof TaskHarness>[1], options?: ConstructorParameters<typeof TaskHarness>[2]) {
    const harness = new TaskHarness(name, args, options);
    await outputValue(harness.task.taskDefinition.arn);
    await mocks.settle();
    const td = mocks.one(TASK_DEFINITION, `${name}-task-definition`);
    return { harness, td, containers: parsed(td.inputs.containerDefinitions) as any[] };
}

describe("task definition builder", () => {
    it("registers a Fargate task definition with the smallest size, awsvpc and x86_64 by default", async () => {
        const { td } = await build("web", base);
        assert.strictEqual(td.inputs.cpu, "256");
        assert.strictEqual(td.inputs.memory, "512");
        assert.strictEqual(td.inputs.networkMode, "awsvpc");
        assert.deepStrictEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
        assert.deepStrictEqual(td.inputs.runtimePlatform, { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" });
        assert.strictEqual(td.inputs.family, "fargate-workloads-test-web");
        assert.strictEqual(td.inputs.ephemeralStorage, undefined);
    });

    it("uses ARM64, the given size and ephemeral storage when asked", async () => {
        const { td } = await build("api", { ...base, architecture: "arm64", cpu: 1024, memory: 3072, ephemeralStorageGiB: 50 });
        assert.deepStrictEqual(td.inputs.runtimePlatform, { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
        assert.strictEqual(td.inputs.cpu, "1024");
        assert.strictEqual(td.inputs.memory, "3072");
        assert.deepStrictEqual(td.inputs.ephemeralStorage, { sizeInGib: 50 });
    });

    it("describes the main container: sorted environment, secrets, read-only root with writable /tmp, logs, user", async () => {
        const { containers, td } = await build("web", {
            ...base,
            entryPoint: ["/docker-entrypoint.sh"],
            command: ["nginx", "-g", "daemon off;"],
            environment: { ZED: "z", ALPHA: "a", MIDDLE: "m" },
            secrets: { DB_PASSWORD: "/todo/db-password" },
        }, { port: 8080 });
        assert.strictEqual(containers.length, 1);
        const app = containers[0];
        assert.strictEqual(app.name, "app");
        assert.strictEqual(app.essential, true);
        assert.deepStrictEqual(app.entryPoint, ["/docker-entrypoint.sh"]);
        assert.deepStrictEqual(app.command, ["nginx", "-g", "daemon off;"]);
        assert.deepStrictEqual(app.environment.map((e: any) => e.name), ["ALPHA", "MIDDLE", "ZED"]);
        assert.deepStrictEqual(app.secrets, [{ name: "DB_PASSWORD", valueFrom: "/todo/db-password" }]);
        assert.strictEqual(app.readonlyRootFilesystem, true);
        assert.deepStrictEqual(app.mountPoints, [{ sourceVolume: "app-tmp", containerPath: "/tmp", readOnly: false }]);
        assert.deepStrictEqual(td.inputs.volumes, [{ name: "app-tmp" }]);
        assert.deepStrictEqual(app.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
        assert.strictEqual(app.user, "101");
        assert.strictEqual(app.stopTimeout, 30);
        assert.deepStrictEqual(app.logConfiguration, {
            logDriver: "awslogs",
            options: {
                "awslogs-group": "/ecs/fargate-workloads/test/web",
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "app",
                mode: "non-blocking",
                "max-buffer-size": "25m",
            },
        });
    });

    it("creates the log group it writes to, with the retention", async () => {
        await build("web", { ...base, logRetentionDays: 7 });
        const group = mocks.one("aws:cloudwatch/logGroup:LogGroup");
        assert.strictEqual(group.inputs.name, "/ecs/fargate-workloads/test/web");
        assert.strictEqual(group.inputs.retentionInDays, 7);
        await build("other", base);
        assert.strictEqual(mocks.one("aws:cloudwatch/logGroup:LogGroup", "other-logs").inputs.retentionInDays, 30);
    });

    it("adds sidecars with their own writable /tmp and sizes the task to hold them", async () => {
        const { containers, td } = await build("web", {
            ...base,
            sidecars: [{ name: "proxy", image: "public.ecr.aws/envoy:v1", cpu: 512, memory: 1024, ports: [9901], essential: false, readonlyRootFilesystem: false }],
        });
        assert.strictEqual(td.inputs.cpu, "1024");
        assert.strictEqual(td.inputs.memory, "2048");
        const proxy = containers.find((c) => c.name === "proxy");
        assert.strictEqual(proxy.cpu, 512);
        assert.strictEqual(proxy.memoryReservation, 1024);
        assert.strictEqual(proxy.essential, false);
        assert.strictEqual(proxy.readonlyRootFilesystem, false);
        assert.deepStrictEqual(proxy.portMappings, [{ containerPort: 9901, protocol: "tcp" }]);
        assert.deepStrictEqual(td.inputs.volumes, [{ name: "app-tmp" }, { name: "proxy-tmp" }]);
    });

    it("accepts nine sidecars with names of 251 characters, whose volume names stay within 255", async () => {
        const sidecars = Array.from({ length: 9 }, (_, i) => ({ name: `${i}`.padEnd(251, "x"), image: "public.ecr.aws/x/y:1" }));
        const { td, containers } = await build("web", { ...base, sidecars });
        assert.strictEqual(containers.length, 10);
        assert.strictEqual(td.inputs.volumes.length, 10);
        assert.ok(td.inputs.volumes.every((v: { name: string }) => v.name.length <= 255));
        assert.strictEqual(Math.max(...td.inputs.volumes.map((v: { name: string }) => v.name.length)), 255);
    });

    it("with ECS Exec on, starts an init process and lets the agent open its channels and log the session to the container's log group", async () => {
        const { containers, td } = await build("web", { ...base, readonlyRootFilesystem: false }, { enableExecuteCommand: true });
        const app = containers[0];
        assert.strictEqual(app.readonlyRootFilesystem, false);
        assert.deepStrictEqual(app.mountPoints.map((m: any) => m.containerPath), ["/tmp"]);
        assert.deepStrictEqual(app.linuxParameters, { initProcessEnabled: true });
        assert.deepStrictEqual(td.inputs.volumes, [{ name: "app-tmp" }]);
        assert.deepStrictEqual(td.inputs.tags, { "fargate-workloads:exemption": "ecs-5:ecs-exec" }, "the policy pack's documented ECS.5 exemption");
        const taskPolicy = parsed(mocks.one(ROLE_POLICY, "web-task-policy").inputs.policy);
        assert.deepStrictEqual(taskPolicy.Statement, [
            {
                Sid: "EcsExec",
                Effect: "Allow",
                Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
                Resource: ["*"],
            },
            { Sid: "EcsExecFindLogGroup", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] },
            {
                Sid: "EcsExecSessionLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                Resource: ["arn:aws:logs:us-east-1:123456789012:log-group:/ecs/fargate-workloads/test/web:*"],
            },
        ]);
    });

    it("maps a container health check to the ECS fields", async () => {
        const { containers } = await build("web", { ...base, containerHealthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"], intervalSeconds: 10, retries: 2 } });
        assert.deepStrictEqual(containers[0].healthCheck, { command: ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"], interval: 10, timeout: 5, retries: 2, startPeriod: 0 });
    });

    it("gives the execution role exactly: its ECR repository, its log group, its secrets and their keys", async () => {
        await build("web", {
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/todo/web:1.0",
            user: "1000",
            secrets: {
                DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
                TOKEN: "/todo/token",
                KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/todo/key",
            },
            secretKmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        });
        const trust = parsed(mocks.one(ROLE, "web-execution").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        const policy = parsed(mocks.one(ROLE_POLICY, "web-execution-policy").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [
            { Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
            {
                Sid: "EcrPull",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: ["arn:aws:ecr:us-east-1:123456789012:repository/todo/web"],
            },
            { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["arn:aws:logs:us-east-1:123456789012:log-group:/ecs/fargate-workloads/test/web:log-stream:*"] },
            {
                Sid: "Parameters",
                Effect: "Allow",
                Action: ["ssm:GetParameters"],
                Resource: ["arn:aws:ssm:us-east-1:123456789012:parameter/todo/key", "arn:aws:ssm:us-east-1:123456789012:parameter/todo/token"],
            },
            { Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"] },
            {
                Sid: "DecryptSecrets",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
                Condition: { StringEquals: { "kms:ViaService": ["ssm.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"] } },
            },
        ]);
    });

    it("lets the execution role decrypt only through the secret stores the task reads from", async () => {
        const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        await build("web", { ...base, secrets: { TOKEN: "/todo/token" }, secretKmsKeyArns: [key] });
        const decrypt = parsed(mocks.one(ROLE_POLICY, "web-execution-policy").inputs.policy).Statement.find((s: any) => s.Sid === "DecryptSecrets");
        assert.deepStrictEqual(decrypt.Condition, { StringEquals: { "kms:ViaService": ["ssm.us-east-1.amazonaws.com"] } });
    });

    it("grants no ECR or secret access when the image is public and there are no secrets", async () => {
        await build("web", base);
        const policy = parsed(mocks.one(ROLE_POLICY, "web-execution-policy").inputs.policy);
        assert.deepStrictEqual(policy.Statement.map((s: any) => s.Sid), ["Logs"]);
    });

    it("keeps the task role separate, guarded against confused deputies, with the application's statements and managed policies", async () => {
        const { harness } = await build("web", {
            ...base,
            taskPolicyStatements: [{ Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/todo" }],
            taskPolicyArns: ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"],
        });
        const td = mocks.one(TASK_DEFINITION);
        assert.notStrictEqual(td.inputs.executionRoleArn, td.inputs.taskRoleArn);
        assert.strictEqual(td.inputs.taskRoleArn, await outputValue(harness.task.taskRole.arn));
        const trust = parsed(mocks.one(ROLE, "web-task").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" },
        });
        const policy = parsed(mocks.one(ROLE_POLICY, "web-task-policy").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/todo"] }]);
        assert.strictEqual(mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn, "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess");
    });

    it("parents every child to the component", async () => {
        const { harness } = await build("web", base);
        const urn = await outputValue(harness.urn);
        const aws = mocks.awsResources();
        assert.deepStrictEqual(aws.map((r) => r.type).sort(), [
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ecs/taskDefinition:TaskDefinition",
            "aws:iam/role:Role",
            "aws:iam/role:Role",
            "aws:iam/rolePolicy:RolePolicy",
        ]);
        for (const r of aws) {
            assert.strictEqual(r.parent, urn, `${r.type} ${r.name} is a child of the component`);
            assert.match(r.urn, /::test:index:TaskHarness\$aws:/);
        }
    });

    it("gives identical inputs on every evaluation (no diff churn)", async () => {
        const args = { ...base, environment: { B: "2", A: "1" }, secrets: { S: "/p/s" }, sidecars: [{ name: "side", image: "public.ecr.aws/x/y:1" }] };
        await build("web", args);
        const first = mocks.awsResources().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        mocks.reset();
        await build("web", args);
        const second = mocks.awsResources().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        assert.deepStrictEqual(second, first);
    });

    it("parses the secret reference forms ECS accepts", () => {
        assert.deepStrictEqual(parseSecretReference("/a/b"), { kind: "ssm-name", name: "/a/b" });
        assert.deepStrictEqual(parseSecretReference("plain-name"), { kind: "ssm-name", name: "plain-name" });
        assert.deepStrictEqual(parseSecretReference("arn:aws:ssm:eu-west-1:123456789012:parameter/a/b"), { kind: "ssm-arn", arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/a/b" });
        assert.deepStrictEqual(parseSecretReference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf"), { kind: "secretsmanager", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf" });
        assert.deepStrictEqual(parseSecretReference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf:key:AWSCURRENT:"), { kind: "secretsmanager", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf" });
        assert.deepStrictEqual(parseSecretReference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-password-a1B2c3::AWSPREVIOUS:"), {
            kind: "secretsmanager",
            arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-password-a1B2c3",
        });
        assert.deepStrictEqual(parseSecretReference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-password"), { kind: "secretsmanager-partial", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-password" });
        assert.deepStrictEqual(parseSecretReference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password::"), { kind: "secretsmanager-partial", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" });
        assert.strictEqual(parseSecretReference("arn:aws:s3:::bucket/key"), undefined);
        assert.strictEqual(parseSecretReference("has space"), undefined);
    });

    describe("rejects before registering anything", () => {
        const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, string][] = [
            ["an empty image", { image: "" }, undefined, 'web: image ("") is empty; give an image reference such as public.ecr.aws/docker/library/nginx:1.27.'],
            ["an invalid cpu/memory pair", { cpu: 512, memory: 512 }, undefined, "web: memory (512) is not allowed with cpu 512; with 512 CPU units Fargate accepts 1024 to 4096 in steps of 1024 MiB; change memory or cpu to a valid Fargate pair."],
            ["an unknown architecture", { architecture: "amd64" }, undefined, 'web: architecture ("amd64") must be one of "x86_64", "arm64"; use "x86_64" (any image) or "arm64" (cheaper; needs an arm64 or multi-arch image).'],
            ["a log retention CloudWatch refuses", { logRetentionDays: 45 }, undefined, "web: logRetentionDays (45) is not a CloudWatch Logs retention; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days; pick the nearest listed value (never-expiring logs are refused: set a retention)."],
            ["ephemeral storage of 20 GiB or less", { ephemeralStorageGiB: 20 }, undefined, "web: ephemeralStorageGiB (20) must be a whole number from 21 to 200 GiB; set it within 21..200."],
            ["a port outside 1..65535", {}, { port: 70000 }, "web: port (70000) must be a whole number from 1 to 65535; set it within 1..65535."],
            ["AWS credentials in the environment", { environment: { AWS_SECRET_ACCESS_KEY: "x" } }, undefined, 'web: environment.AWS_SECRET_ACCESS_KEY ("AWS_SECRET_ACCESS_KEY") puts AWS credentials in plain environment (Security Hub ECS.8); remove it: the task role gives the container credentials, and other credentials belong in secrets.'],
            ["an invalid variable name", { environment: { "1X": "x" } }, undefined, 'web: environment.1X ("1X") is not a valid environment variable name (letters, digits, _; not starting with a digit); rename the variable.'],
            ["a variable in both environment and secrets", { environment: { A: "x" }, secrets: { A: "/p" } }, undefined, "web: secrets.A is also set in environment, and a variable can have only one source; remove it from one of them."],
            ["a secret reference that is not SSM or Secrets Manager", { secrets: { A: "arn:aws:s3:::bucket/key" } }, undefined, 'web: secrets.A ("arn:aws:s3:::bucket/key") is not an SSM parameter name or ARN, nor a Secrets Manager secret ARN; use "/path/name", "arn:aws:ssm:REGION:ACCOUNT:parameter/name" or "arn:aws:secretsmanager:REGION:ACCOUNT:secret:name-AbCdEf[:json-key:version-stage:version-id]".'],
            [
                "a Secrets Manager ARN without its 6-character suffix",
                { secrets: { DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:todo/db" } },
                undefined,
                'web: secrets.DB ("arn:aws:secretsmanager:us-east-1:123456789012:secret:todo/db") is a Secrets Manager ARN without the 6-character suffix AWS appends to the name, and ECS reads secrets by full ARN only; copy the full ARN (aws secretsmanager describe-secret --secret-id NAME --query ARN), such as arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf.',
            ],
            [
                "ECS Exec with the default read-only root filesystem",
                {},
                { enableExecuteCommand: true },
                'web: enableExecuteCommand needs readonlyRootFilesystem: false, which is true by default, and AWS does not support ECS Exec with a read-only root filesystem; set readonlyRootFilesystem: false (the policy pack exempts exactly this case from ECS.5), or turn enableExecuteCommand off.',
            ],
            [
                "ECS Exec with a sidecar whose root filesystem is read-only",
                { readonlyRootFilesystem: false, sidecars: [{ name: "proxy", image: "x", readonlyRootFilesystem: true }] },
                { enableExecuteCommand: true },
                "web: sidecars[0].readonlyRootFilesystem (true) must be false with enableExecuteCommand: AWS does not support ECS Exec with a read-only root filesystem; set sidecars[0].readonlyRootFilesystem: false (the policy pack exempts exactly this case from ECS.5), or turn enableExecuteCommand off.",
            ],
            ["an entry point that is not a list", { entryPoint: "sh -c" }, undefined, 'web: entryPoint ("sh -c") must be a list of strings; write it as ["executable", "arg"].'],
            ["a malformed user", { user: "app user" }, undefined, 'web: user ("app user") is not a user of the form "uid", "name", "uid:gid" or "name:group"; use for example "1000" or "app:app".'],
            ["a stop timeout over Fargate's 120 s", { stopTimeoutSeconds: 121 }, undefined, "web: stopTimeoutSeconds (121) must be a whole number from 2 to 120 seconds; set it within 2..120."],
            ["a health check without CMD", { containerHealthCheck: { command: ["curl", "x"] } }, undefined, 'web: containerHealthCheck.command (["curl","x"]) must start with "CMD" or "CMD-SHELL" followed by the command; write for example ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"].'],
            ["a health check interval under 5 s", { containerHealthCheck: { command: ["CMD", "true"], intervalSeconds: 4 } }, undefined, "web: containerHealthCheck.intervalSeconds (4) must be a whole number from 5 to 300 seconds; set it within 5..300."],
            ["a health check timeout over 60 s", { containerHealthCheck: { command: ["CMD", "true"], timeoutSeconds: 61 } }, undefined, "web: containerHealthCheck.timeoutSeconds (61) must be a whole number from 2 to 60 seconds; set it within 2..60."],
            ["ten sidecars (eleven containers)", { sidecars: Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, image: "x" })) }, undefined, 'web: sidecars ("10 sidecars") is more than 9: a task definition holds at most 10 containers, the main one included; merge some sidecars, or move them to their own service.'],
            ["a sidecar name whose volume name would pass 255 characters", { sidecars: [{ name: "s".repeat(252), image: "x" }] }, undefined, `web: sidecars[0].name ("${"s".repeat(252)}") must be 1 to 251 letters, digits, _ or - (its /tmp volume adds -tmp within ECS's 255); name it, for example "log-router".`],
            ["a sidecar named like the main container", { sidecars: [{ name: "app", image: "x" }] }, undefined, 'web: sidecars[0].name ("app") is already used by another container (the main container is "app"); give each container its own name.'],
            ["a sidecar port the main container uses", { sidecars: [{ name: "s", image: "x", ports: [8080] }] }, { port: 8080 }, "web: sidecars[0].ports[0] (8080) is already used by another container of the task (they share one network interface); pick another port."],
            ["sidecars too big for the given size", { cpu: 256, memory: 512, sidecars: [{ name: "s", image: "x", memory: 512 }] }, undefined, "web: sidecars reserve 256 CPU units and 768 MiB in total, more than cpu 256 / memory 512 holds; lower the containers' cpu/memory or raise the task's cpu and memory."],
            ["a '*' action in the task policy", { taskPolicyStatements: [{ Action: "*", Resource: "*" }] }, undefined, 'web: taskPolicyStatements[0].Action ("*") grants every action (of a service); name the actions the workload needs, such as "s3:GetObject".'],
            ["a 'service:*' action in the task policy", { taskPolicyStatements: [{ Action: ["s3:GetObject", "s3:*"], Resource: "arn:aws:s3:::b/*" }] }, undefined, 'web: taskPolicyStatements[0].Action ("s3:*") grants every action (of a service); name the actions the workload needs, such as "s3:GetObject".'],
            ["a malformed action", { taskPolicyStatements: [{ Action: "GetObject", Resource: "*" }] }, undefined, 'web: taskPolicyStatements[0].Action ("GetObject") is not an IAM action of the form "service:Action"; write it as in the IAM reference, such as "dynamodb:GetItem".'],
            ["NotAction", { taskPolicyStatements: [{ NotAction: "iam:*", Action: "s3:GetObject", Resource: "*" }] }, undefined, "web: taskPolicyStatements[0] uses NotAction or NotResource, which grant everything not listed; list the actions and resources the workload needs instead."],
            ["a statement without resources", { taskPolicyStatements: [{ Action: "s3:GetObject", Resource: [] }] }, undefined, "web: taskPolicyStatements[0].Resource ([]) must name at least one resource; list the ARNs the actions apply to."],
            ["a managed policy that is not an ARN", { taskPolicyArns: ["AdministratorAccess"] }, undefined, 'web: taskPolicyArns[0] ("AdministratorAccess") is not an IAM policy ARN; use "arn:aws:iam::aws:policy/NAME" or "arn:aws:iam::ACCOUNT:policy/NAME".'],
            ["a KMS alias for secrets", { secretKmsKeyArns: ["alias/my-key"] }, undefined, 'web: secretKmsKeyArns[0] ("alias/my-key") is not a KMS key ARN; use "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID" (aliases cannot be granted).'],
            ["spot with arm64", { capacity: "spot", architecture: "arm64" }, undefined, 'web: capacity ("spot") uses Fargate Spot, which runs only x86_64 tasks, but architecture is "arm64"; set architecture to "x86_64" or capacity to "on-demand".'],
        ];
        for (const [what, args, options, message] of cases) {
            it(what, async () => {
                await assertRejected(() => new TaskHarness("web", { ...base, ...args } as never, options as never), message);
            });
        }
    });
});
