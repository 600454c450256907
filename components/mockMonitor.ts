/**
 * What the mock harness (`fargate-workloads/testing`) needs from inside the Pulumi SDK, in one
 * place: waiting for registrations in flight, and what each registration request carries beside
 * its inputs (parent, resource options, dependencies), which the mock monitor does not pass to the
 * mocks. Both rest on internal SDK modules that are stable across Pulumi 3.x.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdkSettings from "@pulumi/pulumi/runtime/settings";
import { urnIn } from "./updateModel";

const settings = sdkSettings as unknown as { waitForRPCs(): Promise<void>; getMonitor(): unknown };

/** Resolves once every registration (and invoke) started so far has reached the mocks. */
export function waitForRegistrations(): Promise<void> {
    return settings.waitForRPCs();
}

/**
 * An alias as the program gave it: a whole URN, or the parts that differ from the resource's own
 * (name, type, stack, project; a parent URN, or no parent). Unset parts are the resource's own.
 */
export interface RecordedAlias {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly stack?: string;
    readonly project?: string;
    readonly parentUrn?: string;
    readonly noParent?: boolean;
}

/** The resource options the engine receives with a registration (the ones that change what an update does). */
export interface RecordedOptions {
    readonly protect: boolean;
    /** URNs of every resource this one depends on (`dependsOn` and the resources its inputs come from). */
    readonly dependencies: readonly string[];
    /** Per top-level input property, the URNs of the resources its value comes from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly ignoreChanges: readonly string[];
    readonly replaceOnChanges: readonly string[];
    /** `deleteBeforeReplace` when the program set it, else undefined (the provider decides). */
    readonly deleteBeforeReplace?: boolean;
    readonly retainOnDelete: boolean;
    /** URN of the resource whose deletion deletes this one, if any. */
    readonly deletedWith?: string;
    readonly aliases: readonly RecordedAlias[];
    /** URNs of resources whose replacement replaces this one (`replaceWith`). */
    readonly replaceWith: readonly string[];
    readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
    /** Id of an import (`import` option) or read (`.get`). */
    readonly importId?: string;
    /** The explicit provider (`urn::id`), when the program gave one: another provider replaces the resource. */
    readonly provider?: string;
}

/** Options of a resource registered without any. */
export const NO_OPTIONS: RecordedOptions = { protect: false, dependencies: [], propertyDependencies: {}, ignoreChanges: [], replaceOnChanges: [], retainOnDelete: false, aliases: [], replaceWith: [] };

/** What a registration request carries besides its type, name and inputs. */
export interface RegistrationInfo {
    readonly parent?: string;
    readonly options: RecordedOptions;
}

function aliasOf(a: any): RecordedAlias {
    if (a.hasUrn?.() || a.getUrn?.()) {
        return { urn: a.getUrn() };
    }
    const s = a.getSpec?.();
    if (!s) {
        return {};
    }
    const parentCase = s.getParentCase?.() ?? 0;
    return {
        ...(s.getName() ? { name: s.getName() } : {}),
        ...(s.getType() ? { type: s.getType() } : {}),
        ...(s.getStack() ? { stack: s.getStack() } : {}),
        ...(s.getProject() ? { project: s.getProject() } : {}),
        ...(s.getParenturn() ? { parentUrn: s.getParenturn() } : {}),
        ...(parentCase !== 0 && s.getNoparent() ? { noParent: true } : {}),
    };
}

/** Reads the options of a RegisterResourceRequest (or ReadResourceRequest, which has fewer). */
function optionsOf(req: any): RecordedOptions {
    const get = <T>(method: string, fallback: T): T => (typeof req[method] === "function" ? req[method]() : fallback);
    const propertyDependencies: Record<string, string[]> = {};
    const map = get<any>("getPropertydependenciesMap", undefined);
    map?.forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
    });
    const timeouts = get<any>("getCustomtimeouts", undefined);
    return {
        protect: get<boolean>("getProtect", false) === true,
        dependencies: get<string[]>("getDependenciesList", []),
        propertyDependencies,
        ignoreChanges: get<string[]>("getIgnorechangesList", []),
        replaceOnChanges: get<string[]>("getReplaceonchangesList", []),
        ...(get<boolean>("getDeletebeforereplacedefined", false) ? { deleteBeforeReplace: get<boolean>("getDeletebeforereplace", false) === true } : {}),
        retainOnDelete: get<boolean>("getRetainondelete", false) === true,
        ...(get("getDeletedwith", "") ? { deletedWith: get<string>("getDeletedwith", "") } : {}),
        aliases: get<any[]>("getAliasesList", []).map(aliasOf),
        replaceWith: get<string[]>("getReplaceWithList", []),
        ...(timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
            ? { customTimeouts: { ...(timeouts.getCreate() ? { create: timeouts.getCreate() } : {}), ...(timeouts.getUpdate() ? { update: timeouts.getUpdate() } : {}), ...(timeouts.getDelete() ? { delete: timeouts.getDelete() } : {}) } }
            : {}),
        ...(get("getImportid", "") ? { importId: get<string>("getImportid", "") } : {}),
        ...(get("getProvider", "") ? { provider: get<string>("getProvider", "") } : {}),
    };
}

/**
 * Calls `onRegistration` with the parent URN and the resource options of each resource registered
 * or read through the current mock monitor, just before the monitor hands it to the mocks: the
 * mock monitor calls `newResource` synchronously inside `registerResource`. Call it after every
 * `setMocks`, which creates a new monitor; a monitor is watched once.
 */
export function watchRegistrations(onRegistration: (info: RegistrationInfo) => void): void {
    const monitor: any = settings.getMonitor();
    if (!monitor || monitor.__fargateWorkloadsWatched) {
        return;
    }
    for (const method of ["registerResource", "readResource"]) {
        const original = monitor[method].bind(monitor);
        monitor[method] = (req: any, callback: any) => {
            onRegistration({ ...(req.getParent() ? { parent: req.getParent() } : {}), options: optionsOf(req) });
            return original(req, callback);
        };
    }
    monitor.__fargateWorkloadsWatched = true;
}

/** The URN the engine gives a resource of `type` named `name` under `parentUrn`, in the current stack and project. */
export function urnOf(parentUrn: string | undefined, type: string, name: string): string {
    return urnIn(pulumi.getStack(), pulumi.getProject(), parentUrn, type, name);
}
