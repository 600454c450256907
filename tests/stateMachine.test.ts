/**
 * The interpreter's Map state in Distributed mode (tests/stateMachine.ts), held to the sentences of
 * AWS's documentation that it implements, each quoted beside its test. The runner's sharded runs
 * (tests/batchRunner.test.ts) rely on these semantics.
 */
import * as assert from "assert";
import { answerMapRunApi, ChildExecution, runStateMachine, StatesError, TaskHandler, TOLERATED_FAILURE_CAUSE } from "./stateMachine";

const STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:fan";
const context = {
    Execution: { Id: "arn:aws:states:us-east-1:123456789012:execution:fan:run-1", Name: "run-1", StartTime: "2026-12-02T03:00:00.000Z" },
    StateMachine: { Id: STATE_MACHINE, Name: "fan" },
};

/** A run that maps `items` over a child doing one Task call (`work`), in Distributed mode. */
function fanOut(fields: Record<string, unknown> = {}, processor: Record<string, unknown> = {}): any {
    return {
        QueryLanguage: "JSONata",
        StartAt: "Prepare",
        States: {
            Prepare: { Type: "Pass", Assign: { secret: "of the run" }, Next: "Fan" },
            Fan: {
                Type: "Map",
                Items: "{% $states.input.items %}",
                ItemSelector: "{% {'item': $states.context.Map.Item.Value, 'index': $states.context.Map.Item.Index} %}",
                ItemProcessor: {
                    ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
                    StartAt: "Work",
                    States: { Work: { Type: "Task", Resource: "arn:aws:states:::work", Arguments: { item: "{% $states.input.item %}" }, Output: "{% $states.result %}", End: true } },
                    ...processor,
                },
                Label: "part",
                ...fields,
                Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught", Output: "{% $states.errorOutput %}" }],
                End: true,
            },
            Caught: { Type: "Pass", End: true },
        },
    };
}

/** Work that fails for the items listed, succeeds with the item otherwise. */
const failing =
    (...items: number[]): TaskHandler =>
    (call) => {
        if (call.resource === "arn:aws:states:::work") {
            if (items.includes(call.args.item)) {
                throw new StatesError("Work.Failed", `item ${call.args.item} failed`);
            }
            return call.args.item;
        }
        return answerMapRunApi(call);
    };

const range = (n: number) => [...Array(n).keys()];
const statuses = (children: readonly ChildExecution[]) => children.map((c) => c.status);

describe("the state-machine interpreter: the Map state in Distributed mode", () => {
    it("runs each item as a child execution with its own history, named by the Map state's label", async () => {
        // state-map.md: "In this mode, the Map state runs each iteration as a child workflow
        // execution ... Each child workflow execution has its own, separate execution history from
        // that of the parent workflow." Service Authorization Reference (labelled execution):
        // "arn:${Partition}:states:${Region}:${Account}:execution:${StateMachineName}/${MapRunLabel}:${ExecutionId}".
        const run = await runStateMachine(fanOut(), { items: [10, 11, 12] }, context, failing());
        assert.strictEqual(run.status, "SUCCEEDED");
        assert.deepStrictEqual(run.output, [10, 11, 12]);
        const [mapRun] = run.mapRuns;
        assert.deepStrictEqual(
            mapRun.children.map((c) => c.executionArn.replace(/:[^:]+$/, "")),
            range(3).map(() => "arn:aws:states:us-east-1:123456789012:execution:fan/part"),
        );
        assert.ok(!run.history.some((e) => e.Type.startsWith("Task")), "the run's history holds none of the children's events");
        assert.deepStrictEqual(
            run.history.map((e) => e.Type).filter((t) => t.startsWith("MapRun")),
            ["MapRunStarted", "MapRunSucceeded"],
        );
        assert.ok(mapRun.children.every((c) => c.history.some((e) => e.Type === "TaskScheduled") && c.history[0].Type === "ExecutionStarted"));
        assert.deepStrictEqual(
            run.calls.map((c) => c.execution),
            mapRun.children.map((c) => c.executionArn),
        );
    });

    it("gives a child only its item: the run's variables are not its own", async () => {
        // state-map.md: each child "has its own, separate execution history"; a child's data is its
        // input, the item after ItemSelector ("ItemSelector ... the input for each child workflow").
        // The guide does not say outright whether a child reads the run's variables: the
        // interpreter gives it none, so a runner that passes everything in the item works either way.
        const definition = fanOut({}, { StartAt: "Peek", States: { Peek: { Type: "Pass", Output: "{% $secret %}", End: true } } });
        const run = await runStateMachine(definition, { items: [1] }, context, failing());
        assert.strictEqual(run.mapRuns[0].children[0].status, "FAILED");
        assert.strictEqual(run.mapRuns[0].children[0].error, "States.QueryEvaluationError");
    });

    it("evaluates ItemSelector in the run, with $states.context.Map.Item.Index and Value", async () => {
        // input-output-itemselector: "ItemSelector ... you can use the context object ... Map.Item.Index ... Map.Item.Value".
        const run = await runStateMachine(fanOut(), { items: ["a", "b"] }, context, failing());
        assert.deepStrictEqual(
            run.mapRuns[0].children.map((c) => c.input),
            [
                { item: "a", index: 0 },
                { item: "b", index: 1 },
            ],
        );
    });

    it("runs at most MaxConcurrency children at once", async () => {
        // UpdateMapRun: "maxConcurrency: The maximum number of child workflow executions that can be
        // specified to run in parallel for the Map Run at the same time."
        const run = await runStateMachine(fanOut({ MaxConcurrency: 3 }), { items: range(10) }, context, failing());
        assert.strictEqual(run.mapRuns[0].maxRunning, 3);
        assert.strictEqual(run.mapRuns[0].maxConcurrency, 3);
    });

    describe("its tolerated failure threshold", () => {
        // maprun-fail-threshold: "Step Functions calculates the percentage of failed items as the
        // result of the total number of failed or timed out items divided by the total number of
        // items ... Your Map Run fails if this value is exceeded."
        it("succeeds while failed children / children x 100 does not exceed ToleratedFailurePercentage", async () => {
            const run = await runStateMachine(fanOut({ ToleratedFailurePercentage: 30 }), { items: range(10) }, context, failing(1, 4, 7));
            assert.strictEqual(run.status, "SUCCEEDED");
            assert.strictEqual(run.path.at(-1), "Fan");
        });

        it("fails with States.ExceedToleratedFailureThreshold once it does, a cause that names no child, and stops starting children", async () => {
            // maprun-fail-threshold: "Step Functions returns the States.ExceedToleratedFailureThreshold
            // error when the Map Run fails because the specified threshold is exceeded." The cause is
            // AWS's as LocalStack recorded it against AWS (TestState, 2025-11-13).
            const run = await runStateMachine(fanOut({ ToleratedFailurePercentage: 30, MaxConcurrency: 5 }), { items: range(10) }, context, failing(0, 1, 2, 3));
            assert.deepStrictEqual(run.output, { Error: "States.ExceedToleratedFailureThreshold", Cause: TOLERATED_FAILURE_CAUSE });
            assert.strictEqual(run.path.at(-1), "Caught");
            // DescribeMapRun, pending: "started by a Map Run, but haven't started executing yet".
            assert.deepStrictEqual(statuses(run.mapRuns[0].children), [...Array(4).fill("FAILED"), "SUCCEEDED", ...Array(5).fill("PENDING")]);
            assert.strictEqual(run.mapRuns[0].status, "FAILED");
        });

        it("fails at the first failed child with the default of 0, and never with 100", async () => {
            // maprun-fail-threshold: "The default percentage value is zero, which means that the
            // workflow fails if any one of its child workflow executions fails or times out. If you
            // specify the percentage as 100, the workflow won't fail even if all child workflow
            // executions fail."
            const strict = await runStateMachine(fanOut({ MaxConcurrency: 1 }), { items: range(5) }, context, failing(2));
            assert.strictEqual((strict.output as any).Error, "States.ExceedToleratedFailureThreshold");
            assert.deepStrictEqual(statuses(strict.mapRuns[0].children), ["SUCCEEDED", "SUCCEEDED", "FAILED", "PENDING", "PENDING"]);
            const lenient = await runStateMachine(fanOut({ ToleratedFailurePercentage: 100 }), { items: range(5) }, context, failing(...range(5)));
            assert.strictEqual(lenient.path.at(-1), "Fan");
        });

        it("marks the children still running when it fails ABORTED", async () => {
            // DescribeMapRun, aborted: "started by a Map Run and were running, but were either stopped
            // by the user or by Step Functions because the Map Run failed."
            const run = await runStateMachine(fanOut({ MaxConcurrency: 4 }), { items: range(8) }, context, failing(0));
            // The wave the failure happened in ran to its end; the interpreter runs children in waves.
            assert.deepStrictEqual(statuses(run.mapRuns[0].children), ["FAILED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED", ...Array(4).fill("PENDING")]);
        });
    });

    it("returns the children's outputs, and once one has failed within the tolerance every child's execution record", async () => {
        // input-output-resultwriter: "COMPACT - returns the output of the child workflow executions.
        // Default when ResultWriter is not specified." and "If a child workflow execution fails, Step
        // Functions returns its execution result unchanged. The results would be equivalent to
        // having set Transformation to NONE." The interpreter takes the stricter reading: every
        // child's entry becomes its record, which is what the runner's size bound counts.
        const clean = await runStateMachine(fanOut({ ToleratedFailurePercentage: 50 }), { items: [5, 6] }, context, failing());
        assert.deepStrictEqual(clean.output, [5, 6]);
        const run = await runStateMachine(fanOut({ ToleratedFailurePercentage: 50 }), { items: [5, 6] }, context, failing(6));
        const [ok, failed] = run.output as any[];
        assert.deepStrictEqual([ok.Status, ok.Output, "Error" in ok, JSON.parse(ok.Input)], ["SUCCEEDED", "5", false, { item: 5, index: 0 }]);
        assert.deepStrictEqual([failed.Status, failed.Error, failed.Cause, JSON.parse(failed.Input)], ["FAILED", "Work.Failed", "item 6 failed", { item: 6, index: 1 }]);
    });

    it("ends the run States.DataLimitExceeded, past any catcher, when its result passes 256 KiB", async () => {
        // concepts-error-handling: "States.DataLimitExceeded: A terminal error that can't be caught by
        // the States.ALL error type", reported when "the output of a state is larger than payload size quota".
        const big: TaskHandler = (call) => (call.resource === "arn:aws:states:::work" ? "x".repeat(30000) : undefined);
        const run = await runStateMachine(fanOut(), { items: range(9) }, context, big);
        assert.strictEqual(run.status, "FAILED");
        assert.strictEqual(run.error, "States.DataLimitExceeded");
        assert.ok(!run.path.includes("Caught"));
    });

    it("refuses Express children that would call .sync", async () => {
        // connect-supported-services: "Express Workflows support Request Response, but they do not
        // support Run a Job (.sync) or Wait for Callback (.waitForTaskToken)."
        const definition = fanOut({}, { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: "Run", States: { Run: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } } });
        await assert.rejects(runStateMachine(definition, { items: [1] }, context, failing()), /EXPRESS child executions do not support \.sync/);
    });

    it("answers the Map Run API: ListMapRuns, DescribeMapRun's counts, ListExecutions of a Map Run, DescribeExecution of a child", async () => {
        // ListExecutions: "If the mapRunArn field is specified, a list of all of the child workflow
        // executions started by a Map Run is returned"; "Results are sorted by time, with the most
        // recent execution first".
        const definition = fanOut({ ToleratedFailurePercentage: 50 });
        definition.States.Fan.End = undefined;
        definition.States.Fan.Next = "Find";
        definition.States.Find = { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sfn:listMapRuns", Arguments: { ExecutionArn: "{% $states.context.Execution.Id %}" }, Assign: { mapRun: "{% $states.result.MapRuns[0].MapRunArn %}" }, Next: "Count" };
        definition.States.Count = { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sfn:describeMapRun", Arguments: { MapRunArn: "{% $mapRun %}" }, Assign: { counts: "{% $states.result.ExecutionCounts %}" }, Next: "List" };
        definition.States.List = { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions", Arguments: { MapRunArn: "{% $mapRun %}", StatusFilter: "FAILED", MaxResults: 1 }, Next: "Describe" };
        definition.States.Describe = { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sfn:describeExecution", Arguments: { ExecutionArn: "{% $states.input.Executions[0].ExecutionArn %}" }, Output: "{% {'counts': $counts, 'cause': $states.result.Cause} %}", End: true };
        const run = await runStateMachine(definition, { items: range(4) }, context, failing(1, 2));
        assert.deepStrictEqual(run.output, { counts: { Pending: 0, Running: 0, Succeeded: 2, Failed: 2, TimedOut: 0, Aborted: 0, Total: 4, ResultsWritten: 0 }, cause: "item 2 failed" });
    });

    describe("with a ResultWriter to S3", () => {
        const PUT_OBJECT = "arn:aws:states:::s3:putObject";
        // input-output-resultwriter: "For JSONata states, Parameters will be replaced with Arguments."
        const writer = { ResultWriter: { Resource: PUT_OBJECT, Arguments: { Bucket: "results-bucket", Prefix: "{% 'runs/' & $states.context.Execution.Name %}" } } };
        /** Every object written, by key, parsed; and the calls that wrote them. */
        const written = (run: { calls: readonly { resource: string; args: any }[] }): Record<string, any> => Object.fromEntries(run.calls.filter((c) => c.resource === PUT_OBJECT).map((c) => [c.args.Key, JSON.parse(c.args.Body)]));

        it("writes every child's execution record under the prefix and the Map Run's id, a file per status and a manifest, and returns only where they went", async () => {
            // "If you export the child workflow execution results, the Distributed Map state
            // execution returns the Map Run ARN and data about the Amazon S3 export location";
            // Transformation NONE (the records) is the "Default when exporting the child workflow
            // execution results to Amazon S3 and WriterConfig is not specified"; Step Functions
            // "exports executions with the same status to their respective files".
            const definition = fanOut({ ToleratedFailurePercentage: 50, ...writer });
            definition.States.Fan.Catch = undefined;
            const run = await runStateMachine(definition, { items: range(4) }, context, failing(2));
            assert.strictEqual(run.status, "SUCCEEDED", `${run.error} ${run.cause}`);
            const mapRun = run.mapRuns[0];
            const folder = `runs/run-1/${mapRun.mapRunArn.split(":").pop()}`;
            assert.deepStrictEqual(run.output, { MapRunArn: mapRun.mapRunArn, ResultWriterDetails: { Bucket: "results-bucket", Key: `${folder}/manifest.json` } });
            const files = written(run);
            assert.deepStrictEqual(Object.keys(files), [`${folder}/FAILED_0.json`, `${folder}/SUCCEEDED_0.json`, `${folder}/manifest.json`], "the manifest last");
            assert.deepStrictEqual(files[`${folder}/FAILED_0.json`].map((r: any) => [r.Status, r.Error, r.Cause, JSON.parse(r.Input).item]), [["FAILED", "Work.Failed", "item 2 failed", 2]]);
            assert.deepStrictEqual(files[`${folder}/SUCCEEDED_0.json`].map((r: any) => [r.Status, r.Output]), [["SUCCEEDED", "0"], ["SUCCEEDED", "1"], ["SUCCEEDED", "3"]]);
            // The manifest keys files by FAILED, PENDING and SUCCEEDED, each listed even when empty (AWS's example).
            assert.deepStrictEqual(files[`${folder}/manifest.json`].ResultFiles.PENDING, []);
            assert.deepStrictEqual(Object.keys(files[`${folder}/manifest.json`].ResultFiles), ["FAILED", "PENDING", "SUCCEEDED"]);
            assert.strictEqual(mapRun.resultsWritten, 4);
            assert.strictEqual((answerMapRunApi({ ...run.calls[0], resource: "arn:aws:states:::aws-sdk:sfn:describeMapRun", args: { MapRunArn: mapRun.mapRunArn }, history: [], mapRuns: run.mapRuns, submit: () => undefined }) as any).ExecutionCounts.ResultsWritten, 4);
        });

        it("holds any number of failed children's records: the state's result stays a reference", async () => {
            // Without a ResultWriter the same run ends States.DataLimitExceeded (previous tests):
            // "Exporting the results to an Amazon S3 bucket is helpful if your output payload size exceeds 256 KiB."
            const big: TaskHandler = (call) => {
                if (call.resource === "arn:aws:states:::work") {
                    throw new StatesError("Work.Failed", "x".repeat(30000));
                }
                return answerMapRunApi(call);
            };
            const inline = await runStateMachine(fanOut({ ToleratedFailurePercentage: 100 }), { items: range(9) }, context, big);
            assert.strictEqual(inline.error, "States.DataLimitExceeded");
            const exported = await runStateMachine(fanOut({ ToleratedFailurePercentage: 100, ...writer }), { items: range(9) }, context, big);
            assert.strictEqual(exported.status, "SUCCEEDED", `${exported.error} ${exported.cause}`);
            assert.ok(!exported.path.includes("Caught"));
            assert.strictEqual(Object.values(written(exported))[0].length, 9);
        });

        it("fails the state with States.ResultWriterFailed, which States.ALL catches, when a write fails", async () => {
            // "Make sure that the Amazon S3 bucket you use to export the results of a Map Run is under
            // the same AWS account and AWS Region as your state machine. Otherwise, your state
            // machine execution will fail with the States.ResultWriterFailed error"; States.ALL
            // catches all but States.DataLimitExceeded and States.Runtime (concepts-error-handling).
            const denied: TaskHandler = (call) => {
                if (call.resource === PUT_OBJECT) {
                    throw new StatesError("S3.AccessDenied", "Access Denied");
                }
                return failing()(call);
            };
            const run = await runStateMachine(fanOut({ ...writer }), { items: range(3) }, context, denied);
            assert.strictEqual(run.status, "SUCCEEDED");
            assert.deepStrictEqual(run.path, ["Prepare", "Fan", "Caught"]);
            assert.deepStrictEqual(run.output, { Error: "States.ResultWriterFailed", Cause: "S3.AccessDenied: Access Denied" });
            assert.strictEqual(run.mapRuns[0].resultsWritten, 0);
        });

        it("writes the records of a Map Run that failed its threshold too (not documented: the runner does not rely on it), and still fails with the threshold's error", async () => {
            // An assumption of this interpreter: the manifest's PENDING key is listed for every run,
            // so it proves nothing; the runner points at the results only when ResultsWritten > 0.
            const run = await runStateMachine(fanOut({ MaxConcurrency: 1, ...writer }), { items: range(3) }, context, failing(0));
            assert.deepStrictEqual(run.output, { Error: "States.ExceedToleratedFailureThreshold", Cause: TOLERATED_FAILURE_CAUSE });
            assert.deepStrictEqual(Object.keys(written(run)).map((k) => k.split("/").pop()), ["FAILED_0.json", "PENDING_0.json", "manifest.json"]);
        });
    });
});
