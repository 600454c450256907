import { Validator } from "./errors";

/** CPU architecture of a task. Fargate Spot runs only `x86_64`. */
export type Architecture = "x86_64" | "arm64";

/** The architectures Fargate accepts, as this library spells them. */
export const ARCHITECTURES: readonly Architecture[] = ["x86_64", "arm64"];

/** ECS `runtimePlatform.cpuArchitecture` for each architecture. */
export const CPU_ARCHITECTURE: Readonly<Record<Architecture, "X86_64" | "ARM64">> = {
    x86_64: "X86_64",
    arm64: "ARM64",
};

/** Docker platform string for each architecture (for image builds). */
export const DOCKER_PLATFORM: Readonly<Record<Architecture, string>> = {
    x86_64: "linux/amd64",
    arm64: "linux/arm64",
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) {
        out.push(v);
    }
    return out;
}

/**
 * Valid Fargate task sizes on Linux: task `cpu` (CPU units, 1024 = 1 vCPU) to the task `memory`
 * values (MiB) allowed with it. AWS rejects any other pair at deploy with
 * "No Fargate configuration exists for given values".
 */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
    [256, [512, 1024, 2048]],
    [512, range(1024, 4096, 1024)],
    [1024, range(2048, 8192, 1024)],
    [2048, range(4096, 16384, 1024)],
    [4096, range(8192, 30720, 1024)],
    [8192, range(16384, 61440, 4096)],
    [16384, range(32768, 122880, 8192)],
]);

/** Valid task `cpu` values, smallest first. */
export const FARGATE_CPU_VALUES: readonly number[] = [...FARGATE_SIZES.keys()];

/** Ephemeral storage in GiB: 20 is the free default; when set it must be 21 to 200. */
export const EPHEMERAL_STORAGE_GIB = { default: 20, min: 21, max: 200 } as const;

/** The values CloudWatch Logs accepts for `retentionInDays` (0, never expire, is refused here). */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Container `stopTimeout` on Fargate: 2 to 120 seconds (SIGTERM, then SIGKILL). */
export const STOP_TIMEOUT_SECONDS = { min: 2, max: 120 } as const;

/** Ranges of an ECS container health check (the image's own HEALTHCHECK is ignored by ECS). */
export const CONTAINER_HEALTH_CHECK_LIMITS = {
    intervalSeconds: { min: 5, max: 300 },
    timeoutSeconds: { min: 2, max: 60 },
    retries: { min: 1, max: 10 },
    startPeriodSeconds: { min: 0, max: 300 },
} as const;

/** A task size: CPU units and MiB. */
export interface TaskSize {
    readonly cpu: number;
    readonly memory: number;
}

/** True when Fargate accepts this cpu/memory pair. */
export function isValidTaskSize(cpu: number, memory: number): boolean {
    return FARGATE_SIZES.get(cpu)?.includes(memory) ?? false;
}

/** Every valid pair, smallest cpu then smallest memory first. */
export function allTaskSizes(): TaskSize[] {
    const out: TaskSize[] = [];
    for (const [cpu, memories] of FARGATE_SIZES) {
        for (const memory of memories) {
            out.push({ cpu, memory });
        }
    }
    return out;
}

function describeMemories(cpu: number): string {
    const values = FARGATE_SIZES.get(cpu) ?? [];
    if (values.length <= 3) {
        return values.join(", ");
    }
    return `${values[0]} to ${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/**
 * Resolves the task size. When `cpu` and/or `memory` are given they must form (or complete to) a
 * valid Fargate pair; what is missing is filled with the smallest value that fits. Containers'
 * own reservations (`needs`, summed) must fit in the result. With nothing given, the smallest
 * valid size that holds the containers is chosen (256 CPU units / 512 MiB for one small container).
 */
export function resolveTaskSize(v: Validator, cpu: number | undefined, memory: number | undefined, needs: TaskSize): TaskSize {
    // A wrong cpu does not hide a wrong memory; the pair and the fit need both valid.
    const before = v.problemCount;
    if (cpu !== undefined && !FARGATE_SIZES.has(cpu)) {
        v.record(v.error("cpu", cpu, `is not a Fargate task size; it must be one of ${FARGATE_CPU_VALUES.join(", ")} CPU units`, "pick one of the listed values (1024 units = 1 vCPU)"));
    }
    if (memory !== undefined && (!Number.isInteger(memory) || !allTaskSizes().some((s) => s.memory === memory))) {
        v.record(v.error("memory", memory, "is not a Fargate memory size in MiB", "use 512, 1024, 2048 or another listed multiple of 1024 MiB"));
    }
    v.throwSince(before);
    if (cpu !== undefined && memory !== undefined && !isValidTaskSize(cpu, memory)) {
        throw v.error("memory", memory, `is not allowed with cpu ${cpu}; with ${cpu} CPU units Fargate accepts ${describeMemories(cpu)} MiB`, "change memory or cpu to a valid Fargate pair");
    }
    const fit = allTaskSizes().find(
        (s) => (cpu === undefined || s.cpu === cpu) && (memory === undefined || s.memory === memory) && s.cpu >= needs.cpu && s.memory >= needs.memory,
    );
    if (!fit) {
        const given = cpu !== undefined || memory !== undefined ? `cpu ${cpu ?? "(any)"} / memory ${memory ?? "(any)"}` : "any Fargate size";
        throw v.conflict(
            "sidecars",
            `reserve ${needs.cpu} CPU units and ${needs.memory} MiB in total, more than ${given} holds`,
            "lower the containers' cpu/memory or raise the task's cpu and memory",
        );
    }
    return fit;
}

/** Validates a log retention in days against the values CloudWatch accepts. */
export function validateLogRetention(v: Validator, path: string, days: number): number {
    if (!LOG_RETENTION_DAYS.includes(days)) {
        throw v.error(path, days, `is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")} days`, "pick the nearest listed value (never-expiring logs are refused: set a retention)");
    }
    return days;
}

/** Validates the architecture literal. */
export function validateArchitecture(v: Validator, path: string, value: unknown): Architecture {
    return v.oneOf(path, value, ARCHITECTURES, 'use "x86_64" (any image) or "arm64" (cheaper; needs an arm64 or multi-arch image)');
}
