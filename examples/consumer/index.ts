// A platform team's own project: an existing VPC, a shared cluster, and both components.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BatchTask, createServiceNamespace, WebService, WorkerService } from "fargate-workloads";

const config = new pulumi.Config();
const vpcId = config.get("vpcId") ?? "vpc-0123456789abcdef0";
const publicSubnetIds = config.getObject<string[]>("publicSubnetIds") ?? ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const privateSubnetIds = config.getObject<string[]>("privateSubnetIds") ?? ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];

const cluster = new aws.ecs.Cluster("platform", { settings: [{ name: "containerInsights", value: "enabled" }] });
const providers = new aws.ecs.ClusterCapacityProviders("platform-providers", { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] });
// The services call each other by name inside this namespace.
const namespace = createServiceNamespace("platform");

export const api = new WebService(
    "api",
    {
        image: "public.ecr.aws/nginx/nginx-unprivileged:1.27",
        user: "101",
        cluster,
        network: { vpcId, subnetIds: privateSubnetIds },
        loadBalancer: { subnetIds: publicSubnetIds },
        healthCheck: { path: "/" },
        serviceConnect: { namespace, name: "api" },
    },
    { dependsOn: [providers] },
);

export const thumbnails = new WorkerService(
    "thumbnails",
    {
        image: "public.ecr.aws/docker/library/python:3.13-slim",
        user: "65534",
        cluster,
        network: { vpcId, subnetIds: privateSubnetIds },
        scaling: { minCount: 0, maxCount: 4 },
        serviceConnect: { namespace, calls: [api] },
    },
    { dependsOn: [providers] },
);

export const report = new BatchTask(
    "report",
    {
        image: "public.ecr.aws/docker/library/busybox:1.36",
        command: ["sh", "-c", "echo report done"],
        user: "65534",
        capacity: "spot",
        cluster,
        network: { vpcId, subnetIds: privateSubnetIds },
        schedule: { expression: "rate(1 day)" },
        alerts: { email: "platform@example.com" },
    },
    { dependsOn: [providers] },
);

export const url = api.url;
export const runReport = report.runCommand;
export const thumbnailsQueueUrl = thumbnails.queueUrl;
