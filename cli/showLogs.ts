/**
 * `logs`: the logs of one run, found through its execution history (which names each attempt's
 * task and task definition) rather than ECS, which forgets stopped tasks within about an hour. A
 * sharded run's tasks are in its shards' histories: `--shard K` finds shard K's child execution
 * (the one whose input says `"shard": K`) and shows its logs the same way.
 */
import { DescribeExecutionCommand, paginateListExecutions } from "@aws-sdk/client-sfn";
import { Clients, eventsAfter, formatShardCounts, mapRunOf, recentExecutions } from "./aws";
import { CliError } from "./errors";
import { applyEvents, EMPTY_VIEW, formatDuration, verdict } from "./history";
import { Io } from "./io";
import { executionArnOf, StateMachine } from "./jobs";
import { LogLocations, LogStream } from "./logs";
import { runNameOf } from "./run";

/** DescribeExecution calls in flight at once while looking for a shard: well under its throttling bucket. */
const DESCRIBE_CONCURRENCY = 10;

export async function logsCommand(io: Io, clients: Clients, stateMachine: StateMachine, run: string | undefined, shard?: number): Promise<number> {
    const runArn = run !== undefined ? executionArnOf(stateMachine, run) : await latestRun(clients, stateMachine);
    const runName = runNameOf(runArn);
    const executionArn = shard === undefined ? runArn : await shardExecution(io, clients, runArn, shard);
    const name = shard === undefined ? runName : `${runName} shard ${shard}`;
    const { view } = applyEvents(EMPTY_VIEW, await eventsAfter(clients.sfn, executionArn, 0));
    const locations = new LogLocations(clients.ecs);
    for (const task of view.tasks) {
        if (!task.taskDefinitionArn) {
            io.err(`Task ${task.taskId} (attempt ${task.attempt}): its task definition is not in the history, so its logs cannot be found.`);
            continue;
        }
        const where = await locations.of(task.taskDefinitionArn);
        const stream = new LogStream(clients.logs, where.group, `${where.streamPrefix}/${task.taskId}`);
        io.err(`Task ${task.taskId} (attempt ${task.attempt}${task.onDemand ? ", on-demand" : ""}), log stream ${stream.group} ${stream.stream}:`);
        (await stream.read()).forEach((l) => io.out(l));
        if (!stream.started) {
            io.err(`No log stream for task ${task.taskId}: its container never started, or the log group's retention has removed it.`);
        }
    }
    if (shard === undefined && view.mapRunArn !== undefined) {
        const counts = formatShardCounts((await mapRunOf(clients.sfn, runArn).catch(() => undefined))?.counts);
        io.err(`Run ${runName} ran its tasks in shards${counts ? ` (${counts})` : ""}: add --shard K (0 for the first) to see shard K's logs.`);
    }
    const end = view.stopped ?? io.now();
    io.err(verdict(name, view, formatDuration(end.getTime() - (view.started ?? end).getTime())).line);
    return 0;
}

/**
 * The child execution of shard `shard` of a sharded run: the Map Run's child executions are
 * listed (ListExecutions by Map Run) and described until one's input says `"shard": <shard>`, the
 * index the runner gives it and its task's `SHARD_INDEX`.
 */
async function shardExecution(io: Io, clients: Clients, runArn: string, shard: number): Promise<string> {
    const mapRun = await mapRunOf(clients.sfn, runArn);
    if (!mapRun) {
        throw new CliError(`Run ${runNameOf(runArn)} has no shards: it is not a sharded job's run, or it ended before its shards started; leave out --shard.`);
    }
    const total = mapRun.counts?.total;
    if (total !== undefined && shard >= total) {
        throw new CliError(`Run ${runNameOf(runArn)} has ${total} shard${total === 1 ? "" : "s"}, 0 to ${total - 1}: there is no shard ${shard}.`);
    }
    for await (const page of paginateListExecutions({ client: clients.sfn, pageSize: 1000 }, { mapRunArn: mapRun.mapRunArn })) {
        const arns = (page.executions ?? []).map((e) => e.executionArn).filter((a): a is string => a !== undefined);
        for (let i = 0; i < arns.length; i += DESCRIBE_CONCURRENCY) {
            const described = await Promise.all(arns.slice(i, i + DESCRIBE_CONCURRENCY).map((executionArn) => clients.sfn.send(new DescribeExecutionCommand({ executionArn }))));
            const found = described.find((d) => shardOfInput(d.input) === shard);
            if (found?.executionArn) {
                io.err(`Shard ${shard} of run ${runNameOf(runArn)}: execution ${found.executionArn}`);
                return found.executionArn;
            }
        }
    }
    throw new CliError(`Shard ${shard} of run ${runNameOf(runArn)} has no execution (it never started: the run may have failed before it).`);
}

/** The `shard` of a child execution's input, as the runner's Map state gives it. */
function shardOfInput(input: string | undefined): number | undefined {
    try {
        const value = JSON.parse(input ?? "null");
        return typeof value?.shard === "number" ? value.shard : undefined;
    } catch {
        return undefined;
    }
}

async function latestRun(clients: Clients, stateMachine: StateMachine): Promise<string> {
    const [latest] = await recentExecutions(clients.sfn, stateMachine.arn, 1);
    if (!latest?.executionArn) {
        throw new CliError(`${stateMachine.name} has no runs yet; start one with \`fargate-workloads run\`.`);
    }
    return latest.executionArn;
}
