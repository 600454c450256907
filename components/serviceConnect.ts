import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";
import { childName } from "./naming";
import { awslogsOptions } from "./taskDefinition";

/**
 * A Cloud Map namespace the services of a stack share: an `aws.servicediscovery.HttpNamespace`
 * (what `createServiceNamespace` makes) or `{ arn }` of one made elsewhere. Pass the same object
 * to every service: names are checked for clashes per object.
 */
export interface ServiceNamespace {
    readonly arn: pulumi.Input<string>;
}

/** The protocols Service Connect's proxy understands. */
export type ServiceConnectProtocol = "http" | "http2" | "grpc";

/**
 * ECS Service Connect: the service joins the stack's namespace, as a client (it may call the
 * services in `calls`) and, with `name`, as a server others call at `http://<name>:<port>`.
 */
export interface ServiceConnectArgs {
    /** The stack's Cloud Map namespace (see {@link ServiceNamespace}). */
    readonly namespace: ServiceNamespace;
    /**
     * Serve other services at this name: a DNS label (lowercase letters, digits, `-`, at most 63),
     * unique in the namespace. Needs the service's container port. @default none (client only)
     * @example "api"
     */
    readonly name?: string;
    /** With `name`: the port callers use in the URL, 1 to 65535. @default the container port */
    readonly port?: number;
    /** With `name`: the name of the container's port mapping (lowercase letters, digits, `_`, `-`; at most 64; not starting with `-`). @default "http" */
    readonly portName?: string;
    /** With `name`: the protocol the proxy speaks to the container. ECS cannot change it on a running Service Connect service: choose it at creation. @default "http" */
    readonly appProtocol?: ServiceConnectProtocol;
    /**
     * Services of the stack this one calls (servers in the same namespace). Each call gets exactly
     * one pair of security group rules (this service out, the callee in, on the callee's port)
     * and an environment variable `<NAME>_URL` (the name upper-cased, `-` as `_`), so a new
     * callee also rolls the caller's tasks: a task sees only the servers that existed when it
     * started. @default []
     */
    readonly calls?: readonly ServiceConnectCallee[];
}

/** A service of the stack that can be called by name: a `WebService` or `WorkerService` with `serviceConnect.name`. */
export interface ServiceConnectCallee {
    readonly serviceConnectEndpoint?: ServiceConnectEndpoint;
}

/** Where a Service Connect server answers, and what a caller needs to reach it. */
export interface ServiceConnectEndpoint {
    /** The component's name. */
    readonly component: string;
    /** The DNS name callers use. */
    readonly name: string;
    /** The port callers use. */
    readonly port: number;
    /** The container port the server's tasks admit callers on (its proxy listens there). */
    readonly containerPort: number;
    /** `http://<name>:<port>`. */
    readonly url: string;
    readonly namespace: ServiceNamespace;
    readonly securityGroupId: pulumi.Output<string>;
    /** The ECS service: callers start after it, so their first tasks already see it. */
    readonly service: pulumi.Resource;
}

/** Defaults of {@link ServiceConnectArgs}. */
export const SERVICE_CONNECT_DEFAULTS = { portName: "http", appProtocol: "http" as ServiceConnectProtocol } as const;

/** Stream prefix of the Service Connect proxy's logs, in the service's own log group. */
export const SERVICE_CONNECT_LOG_PREFIX = "service-connect";

/** A DNS label: what both a Cloud Map discovery name and a client alias accept. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A port mapping name as ECS accepts it. */
const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
const NAMESPACE_ARN = /^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:namespace\/ns-[a-z0-9]+$/;
/** What Cloud Map accepts as a namespace name (terraform-provider-aws `internal/service/servicediscovery/validate.go`). */
const NAMESPACE_NAME = /^[0-9A-Za-z._-]{1,1024}$/;
const PROTOCOLS: readonly ServiceConnectProtocol[] = ["http", "http2", "grpc"];

/** Service Connect settings, validated, with defaults. */
export interface ResolvedServiceConnect {
    readonly namespace: ServiceNamespace;
    readonly server?: { readonly name: string; readonly port: number; readonly containerPort: number; readonly portName: string; readonly appProtocol: ServiceConnectProtocol };
    readonly calls: readonly ServiceConnectEndpoint[];
    /** `<NAME>_URL` of each callee. */
    readonly environment: Readonly<Record<string, string>>;
}

/** The environment variable a caller finds a callee's URL in. */
export function serviceUrlVariable(name: string): string {
    const upper = `${name.toUpperCase().replace(/-/g, "_")}_URL`;
    return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}

/**
 * Validates `serviceConnect` of component `component` whose main container listens on
 * `containerPort` (none for a worker without a port).
 */
export function validateServiceConnect(v: Validator, component: string, args: ServiceConnectArgs | undefined, containerPort: number | undefined): ResolvedServiceConnect | undefined {
    if (args === undefined) {
        return undefined;
    }
    const at = (field: string) => `serviceConnect.${field}`;
    if (typeof args !== "object" || args === null) {
        throw v.error("serviceConnect", args, "must be an object", "give { namespace, name?, calls? }");
    }
    const ns = args.namespace as ServiceNamespace | undefined;
    v.check(() => {
        if (typeof ns !== "object" || ns === null || !("arn" in ns)) {
            throw v.error(at("namespace"), ns, "must be a Cloud Map namespace (an aws.servicediscovery.HttpNamespace, or { arn })", "pass the stack's namespace, such as createServiceNamespace's");
        }
        if (typeof ns.arn === "string" && !NAMESPACE_ARN.test(ns.arn)) {
            throw v.error(at("namespace.arn"), ns.arn, "is not a Cloud Map namespace ARN", 'use "arn:aws:servicediscovery:REGION:ACCOUNT:namespace/ns-ID"');
        }
    });
    let server: ResolvedServiceConnect["server"];
    const serverOnly = (["port", "portName", "appProtocol"] as const).filter((k) => args[k] !== undefined);
    if (args.name === undefined) {
        if (serverOnly.length > 0) {
            v.check(() => {
                throw v.conflict(at(serverOnly[0]), "applies only to a server, and serviceConnect.name is not set", "give the service a name to be called by, or leave it out");
            });
        }
    } else {
        server = v.check(() => {
            // The name, the ports and the protocol are checked apart: one wrong does not hide the next.
            const before = v.problemCount;
            const name = args.name!;
            if (typeof name !== "string" || !DNS_LABEL.test(name)) {
                v.record(v.error(at("name"), name, "is not a DNS label (lowercase letters, digits and '-', 1 to 63 characters, not starting or ending with '-')", 'choose a name such as "api"'));
            }
            if (containerPort === undefined) {
                v.record(v.conflict(at("name"), "needs the container port the service listens on", "set port"));
            }
            const port = args.port === undefined ? containerPort : v.check(() => v.integer(at("port"), args.port!, 1, 65535));
            const portName = args.portName ?? SERVICE_CONNECT_DEFAULTS.portName;
            if (typeof portName !== "string" || !PORT_NAME.test(portName)) {
                v.record(v.error(at("portName"), portName, "is not a port name ECS accepts (lowercase letters, digits, '_' and '-', at most 64 characters, not starting with '-')", 'use a name such as "http"'));
            }
            const appProtocol = v.check(() => v.oneOf(at("appProtocol"), args.appProtocol ?? SERVICE_CONNECT_DEFAULTS.appProtocol, PROTOCOLS));
            v.throwSince(before);
            return { name, port: port!, containerPort: containerPort!, portName, appProtocol: appProtocol! };
        });
        if (server && typeof ns === "object" && ns !== null) {
            v.check(() => claimServiceConnectName(v, component, ns, server!.name));
        }
    }
    const calls: ServiceConnectEndpoint[] = [];
    const callees = args.calls ?? [];
    if (!Array.isArray(callees)) {
        v.check(() => {
            throw v.error(at("calls"), callees, "must be a list", "list the services this one calls");
        });
    } else {
        callees.forEach((callee, i) => {
            v.check(() => {
                const endpoint = (callee as ServiceConnectCallee | undefined)?.serviceConnectEndpoint;
                if (endpoint === undefined) {
                    throw v.conflict(`${at("calls")}[${i}]`, "is not a Service Connect server", "give that service serviceConnect.name, in the same namespace");
                }
                if (endpoint.namespace !== ns) {
                    throw v.conflict(`${at("calls")}[${i}]`, `(${endpoint.component}) is in another namespace`, "pass the same namespace object to both services");
                }
                if (endpoint.component === component) {
                    throw v.conflict(`${at("calls")}[${i}]`, "is the service itself", "leave it out: a service reaches itself without Service Connect");
                }
                if (calls.some((c) => c.name === endpoint.name)) {
                    throw v.conflict(`${at("calls")}[${i}]`, `(${endpoint.component}) is listed twice`, "list each service once");
                }
                calls.push(endpoint);
            });
        });
    }
    const environment = Object.fromEntries(calls.map((c) => [serviceUrlVariable(c.name), c.url]));
    return { namespace: ns!, ...(server ? { server } : {}), calls, environment };
}

/** Names served in each namespace object, by component, so two services cannot claim one name. */
const CLAIMED = new WeakMap<object, Map<string, string>>();

/**
 * Records that `component` serves `name` in the namespace; throws when another component of the
 * program already does. Claiming again for the same component (its `validate`, then its
 * constructor) is allowed. Part of the validation, so a clash is reported with the other problems.
 */
function claimServiceConnectName(v: Validator, component: string, namespace: ServiceNamespace, name: string): void {
    const claimed = CLAIMED.get(namespace) ?? new Map<string, string>();
    const holder = claimed.get(name);
    if (holder !== undefined && holder !== component) {
        throw v.conflict("serviceConnect.name", `("${name}") is already served by ${holder} in this namespace`, "choose another name: callers find a service by it");
    }
    claimed.set(name, component);
    CLAIMED.set(namespace, claimed);
}

/** The endpoint a server publishes to its callers. */
export function serviceConnectEndpoint(component: string, sc: ResolvedServiceConnect | undefined, securityGroupId: pulumi.Output<string>, service: pulumi.Resource): ServiceConnectEndpoint | undefined {
    if (!sc?.server) {
        return undefined;
    }
    const s = sc.server;
    return { component, name: s.name, port: s.port, containerPort: s.containerPort, url: `http://${s.name}:${s.port}`, namespace: sc.namespace, securityGroupId, service };
}

/** The ECS service's `serviceConnectConfiguration`: the namespace, the proxy's logs beside the app's, and the server's name and port. */
export function serviceConnectConfiguration(sc: ResolvedServiceConnect, logGroupName: string, region: pulumi.Input<string>): aws.types.input.ecs.ServiceServiceConnectConfiguration {
    return {
        enabled: true,
        namespace: sc.namespace.arn,
        logConfiguration: {
            logDriver: "awslogs",
            options: awslogsOptions(logGroupName, region, SERVICE_CONNECT_LOG_PREFIX) as pulumi.Input<Record<string, pulumi.Input<string>>>,
        },
        ...(sc.server
            ? { services: [{ portName: sc.server.portName, discoveryName: sc.server.name, clientAlias: [{ port: sc.server.port, dnsName: sc.server.name }] }] }
            : {}),
    };
}

/**
 * The security group rules of each call: the caller's tasks may send to the callee's tasks on the
 * callee's container port, and the callee admits exactly the caller there. Children of the caller.
 */
export function createCallRules(parent: pulumi.Resource, component: string, callerSecurityGroupId: pulumi.Output<string>, calls: readonly ServiceConnectEndpoint[]): pulumi.Resource[] {
    const opts = { parent };
    return calls.flatMap((callee) => {
        const port = callee.containerPort;
        return [
            new aws.vpc.SecurityGroupEgressRule(
                childName(component, `calls-${callee.name}-out`),
                { securityGroupId: callerSecurityGroupId, description: `Service Connect calls to ${callee.component}`, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: callee.securityGroupId },
                opts,
            ),
            new aws.vpc.SecurityGroupIngressRule(
                childName(component, `calls-${callee.name}-in`),
                { securityGroupId: callee.securityGroupId, description: `Service Connect calls from ${component}`, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: callerSecurityGroupId },
                opts,
            ),
        ];
    });
}

/**
 * An HTTP Cloud Map namespace for a stack's services (Service Connect needs no DNS zone). Its
 * name is what tools show; callers use the short names of the services.
 */
export function createServiceNamespace(name: string, args: { readonly description?: string; readonly tags?: Readonly<Record<string, string>> } = {}, opts?: pulumi.CustomResourceOptions): aws.servicediscovery.HttpNamespace {
    if (typeof name !== "string" || !NAMESPACE_NAME.test(name)) {
        // Cloud Map would refuse it at deploy (the provider's validNamespaceName).
        throw new Validator("createServiceNamespace").error("name", name, "is not a Cloud Map namespace name (1 to 1024 letters, digits, '.', '_' and '-')", 'use a name such as "shop-prod"');
    }
    return new aws.servicediscovery.HttpNamespace(
        name,
        { name, description: args.description ?? `Service Connect names of ${name}`, ...(args.tags ? { tags: { ...args.tags } } : {}) },
        opts,
    );
}
