import type { RecordedOptions } from "./mockMonitor";

/**
 * The record the mock harness (`fargate-workloads/testing`) keeps of a program's registrations
 * and invokes, and the queries tests make of it.
 */

/** One resource the program registered, with the inputs it gave. */
export interface RecordedResource {
    /** Type token, such as `aws:ecs/service:Service`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** Inputs as the provider would receive them (Outputs resolved). */
    readonly inputs: Record<string, any>;
    /** State returned by the mock (inputs plus computed ids, ARNs, names). */
    readonly state: Record<string, any>;
    /** The resource's URN. */
    readonly urn: string;
    /** URN of the parent, undefined for resources without one. */
    readonly parent?: string;
    /** True for provider-managed (custom) resources, false for components. */
    readonly custom: boolean;
    /** Id given to a read (`.get`) or import, if any. */
    readonly readId?: string;
    /** The id the mocks answered. */
    readonly id: string;
    /** The resource options of the registration (what `pulumi up` applies to its next update). */
    readonly options: RecordedOptions;
}

/** Registrations and invokes in the order they reached the mocks, and the queries on them. */
export class ResourceRecord {
    /** Every resource registered since the last {@link reset}, in registration order. */
    public readonly resources: RecordedResource[] = [];
    /** Every invoke called since the last {@link reset}: token and inputs. */
    public readonly invokes: { token: string; inputs: Record<string, any> }[] = [];

    /** Forgets the recorded resources and invokes (call in `beforeEach`). */
    reset(): void {
        this.resources.length = 0;
        this.invokes.length = 0;
    }

    /** Resources of a type token (all of them when omitted). */
    all(type?: string): RecordedResource[] {
        return type === undefined ? [...this.resources] : this.resources.filter((r) => r.type === type);
    }

    /** The one resource of `type` (and `name`, when given); throws when there are none or several. */
    one(type: string, name?: string): RecordedResource {
        const found = this.all(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            const names = this.all(type).map((r) => r.name);
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (${names.join(", ") || "none of that type"})`);
        }
        return found[0];
    }

    /** Direct children of the resource with this URN (or recorded resource). */
    children(parent: string | RecordedResource, type?: string): RecordedResource[] {
        const urn = typeof parent === "string" ? parent : parent.urn;
        return this.resources.filter((r) => r.parent === urn && (type === undefined || r.type === type));
    }

    /** Resources registered with an AWS provider type (`aws:`), the ones that cost money or fail a deploy. */
    awsResources(): RecordedResource[] {
        return this.resources.filter((r) => r.type.startsWith("aws:"));
    }
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when a recorded input value is a Pulumi secret (kept encrypted in state). */
export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A recorded input with every secret wrapper removed, for asserting on the values inside. */
export function unsecret<T = any>(value: unknown): T {
    if (isSecretValue(value)) {
        return unsecret((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) {
        return value.map((v) => unsecret(v)) as T;
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsecret(v)])) as T;
    }
    return value as T;
}
