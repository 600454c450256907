import * as pulumi from "@pulumi/pulumi";
import { FormerOwner, TYPE_TOKENS } from "../components";

/** The stack's shared load balancer: every web service of the stack joins it with its routing. */
export const STACK_LOAD_BALANCER_NAME = "todo";

/**
 * Where the load balancer's resources were before it was shared: the web service "web" made
 * them itself, as its children `web-alb`, `web-http`, and so on. Passing this keeps them (aliases)
 * instead of replacing the load balancer, which would change its DNS name.
 */
export function stackLoadBalancerFormerOwner(): FormerOwner {
    return { name: "web", parent: pulumi.createUrn("web", TYPE_TOKENS.WebService) };
}
