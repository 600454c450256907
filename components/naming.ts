import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";

/** Pulumi's auto-naming appends "-" and 7 random characters to the logical name. */
export const AUTO_NAME_SUFFIX_LENGTH = 8;

/** AWS name length limits of the resources whose physical names come from auto-naming. */
export const NAME_LIMITS = {
    loadBalancer: 32,
    targetGroup: 32,
    iamRole: 64,
    securityGroup: 255,
    ecsCluster: 255,
    taskFamily: 255,
    logGroup: 512,
    schedule: 64,
    eventRule: 64,
    stateMachine: 80,
    sqsQueue: 80,
    snsTopic: 256,
    alarm: 255,
} as const;

/** Longest component name: it appears in descriptions (security groups allow 255 characters) and display names. */
export const MAX_COMPONENT_NAME_LENGTH = 100;

/** A stable short hash: the same text always gives the same characters. */
export function stableHash(text: string, length = 7): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Component names must be usable in every child's name: letters, digits and hyphens, starting with
 * a letter and not ending with a hyphen (load balancer and target group names allow nothing
 * else), up to 100 characters: names longer than a child's AWS limit are shortened per child by
 * {@link childName}.
 */
export function validateComponentName(v: Validator, name: string): string {
    if (typeof name !== "string" || !/^[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name)) {
        throw v.error("name", name, "must start with a letter and hold only letters, digits and hyphens, not ending with a hyphen", 'rename the component, for example "todo-web"');
    }
    if (name.length > MAX_COMPONENT_NAME_LENGTH) {
        throw v.error("name", name, `is ${name.length} characters long; names of up to ${MAX_COMPONENT_NAME_LENGTH} fit every description and name AWS derives from them`, "shorten it");
    }
    if (/^sg(-|$)/i.test(name)) {
        throw v.error("name", name, 'must not be "sg" or start with "sg-": its security groups would be named "sg-...", which EC2 refuses', "rename the component");
    }
    if (/^internal-/i.test(name)) {
        throw v.error("name", name, 'must not start with "internal-" (AWS reserves it for load balancer names)', "rename the component");
    }
    // S3's bucket naming rules; a component's buckets (access logs, shard results) start with its name.
    const bucketPrefix = /^(xn--|sthree-|amzn-s3-demo-)/i.exec(name);
    if (bucketPrefix) {
        throw v.error("name", name, `must not start with "${bucketPrefix[1].toLowerCase()}": its buckets are named after it, and S3 refuses bucket names that start so`, "rename the component");
    }
    return name;
}

/**
 * The logical name of a component's child, `${name}-${role}`, shortened when Pulumi's auto-name
 * (logical name plus 8 characters) would pass `limit`: a readable prefix of the component name,
 * a stable hash of the full name, then the role. The same inputs always give the same name.
 */
export function childName(name: string, role: string, limit: number = NAME_LIMITS.securityGroup): string {
    const full = `${name}-${role}`;
    const maxLogical = limit - AUTO_NAME_SUFFIX_LENGTH;
    if (full.length <= maxLogical) {
        return full;
    }
    const hash = stableHash(full);
    const room = maxLogical - role.length - hash.length - 2;
    const prefix = name.slice(0, Math.max(room, 0)).replace(/-+$/, "");
    const shortened = [prefix, hash, role].filter((p) => p.length > 0).join("-");
    // A role too long for the limit keeps its readable start only.
    return shortened.length <= maxLogical ? shortened : `${hash}-${role}`.slice(0, maxLogical).replace(/-+$/, "");
}

/**
 * A deterministic physical name for resources whose name must be known before deploy (task
 * family, log group): parts joined by `separator`, characters outside `allowed` replaced by "-",
 * shortened with a stable hash when longer than `max`.
 */
export function physicalName(parts: readonly string[], max: number, allowed: RegExp, separator = "-"): string {
    const joined = parts
        .join(separator)
        .split("")
        .map((c) => (allowed.test(c) ? c : "-"))
        .join("");
    if (joined.length <= max) {
        return joined;
    }
    const hash = stableHash(joined, 8);
    return `${joined.slice(0, max - hash.length - 1)}-${hash}`;
}

/** `<project>-<stack>-<name>`: a task family that does not collide across stacks or projects. */
export function taskFamilyName(name: string): string {
    return physicalName([pulumi.getProject(), pulumi.getStack(), name], NAME_LIMITS.taskFamily, /[A-Za-z0-9_-]/);
}

/** `/ecs/<project>/<stack>/<name>`: a log group name known at preview, so container definitions are too. */
export function logGroupName(name: string, suffix?: string): string {
    const parts = ["", "ecs", pulumi.getProject(), pulumi.getStack(), name];
    if (suffix) {
        parts.push(suffix);
    }
    return physicalName(parts, NAME_LIMITS.logGroup, /[A-Za-z0-9_.#/-]/, "/");
}
