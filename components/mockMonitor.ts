/**
 * What the mock harness (`fargate-workloads/testing`) needs from inside the Pulumi SDK, in one
 * place: waiting for registrations in flight, and each registration's parent and resource options,
 * which the mock monitor does not pass to the mocks. Both rest on internal SDK modules that are
 * stable across Pulumi 3.x.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdkSettings from "@pulumi/pulumi/runtime/settings";
import { RegistrationOptions } from "./mockRecord";

const settings = sdkSettings as unknown as { waitForRPCs(): Promise<void>; getMonitor(): unknown };

/** Resolves once every registration (and invoke) started so far has reached the mocks. */
export function waitForRegistrations(): Promise<void> {
    return settings.waitForRPCs();
}

/** The resource options of a register request, as the engine would receive them (empty values left out). */
function registrationOptions(req: any): RegistrationOptions {
    const list = (values: string[] | undefined) => (values && values.length > 0 ? [...values].sort() : undefined);
    const timeouts = req.getCustomtimeouts?.();
    const customTimeouts = timeouts ? { create: timeouts.getCreate() || undefined, update: timeouts.getUpdate() || undefined, delete: timeouts.getDelete() || undefined } : undefined;
    const aliases = (req.getAliasesList?.() ?? []).map((a: any) => (a.hasUrn?.() ? a.getUrn() : JSON.stringify({ name: a.getSpec?.()?.getName() || undefined, type: a.getSpec?.()?.getType() || undefined, project: a.getSpec?.()?.getProject() || undefined, stack: a.getSpec?.()?.getStack() || undefined, parentUrn: a.getSpec?.()?.getParenturn() || undefined, noParent: a.getSpec?.()?.getNoparent() || undefined })));
    const options: Record<string, unknown> = {
        protect: req.getProtect?.() === true || undefined,
        dependencies: list(req.getDependenciesList?.()),
        provider: req.getProvider?.() || undefined,
        ignoreChanges: list(req.getIgnorechangesList?.()),
        replaceOnChanges: list(req.getReplaceonchangesList?.()),
        deleteBeforeReplace: req.getDeletebeforereplace?.() === true || undefined,
        retainOnDelete: req.getRetainondelete?.() === true || undefined,
        deletedWith: req.getDeletedwith?.() || undefined,
        additionalSecretOutputs: list(req.getAdditionalsecretoutputsList?.()),
        aliases: list([...aliases, ...(req.getAliasurnsList?.() ?? [])]),
        customTimeouts: customTimeouts && Object.values(customTimeouts).some((v) => v !== undefined) ? customTimeouts : undefined,
        version: req.getVersion?.() || undefined,
        importId: req.getImportid?.() || undefined,
    };
    return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RegistrationOptions;
}

/**
 * Calls `onRegistration` with the parent URN (undefined for none) and the resource options of
 * each resource registered or read through the current mock monitor, just before the monitor
 * hands it to the mocks: the mock monitor calls `newResource` synchronously inside
 * `registerResource`. Call it after every `setMocks`, which creates a new monitor; a monitor is
 * watched once.
 */
export function watchRegistrations(onRegistration: (parentUrn: string | undefined, options: RegistrationOptions) => void): void {
    const monitor: any = settings.getMonitor();
    if (!monitor || monitor.__fargateWorkloadsWatched) {
        return;
    }
    for (const method of ["registerResource", "readResource"]) {
        const original = monitor[method].bind(monitor);
        monitor[method] = (req: any, callback: any) => {
            onRegistration(req.getParent() || undefined, method === "registerResource" ? registrationOptions(req) : { read: true });
            return original(req, callback);
        };
    }
    monitor.__fargateWorkloadsWatched = true;
}

/** The URN the engine gives a resource of `type` named `name` under `parentUrn`, in the current stack and project. */
export function urnOf(parentUrn: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parentUrn) {
        const parentType = parentUrn.split("::")[2].split("$").pop();
        qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}
