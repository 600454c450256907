/**
 * What the mock harness (`fargate-workloads/testing`) needs from inside the Pulumi SDK, in one
 * place: waiting for registrations in flight, and each registration's parent, which the mock
 * monitor does not pass to the mocks. Both rest on internal SDK modules that are stable across
 * Pulumi 3.x.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdkSettings from "@pulumi/pulumi/runtime/settings";

const settings = sdkSettings as unknown as { waitForRPCs(): Promise<void>; getMonitor(): unknown };

/** Resolves once every registration (and invoke) started so far has reached the mocks. */
export function waitForRegistrations(): Promise<void> {
    return settings.waitForRPCs();
}

/**
 * Calls `onParent` with the parent URN (undefined for none) of each resource registered or read
 * through the current mock monitor, just before the monitor hands it to the mocks: the mock
 * monitor calls `newResource` synchronously inside `registerResource`. Call it after every
 * `setMocks`, which creates a new monitor; a monitor is watched once.
 */
export function watchParents(onParent: (parentUrn: string | undefined) => void): void {
    const monitor: any = settings.getMonitor();
    if (!monitor || monitor.__fargateWorkloadsWatched) {
        return;
    }
    for (const method of ["registerResource", "readResource"]) {
        const original = monitor[method].bind(monitor);
        monitor[method] = (req: any, callback: any) => {
            onParent(req.getParent() || undefined);
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
