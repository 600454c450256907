import { Validator } from "./errors";
import { Architecture } from "./sizing";

/**
 * Where tasks run: `"on-demand"` (FARGATE), `"spot"` (FARGATE_SPOT, up to 70% cheaper, tasks can
 * be stopped with two minutes' notice; x86_64 only), or a mix. In a mix, the first
 * `onDemandBase` tasks run on demand, and the rest are split in the ratio
 * `onDemandWeight : spotWeight`.
 *
 * @default "on-demand"
 * @example { onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 }
 */
export type Capacity =
    | "on-demand"
    | "spot"
    | {
          /** Tasks that always run on demand before the weights apply. @default 0 */
          readonly onDemandBase?: number;
          /** Relative share of FARGATE beyond the base. @default 1 */
          readonly onDemandWeight?: number;
          /** Relative share of FARGATE_SPOT beyond the base. @default 1 */
          readonly spotWeight?: number;
      };

/** One entry of an ECS capacity provider strategy. */
export interface CapacityProviderStrategyItem {
    readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
    readonly weight: number;
    readonly base: number;
}

/** Defaults of {@link Capacity}. */
export const CAPACITY_DEFAULTS = {
    /** On demand: no interruptions unless the user opts in to spot. */
    capacity: "on-demand" as Capacity,
    onDemandBase: 0,
    onDemandWeight: 1,
    spotWeight: 1,
} as const;

/** ECS limits for a capacity provider strategy item. */
export const CAPACITY_LIMITS = { base: { min: 0, max: 100000 }, weight: { min: 0, max: 1000 } } as const;

/**
 * Turns `capacity` into a capacity provider strategy over FARGATE and FARGATE_SPOT. Always a
 * strategy, never `launchType` (the provider's default launch type is EC2, and a change between a
 * launch type and a strategy replaces a service), so switching between on-demand and spot is an
 * in-place update of the same service (its name, Service Connect names and running count kept):
 * every service sends `forceNewDeployment` (see `serviceSafetyArgs`), without which the provider
 * refuses the change, and the update starts a new deployment. Fargate Spot runs only x86_64, so
 * spot with `arm64` is an error; an `architecture` that is not known (refused elsewhere) skips that
 * check.
 */
export function capacityProviderStrategy(v: Validator, capacity: Capacity | undefined, architecture: Architecture | undefined): CapacityProviderStrategyItem[] {
    const value = capacity ?? CAPACITY_DEFAULTS.capacity;
    let items: CapacityProviderStrategyItem[];
    if (value === "on-demand") {
        items = [{ capacityProvider: "FARGATE", weight: 1, base: 0 }];
    } else if (value === "spot") {
        items = [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }];
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        // Each number is checked on its own; their sum only when both weights are valid.
        const before = v.problemCount;
        const base = v.check(() => v.integer("capacity.onDemandBase", value.onDemandBase ?? CAPACITY_DEFAULTS.onDemandBase, CAPACITY_LIMITS.base.min, CAPACITY_LIMITS.base.max, "tasks"));
        const onDemandWeight = v.check(() => v.integer("capacity.onDemandWeight", value.onDemandWeight ?? CAPACITY_DEFAULTS.onDemandWeight, CAPACITY_LIMITS.weight.min, CAPACITY_LIMITS.weight.max));
        const spotWeight = v.check(() => v.integer("capacity.spotWeight", value.spotWeight ?? CAPACITY_DEFAULTS.spotWeight, CAPACITY_LIMITS.weight.min, CAPACITY_LIMITS.weight.max));
        v.throwSince(before);
        if (onDemandWeight === 0 && spotWeight === 0) {
            throw v.error("capacity", value, "gives both onDemandWeight and spotWeight 0, so no task could be placed", 'give at least one weight above 0, or use "on-demand" or "spot"');
        }
        items = [{ capacityProvider: "FARGATE", weight: onDemandWeight!, base: base! }];
        if (spotWeight! > 0) {
            items.push({ capacityProvider: "FARGATE_SPOT", weight: spotWeight!, base: 0 });
        }
    } else {
        throw v.error("capacity", value, 'must be "on-demand", "spot" or { onDemandBase?, onDemandWeight?, spotWeight? }', "use one of these forms");
    }
    if (architecture === "arm64" && items.some((i) => i.capacityProvider === "FARGATE_SPOT")) {
        throw v.error("capacity", value, 'uses Fargate Spot, which runs only x86_64 tasks, but architecture is "arm64"', 'set architecture to "x86_64" or capacity to "on-demand"');
    }
    return items;
}

/**
 * Share of `count` tasks that a strategy places on FARGATE_SPOT (ECS fills the base first, then
 * splits the rest by weight). Used for cost estimates.
 */
export function spotTaskCount(strategy: readonly CapacityProviderStrategyItem[], count: number): number {
    const onDemand = strategy.find((i) => i.capacityProvider === "FARGATE");
    const spot = strategy.find((i) => i.capacityProvider === "FARGATE_SPOT");
    if (!spot) {
        return 0;
    }
    const base = Math.min(onDemand?.base ?? 0, count);
    const rest = count - base;
    const total = (onDemand?.weight ?? 0) + spot.weight;
    return total === 0 ? 0 : (rest * spot.weight) / total;
}
