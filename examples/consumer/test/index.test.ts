import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { outputValue, requireFresh } from "fargate-workloads/testing";
import { mocks } from "./setup";

type Program = typeof import("../index");

describe("the consumer's stack, built from the installed package", () => {
    let program: Program;

    beforeEach(async () => {
        program = requireFresh<Program>(path.join(__dirname, "..", "index.ts"));
        await mocks.settle();
    });

    it("uses the consumer's own copy of the Pulumi runtime (one copy, so mocks and providers work)", () => {
        const fromPackage = require.resolve("@pulumi/pulumi", { paths: [path.dirname(require.resolve("fargate-workloads"))] });
        assert.strictEqual(fromPackage, require.resolve("@pulumi/pulumi"));
        const awsFromPackage = require.resolve("@pulumi/aws", { paths: [path.dirname(require.resolve("fargate-workloads"))] });
        assert.strictEqual(awsFromPackage, require.resolve("@pulumi/aws"));
    });

    it("creates the web service in the consumer's cluster and network", async () => {
        const service = mocks.one("aws:ecs/service:Service", "api-service");
        assert.strictEqual(service.inputs.cluster, mocks.one("aws:ecs/cluster:Cluster", "platform").state.arn);
        assert.deepStrictEqual(service.inputs.networkConfiguration.subnets, ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]);
        assert.strictEqual(mocks.one("aws:lb/targetGroup:TargetGroup").inputs.targetType, "ip");
        const component = mocks.one("fargate-workloads:ecs:WebService", "api");
        // Its own load balancer is a LoadBalancer component of its own, under the service.
        const own = mocks.children(component).find((c) => c.type === "fargate-workloads:elb:LoadBalancer");
        assert.ok(own, "the service's own LoadBalancer component");
        assert.ok(mocks.children(own).some((c) => c.type === "aws:lb/loadBalancer:LoadBalancer"));
        assert.match(await outputValue(program.url), /^http:\/\/api-alb-/);
    });

    it("schedules the batch task on spot with an alert topic", async () => {
        const schedule = mocks.one("aws:scheduler/schedule:Schedule");
        assert.strictEqual(schedule.inputs.scheduleExpression, "rate(1 day)");
        const definition = JSON.parse(mocks.one("aws:sfn/stateMachine:StateMachine").inputs.definition);
        assert.deepStrictEqual(definition.States.RunTask.Arguments.CapacityProviderStrategy, [{ CapacityProvider: "FARGATE_SPOT", Weight: 1, Base: 0 }]);
        assert.strictEqual(mocks.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "platform@example.com");
        assert.match(await outputValue(program.runReport), /^aws stepfunctions start-execution --state-machine-arn arn:aws:states:us-east-1:123456789012:stateMachine:report-runner-/);
    });

    it("runs the worker on its queue, scaled from zero, calling the web service by name", async () => {
        const queue = mocks.one("aws:sqs/queue:Queue", "thumbnails-queue");
        assert.strictEqual(await outputValue(program.thumbnailsQueueUrl!), queue.state.url);
        assert.deepStrictEqual(mocks.one("aws:appautoscaling/target:Target").inputs.minCapacity, 0);
        const container = JSON.parse(mocks.one("aws:ecs/taskDefinition:TaskDefinition", "thumbnails-task-definition").inputs.containerDefinitions)[0];
        assert.deepStrictEqual(container.environment, [{ name: "API_URL", value: "http://api:8080" }, { name: "QUEUE_URL", value: queue.state.url }]);
        assert.strictEqual(mocks.one("aws:ecs/service:Service", "thumbnails-service").inputs.serviceConnectConfiguration.namespace, mocks.one("aws:servicediscovery/httpNamespace:HttpNamespace").state.arn);
    });

    it("throws on an invoke the harness does not know, naming it", async () => {
        await assert.rejects(outputValue(aws.ec2.getVpcOutput({ default: true })), /no mock for invoke aws:ec2\/getVpc:getVpc/);
    });
});
