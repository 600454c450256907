// The fargate-workloads policy pack: `pulumi preview --policy-pack policy`. Constructing the pack
// starts its server, so this file does nothing else; the policies are in ./policies.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("fargate-workloads", { policies });
