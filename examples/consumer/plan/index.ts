// A user's own program, planned with `npx fargate-workloads plan` from the installed package: two
// web services behind one load balancer, a nightly batch task, and a plain S3 bucket.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BatchTask, LoadBalancer, WebService } from "fargate-workloads";

const config = new pulumi.Config();
const apiCpu = config.getNumber("apiCpu") ?? 256;
// Printed while the program runs: it must reach standard error, never the plan.
console.log(`consumer-plan: api with ${apiCpu} CPU units`);

const vpcId = "vpc-0123456789abcdef0";
const publicSubnetIds = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const privateSubnetIds = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
const network = { vpcId, subnetIds: privateSubnetIds };

const cluster = new aws.ecs.Cluster("shop", { settings: [{ name: "containerInsights", value: "enabled" }] });
const providers = new aws.ecs.ClusterCapacityProviders("shop-providers", { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] });
const edge = new LoadBalancer("edge", { vpcId, subnetIds: publicSubnetIds });

export const api = new WebService(
    "api",
    { image: "public.ecr.aws/nginx/nginx-unprivileged:1.27", user: "101", cpu: apiCpu, memory: 512, cluster, network, loadBalancer: edge, routing: { paths: ["/api/*"] } },
    { dependsOn: [providers] },
);
export const storefront = new WebService(
    "storefront",
    { image: "public.ecr.aws/nginx/nginx-unprivileged:1.27", user: "101", cluster, network, loadBalancer: edge, routing: { paths: ["/*"] } },
    { dependsOn: [providers] },
);
export const nightly = new BatchTask(
    "nightly",
    {
        image: "public.ecr.aws/docker/library/busybox:1.36",
        command: ["sh", "-c", "echo done"],
        user: "65534",
        cluster,
        network,
        schedule: { expression: "cron(0 3 * * ? *)" },
        alerts: { email: config.get("alertEmail") ?? "ops@example.com" },
    },
    { dependsOn: [providers] },
);
export const uploads = new aws.s3.BucketV2("uploads", { forceDestroy: false }, { protect: true });
