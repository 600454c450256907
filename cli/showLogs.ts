/**
 * `logs`: the logs of one run, found through its execution history (which names each attempt's
 * task and task definition) rather than ECS, which forgets stopped tasks within about an hour.
 */
import { Clients, eventsAfter, recentExecutions } from "./aws";
import { CliError } from "./errors";
import { applyEvents, EMPTY_VIEW, formatDuration, verdict } from "./history";
import { Io } from "./io";
import { executionArnOf, StateMachine } from "./jobs";
import { LogLocations, LogStream } from "./logs";
import { runNameOf } from "./run";

export async function logsCommand(io: Io, clients: Clients, stateMachine: StateMachine, run: string | undefined): Promise<number> {
    const executionArn = run !== undefined ? executionArnOf(stateMachine, run) : await latestRun(clients, stateMachine);
    const name = runNameOf(executionArn);
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
    const end = view.stopped ?? io.now();
    io.err(verdict(name, view, formatDuration(end.getTime() - (view.started ?? end).getTime())).line);
    return 0;
}

async function latestRun(clients: Clients, stateMachine: StateMachine): Promise<string> {
    const [latest] = await recentExecutions(clients.sfn, stateMachine.arn, 1);
    if (!latest?.executionArn) {
        throw new CliError(`${stateMachine.name} has no runs yet; start one with \`fargate-workloads run\`.`);
    }
    return latest.executionArn;
}
