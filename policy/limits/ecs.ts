/**
 * ECS on Fargate: task definitions (Fargate sizes, platform, volumes, size of the definition), their
 * containers (names, images, Fargate restrictions, health checks, ports, mounts, reservations),
 * capacity provider strategies, and services (deployments, platform version, networking).
 */
import { CAPACITY_LIMITS } from "../../components/capacity";
import { CONTAINER_HEALTH_CHECK_LIMITS, EPHEMERAL_STORAGE_GIB, FARGATE_SIZES, STOP_TIMEOUT_SECONDS } from "../../components/sizing";
import { MAX_SIDECARS } from "../../components/taskDefinition";
import { deploymentCanProgress } from "../../components/deployment";
import { WEB_SERVICE_LIMITS } from "../../components/webService";
import { at, known } from "../preview";
import { Add, intIn, isInt, parseJson } from "./common";

/** ECS quotas that are not adjustable. */
export const ECS_QUOTAS = { containersPerTaskDefinition: MAX_SIDECARS + 1, taskDefinitionBytes: 65536, subnetsPerService: 16, securityGroupsPerService: 5 } as const;

const FARGATE_LOG_DRIVERS = ["awslogs", "splunk", "awsfirelens"];

export function taskDefinitionRules(p: Record<string, any>, add: Add): void {
    const family = at(p, "family");
    if (typeof family !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
        add(`family ${JSON.stringify(family)} must be 1 to 255 letters, digits, _ or -`);
    }
    const compat: unknown = at(p, "requiresCompatibilities");
    const fargate = Array.isArray(compat) && compat.includes("FARGATE");
    const os = at(p, "runtimePlatform.operatingSystemFamily") ?? "LINUX";
    const arch = at(p, "runtimePlatform.cpuArchitecture");
    if (arch !== undefined && arch !== "X86_64" && arch !== "ARM64") {
        add(`runtimePlatform.cpuArchitecture (${JSON.stringify(arch)}) must be X86_64 or ARM64`);
    }
    if (arch === "ARM64" && os !== "LINUX") {
        add(`runtimePlatform.cpuArchitecture ARM64 runs only on LINUX, not ${os}`);
    }
    if (fargate) {
        if (at(p, "networkMode") !== "awsvpc") {
            add(`networkMode (${JSON.stringify(at(p, "networkMode"))}) must be "awsvpc" on Fargate`);
        }
        const cpu = Number(at(p, "cpu"));
        const memory = Number(at(p, "memory"));
        const memories = FARGATE_SIZES.get(cpu);
        if (!memories || !memories.includes(memory)) {
            add(`cpu ${JSON.stringify(at(p, "cpu"))} with memory ${JSON.stringify(at(p, "memory"))} is not a Fargate size ("No Fargate configuration exists for given values")`);
        } else if (os !== "LINUX" && (cpu < 1024 || cpu > 4096)) {
            add(`cpu ${cpu} is not available for ${os} tasks (1024 to 4096)`);
        }
        const storage = at(p, "ephemeralStorage.sizeInGib");
        intIn(add, "ephemeralStorage.sizeInGib", storage, EPHEMERAL_STORAGE_GIB.min, EPHEMERAL_STORAGE_GIB.max, "GiB");
        if (at(p, "pidMode") !== undefined && at(p, "pidMode") !== "task") {
            add(`pidMode (${JSON.stringify(at(p, "pidMode"))}) must be "task" or unset on Fargate`);
        }
        if (at(p, "ipcMode") !== undefined) {
            add("ipcMode is not supported on Fargate");
        }
    }
    const volumes: any[] = at(p, "volumes") ?? [];
    const volumeNames = new Set<string>();
    volumes.forEach((v, i) => {
        const name = known(v?.name, `volumes.${i}.name`);
        if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
            add(`volumes[${i}].name (${typeof name === "string" ? `${name.length} characters` : JSON.stringify(name)}) must be 1 to 255 letters, digits, _ or -`);
        }
        volumeNames.add(name);
        if (fargate && (known(v?.dockerVolumeConfiguration, `volumes.${i}.dockerVolumeConfiguration`) !== undefined || known(v?.hostPath, `volumes.${i}.hostPath`) !== undefined)) {
            add(`volumes[${i}] uses a Docker volume or host path, which Fargate does not support`);
        }
    });
    const rawDefinitions = at(p, "containerDefinitions");
    if (typeof rawDefinitions === "string") {
        if (Buffer.byteLength(rawDefinitions) > ECS_QUOTAS.taskDefinitionBytes) {
            add(`containerDefinitions is ${Buffer.byteLength(rawDefinitions)} bytes; a task definition may be at most ${ECS_QUOTAS.taskDefinitionBytes}`);
        }
    }
    const containers = parseJson(add, "containerDefinitions", rawDefinitions);
    if (!Array.isArray(containers) || containers.length === 0) {
        add("containerDefinitions must list at least one container");
        return;
    }
    checkContainers(containers, { fargate, taskCpu: Number(at(p, "cpu")), taskMemory: Number(at(p, "memory")), volumeNames, hasExecutionRole: at(p, "executionRoleArn") !== undefined }, add);
}

interface TaskContext {
    readonly fargate: boolean;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly volumeNames: ReadonlySet<string>;
    readonly hasExecutionRole: boolean;
}

function checkContainers(containers: any[], t: TaskContext, add: Add): void {
    if (containers.length > ECS_QUOTAS.containersPerTaskDefinition) {
        add(`containerDefinitions lists ${containers.length} containers; a task definition may hold at most ${ECS_QUOTAS.containersPerTaskDefinition}`);
    }
    const names = new Set<string>();
    const ports = new Set<string>();
    let cpu = 0;
    let memory = 0;
    containers.forEach((c, i) => {
        const where = `container ${JSON.stringify(c?.name ?? i)}`;
        if (typeof c?.name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
            add(`${where}: name must be 1 to 255 letters, digits, _ or -`);
        } else if (names.has(c.name)) {
            add(`${where}: name is used twice`);
        }
        names.add(c?.name);
        if (typeof c?.image !== "string" || c.image.trim() === "") {
            add(`${where}: image is missing`);
        }
        if (t.fargate) {
            if (c.privileged === true) {
                add(`${where}: privileged containers do not run on Fargate`);
            }
            if (c.links !== undefined) {
                add(`${where}: links are not supported with awsvpc`);
            }
            const lp = c.linuxParameters ?? {};
            if (lp.devices !== undefined) {
                add(`${where}: linuxParameters.devices is not supported on Fargate`);
            }
            const capabilities: unknown[] = lp.capabilities?.add ?? [];
            if (capabilities.some((cap) => cap !== "SYS_PTRACE")) {
                add(`${where}: Fargate lets a container add only the SYS_PTRACE capability`);
            }
            intIn(add, `${where}: stopTimeout`, c.stopTimeout, 0, STOP_TIMEOUT_SECONDS.max, "seconds");
            const logDriver = c.logConfiguration?.logDriver;
            if (logDriver !== undefined && !FARGATE_LOG_DRIVERS.includes(logDriver)) {
                add(`${where}: log driver ${JSON.stringify(logDriver)} is not available on Fargate (${FARGATE_LOG_DRIVERS.join(", ")})`);
            }
        }
        if ((c.logConfiguration?.logDriver === "awslogs" || (c.secrets ?? []).length > 0) && !t.hasExecutionRole) {
            add(`${where}: awslogs and secrets need the task's executionRoleArn`);
        }
        const hc = c.healthCheck;
        if (hc !== undefined) {
            const l = CONTAINER_HEALTH_CHECK_LIMITS;
            if (!Array.isArray(hc.command) || hc.command.length === 0 || !["CMD", "CMD-SHELL", "NONE"].includes(hc.command[0])) {
                add(`${where}: healthCheck.command must start with CMD, CMD-SHELL or NONE`);
            }
            intIn(add, `${where}: healthCheck.interval`, hc.interval, l.intervalSeconds.min, l.intervalSeconds.max, "seconds");
            intIn(add, `${where}: healthCheck.timeout`, hc.timeout, l.timeoutSeconds.min, l.timeoutSeconds.max, "seconds");
            intIn(add, `${where}: healthCheck.retries`, hc.retries, l.retries.min, l.retries.max);
            intIn(add, `${where}: healthCheck.startPeriod`, hc.startPeriod, l.startPeriodSeconds.min, l.startPeriodSeconds.max, "seconds");
        }
        for (const [j, m] of ((c.portMappings ?? []) as any[]).entries()) {
            intIn(add, `${where}: portMappings[${j}].containerPort`, m?.containerPort, 1, 65535);
            if (m?.hostPort !== undefined && m.hostPort !== m.containerPort) {
                add(`${where}: portMappings[${j}].hostPort must equal containerPort with awsvpc`);
            }
            const key = `${m?.containerPort}/${m?.protocol ?? "tcp"}`;
            if (ports.has(key)) {
                add(`${where}: port ${key} is already mapped by a container of the task`);
            }
            ports.add(key);
        }
        for (const [j, m] of ((c.mountPoints ?? []) as any[]).entries()) {
            if (!t.volumeNames.has(m?.sourceVolume)) {
                add(`${where}: mountPoints[${j}].sourceVolume ${JSON.stringify(m?.sourceVolume)} is not a volume of the task`);
            }
        }
        cpu += typeof c.cpu === "number" ? c.cpu : 0;
        const reserved = typeof c.memory === "number" ? c.memory : typeof c.memoryReservation === "number" ? c.memoryReservation : 0;
        if (reserved !== 0 && reserved < 6) {
            add(`${where}: memory reservation ${reserved} MiB is under the 6 MiB minimum`);
        }
        memory += reserved;
    });
    if (!containers.some((c) => c?.essential !== false)) {
        add("at least one container must be essential");
    }
    if (Number.isFinite(t.taskCpu) && cpu > t.taskCpu) {
        add(`the containers reserve ${cpu} CPU units, more than the task's ${t.taskCpu}`);
    }
    if (Number.isFinite(t.taskMemory) && memory > t.taskMemory) {
        add(`the containers reserve ${memory} MiB, more than the task's ${t.taskMemory}`);
    }
}

export function capacityStrategyRules(add: Add, path: string, items: unknown): void {
    if (!Array.isArray(items) || items.length === 0) {
        return;
    }
    const c = CAPACITY_LIMITS;
    items.forEach((item: any, i: number) => {
        intIn(add, `${path}[${i}].base`, item?.base, c.base.min, c.base.max);
        intIn(add, `${path}[${i}].weight`, item?.weight, c.weight.min, c.weight.max);
    });
    if (items.filter((item: any) => (item?.base ?? 0) > 0).length > 1) {
        add(`${path}: only one capacity provider may have a base`);
    }
    if (items.every((item: any) => (item?.weight ?? 0) === 0)) {
        add(`${path}: at least one capacity provider needs a weight above 0`);
    }
}

export function serviceRules(p: Record<string, any>, add: Add): void {
    const desired = at(p, "desiredCount");
    intIn(add, "desiredCount", desired, 0, Number.MAX_SAFE_INTEGER);
    const min = at(p, "deploymentMinimumHealthyPercent") ?? 100;
    const max = at(p, "deploymentMaximumPercent") ?? 200;
    intIn(add, "deploymentMinimumHealthyPercent", min, 0, 100, "percent");
    if (!isInt(max) || max < min) {
        add(`deploymentMaximumPercent (${JSON.stringify(max)}) must be a whole number not below deploymentMinimumHealthyPercent (${min})`);
    }
    if (isInt(desired) && desired > 0 && isInt(min) && isInt(max) && !deploymentCanProgress(desired, min, max)) {
        add(`a rolling deploy of ${desired} task(s) can never progress at minimum ${min}% / maximum ${max}% (ECS may run ${Math.floor((desired * max) / 100)} and must keep ${Math.ceil((desired * min) / 100)})`);
    }
    const l = WEB_SERVICE_LIMITS;
    intIn(add, "healthCheckGracePeriodSeconds", at(p, "healthCheckGracePeriodSeconds"), l.healthCheckGracePeriodSeconds.min, l.healthCheckGracePeriodSeconds.max, "seconds");
    const version = at(p, "platformVersion");
    if (version !== undefined && version !== "LATEST" && version !== "1.4.0") {
        add(`platformVersion ${JSON.stringify(version)} is not LATEST or 1.4.0 (1.3.0 is retired)`);
    }
    if (at(p, "launchType") !== undefined && (at(p, "capacityProviderStrategies") ?? []).length > 0) {
        add("launchType and capacityProviderStrategies are mutually exclusive");
    }
    capacityStrategyRules(add, "capacityProviderStrategies", at(p, "capacityProviderStrategies"));
    const subnets = at(p, "networkConfiguration.subnets");
    if (Array.isArray(subnets) && (subnets.length === 0 || subnets.length > ECS_QUOTAS.subnetsPerService)) {
        add(`networkConfiguration.subnets lists ${subnets.length} subnets; give 1 to ${ECS_QUOTAS.subnetsPerService}`);
    }
    const groups = at(p, "networkConfiguration.securityGroups");
    if (Array.isArray(groups) && groups.length > ECS_QUOTAS.securityGroupsPerService) {
        add(`networkConfiguration.securityGroups lists ${groups.length} groups; at most ${ECS_QUOTAS.securityGroupsPerService}`);
    }
    ((at(p, "loadBalancers") ?? []) as any[]).forEach((lb, i) => intIn(add, `loadBalancers[${i}].containerPort`, known(lb?.containerPort, `loadBalancers.${i}.containerPort`), 1, 65535));
}
