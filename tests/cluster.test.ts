import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { BatchTask } from "../components/batchTask";
import { ClusterInput } from "../components/cluster";
import { outputValue } from "../components/testing";
import { WebService } from "../components/webService";
import { WorkerService } from "../components/workerService";
import { mocks } from "./setup";

const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
const image = { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000" };

/** Each component with a given cluster, and the resource that starts its tasks (the service, or a job's runner). */
const components: { name: string; build(cluster: ClusterInput): unknown; starter: string }[] = [
    { name: "WebService", build: (cluster) => new WebService("web", { ...image, network, cluster, loadBalancer: { subnetIds: network.subnetIds } }), starter: "aws:ecs/service:Service" },
    { name: "WorkerService", build: (cluster) => new WorkerService("worker", { ...image, network, cluster }), starter: "aws:ecs/service:Service" },
    { name: "BatchTask", build: (cluster) => new BatchTask("job", { ...image, network, cluster }), starter: "aws:sfn/stateMachine:StateMachine" },
];

/** A cluster and its capacity provider association, as a program makes them. */
function platform() {
    const cluster = new aws.ecs.Cluster("platform", { settings: [{ name: "containerInsights", value: "enabled" }] });
    const capacityProviders = new aws.ecs.ClusterCapacityProviders("platform-capacity-providers", { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] });
    return { cluster, capacityProviders };
}

describe("a cluster given to a component", () => {
    for (const c of components) {
        it(`${c.name}: waits for the capacity providers given with the cluster, so a first deploy cannot race their association`, async () => {
            const { cluster, capacityProviders } = platform();
            c.build({ cluster, capacityProviders });
            await mocks.settle();
            const starter = mocks.one(c.starter);
            assert.ok(starter.options?.dependencies.includes(await outputValue(capacityProviders.urn)), `${starter.name} depends on ${JSON.stringify(starter.options?.dependencies)}`);
            if (starter.type === "aws:ecs/service:Service") {
                assert.strictEqual(starter.inputs.cluster, await outputValue(cluster.arn), "it runs in the given cluster");
            }
            assert.deepStrictEqual(mocks.all("aws:ecs/cluster:Cluster").map((r) => r.name), ["platform"], "no cluster of its own");
        });

        it(`${c.name}: has no such dependency on a cluster given alone (the program orders it, as the docs say)`, async () => {
            const { cluster, capacityProviders } = platform();
            c.build(cluster);
            await mocks.settle();
            assert.ok(!mocks.one(c.starter).options?.dependencies.includes(await outputValue(capacityProviders.urn)));
        });
    }
});
