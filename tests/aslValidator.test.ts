import * as assert from "assert";
import { aslValidator, validateStateMachine } from "./aslValidator";

const runTask = {
    Type: "Task",
    Resource: "arn:aws:states:::ecs:runTask.sync",
    Parameters: { Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/c", TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/t:1", "Overrides.$": "$.overrides" },
    TimeoutSeconds: 3600,
    Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 60, MaxAttempts: 2, BackoffRate: 2 }],
    End: true,
};
const machine = (states: Record<string, unknown>, startAt = "RunTask") => ({ Comment: "Runs one task", StartAt: startAt, States: states });

const DEFINITIONS: Record<string, { definition: unknown; valid: boolean }> = {
    "the component's shape": { definition: machine({ RunTask: runTask }), valid: true },
    "a missing Next target": { definition: machine({ RunTask: { ...runTask, End: undefined, Next: "Gone" } }), valid: false },
    "both TimeoutSeconds and TimeoutSecondsPath": { definition: machine({ RunTask: { ...runTask, TimeoutSecondsPath: "$.timeout" } }), valid: false },
    "a ResultPath that is not a path": { definition: machine({ RunTask: { ...runTask, ResultPath: "result" } }), valid: false },
    "an unknown state type": { definition: machine({ RunTask: { ...runTask, Type: "Tusk" } }), valid: false },
    "a Resource that is not an ARN": { definition: machine({ RunTask: { ...runTask, Resource: "ecs:runTask" } }), valid: false },
    "an unreachable state": { definition: machine({ RunTask: runTask, Orphan: { Type: "Succeed" } }), valid: false },
    "a payload path that is not a path": { definition: machine({ RunTask: { ...runTask, Parameters: { ...runTask.Parameters, "Overrides.$": "overrides" } } }), valid: false },
};

describe("the fast ASL validator of the property tests", () => {
    for (const [what, { definition, valid }] of Object.entries(DEFINITIONS)) {
        it(`gives asl-validator's own verdict and messages for ${what}`, () => {
            const expected = aslValidator(structuredClone(definition));
            assert.strictEqual(expected.isValid, valid, `asl-validator calls ${what} ${valid ? "valid" : "invalid"}: ${expected.errorsText()}`);
            // Twice: the second call runs on the schema compiled by an earlier one.
            for (const actual of [validateStateMachine(structuredClone(definition)), validateStateMachine(structuredClone(definition))]) {
                assert.strictEqual(actual.isValid, expected.isValid);
                assert.strictEqual(actual.errorsText("; "), expected.errorsText("; "));
            }
        });
    }
});
