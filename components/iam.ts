import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./errors";

/**
 * One IAM policy statement, in the keys of IAM's JSON so statements can be pasted from AWS
 * documentation. Actions are plain strings so they can be checked at preview: `*` and
 * `service:*` are refused (name the actions the workload needs).
 *
 * @example { Action: ["s3:GetObject"], Resource: [bucket.arn.apply(a => `${a}/*`)] }
 */
export interface PolicyStatement {
    /** Statement id. */
    readonly Sid?: string;
    /** @default "Allow" */
    readonly Effect?: "Allow" | "Deny";
    /** Actions as `service:Action`; wildcards inside a name (`s3:Get*`) are allowed, `*` and `service:*` are not. */
    readonly Action: string | readonly string[];
    /** Resource ARNs the actions apply to. */
    readonly Resource: pulumi.Input<string> | readonly pulumi.Input<string>[];
    /** Optional IAM condition block. */
    readonly Condition?: pulumi.Input<Record<string, unknown>>;
}

const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
const MANAGED_POLICY_ARN = /^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;

/** Plain list of a string-or-list field. */
export function asList<T>(value: T | readonly T[] | undefined): T[] {
    if (value === undefined) {
        return [];
    }
    return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** Rejects statements with no action, a `*` or `service:*` action, a malformed action, or no resource. */
export function validatePolicyStatements(v: Validator, path: string, statements: readonly PolicyStatement[] | undefined): void {
    // Each statement, and each part of one, is reported apart: one run names every grant to fix.
    const before = v.problemCount;
    (statements ?? []).forEach((statement, i) => {
        const at = `${path}[${i}]`;
        if (typeof statement !== "object" || statement === null) {
            return v.record(v.error(at, statement, "must be an IAM statement object", "give { Action, Resource }"));
        }
        if ("NotAction" in statement || "NotResource" in statement) {
            v.record(v.conflict(at, "uses NotAction or NotResource, which grant everything not listed", "list the actions and resources the workload needs instead"));
        }
        if (statement.Effect !== undefined && statement.Effect !== "Allow" && statement.Effect !== "Deny") {
            v.record(v.error(`${at}.Effect`, statement.Effect, 'must be "Allow" or "Deny"', "fix the spelling"));
        }
        const actions = asList(statement.Action);
        if (actions.length === 0) {
            v.record(v.error(`${at}.Action`, statement.Action, "must name at least one action", 'list the actions, such as "s3:GetObject"'));
        }
        for (const action of actions) {
            if (typeof action !== "string" || action === "*" || /^[a-z0-9-]+:\*$/.test(action)) {
                v.record(v.error(`${at}.Action`, action, "grants every action (of a service)", 'name the actions the workload needs, such as "s3:GetObject"'));
            } else if (!ACTION_PATTERN.test(action)) {
                v.record(v.error(`${at}.Action`, action, 'is not an IAM action of the form "service:Action"', 'write it as in the IAM reference, such as "dynamodb:GetItem"'));
            }
        }
        if (asList(statement.Resource).length === 0) {
            v.record(v.error(`${at}.Resource`, statement.Resource, "must name at least one resource", "list the ARNs the actions apply to"));
        }
    });
    v.throwSince(before);
}

/** Rejects managed policy ARNs that are plain strings but not IAM policy ARNs. */
export function validatePolicyArns(v: Validator, path: string, arns: readonly pulumi.Input<string>[] | undefined): void {
    const before = v.problemCount;
    (arns ?? []).forEach((arn, i) => {
        if (typeof arn === "string" && !MANAGED_POLICY_ARN.test(arn)) {
            v.record(v.error(`${path}[${i}]`, arn, "is not an IAM policy ARN", 'use "arn:aws:iam::aws:policy/NAME" or "arn:aws:iam::ACCOUNT:policy/NAME"'));
        }
    });
    v.throwSince(before);
}

/** A policy document (JSON) from statements; `Effect` defaults to Allow and single values stay lists. */
export function policyDocument(statements: readonly PolicyStatement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: statements.map((s) => ({
            ...(s.Sid ? { Sid: s.Sid } : {}),
            Effect: s.Effect ?? "Allow",
            Action: asList(s.Action),
            Resource: asList(s.Resource),
            ...(s.Condition ? { Condition: s.Condition } : {}),
        })),
    });
}

/** Where the stack deploys: partition, region and account, from the provider. */
export interface AwsContext {
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
}

/** Reads partition, region and account of the provider in use (three invokes). */
export function awsContext(parent?: pulumi.Resource): AwsContext {
    const opts = parent ? { parent } : {};
    return {
        partition: aws.getPartitionOutput({}, opts).partition,
        region: aws.getRegionOutput({}, opts).region,
        accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    };
}

/**
 * A trust policy letting one AWS service assume a role. With `sourceAccount`, only requests made
 * on behalf of that account can (the confused-deputy guard AWS recommends).
 */
export function assumeRolePolicy(service: string, sourceAccount?: pulumi.Input<string>, sourceArn?: pulumi.Input<string>): pulumi.Output<string> {
    const condition: Record<string, unknown> = {};
    if (sourceAccount !== undefined) {
        condition.StringEquals = { "aws:SourceAccount": sourceAccount };
    }
    if (sourceArn !== undefined) {
        condition.ArnLike = { "aws:SourceArn": sourceArn };
    }
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
            },
        ],
    });
}
