import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, Validator } from "../components/errors";
import { createTaskDefinition, resolveTaskSpec, TaskDefinitionArgs, TaskDefinitionResources, TaskSpec, TaskSpecOptions } from "../components/taskDefinition";
import { mocks } from "./setup";

/** A bare component around the shared task definition builder, as the real components use it. */
export class TaskHarness extends pulumi.ComponentResource {
    public readonly spec: TaskSpec;
    public readonly task: TaskDefinitionResources;

    constructor(name: string, args: TaskDefinitionArgs, options: TaskSpecOptions = {}) {
        const spec = resolveTaskSpec(new Validator(name), name, args, options);
        super("test:index:TaskHarness", name, {}, {});
        this.spec = spec;
        this.task = createTaskDefinition(this, spec);
        this.registerOutputs({});
    }
}

/** Parses a JSON input recorded by the mocks (policies, container definitions). */
export function parsed(value: unknown): any {
    assert.strictEqual(typeof value, "string", `expected a JSON string, got ${typeof value}`);
    return JSON.parse(value as string);
}

/**
 * Asserts that `build` throws an ArgumentError with exactly `message`, and that no AWS resource
 * was registered (validation happens before any child is created).
 */
export async function assertRejected(build: () => unknown, message: string): Promise<void> {
    const before = mocks.awsResources().length;
    let thrown: unknown;
    try {
        build();
    } catch (e) {
        thrown = e;
    }
    assert.ok(thrown instanceof ArgumentError, `expected an ArgumentError, got ${thrown === undefined ? "no error" : String(thrown)}`);
    assert.strictEqual((thrown as Error).message, message);
    await mocks.settle();
    assert.deepStrictEqual(
        mocks.awsResources().slice(before).map((r) => r.type),
        [],
        "no AWS resource may be registered when validation fails",
    );
}

/**
 * Resource options as the SDK saw them, captured with an in-process transformation (the mocks do
 * not see options), by logical name and by `type::name`.
 */
export function optionsRecorder() {
    const seen = new Map<string, pulumi.CustomResourceOptions>();
    const transformation: pulumi.ResourceTransformation = (a) => {
        seen.set(a.name, a.opts);
        seen.set(`${a.type}::${a.name}`, a.opts);
        return undefined;
    };
    return { seen, opts: { transformations: [transformation] } };
}
