#!/usr/bin/env node
/**
 * The `fargate-workloads` command: run, follow and list the runs of a BatchTask. Usage and exit
 * codes are in docs/batch-cli.md, which the package ships. Everything it needs from the world comes through `Io`, so the
 * tests drive it with mocked AWS clients and a fake clock.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import { help, parseCommand, USAGE } from "./args";
import { createClients } from "./aws";
import { CliError, describeError, EXIT } from "./errors";
import { Io } from "./io";
import { parseOutputs, resolveJob } from "./jobs";
import { runCommand } from "./run";
import { formatRuns, listRuns } from "./runs";
import { logsCommand } from "./showLogs";

/** Runs the command `argv` and resolves to its exit code; never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
    try {
        const command = parseCommand(argv);
        if (command.name === "help") {
            io.out(help());
            return 0;
        }
        if (command.name === "usage") {
            // No arguments: what the command does, without an error line in front of it.
            io.err(USAGE);
            return EXIT.usage;
        }
        const outputs = command.outputs === undefined ? undefined : parseOutputs(await readOutputs(io, command.outputs), command.outputs === "-" ? "standard input" : command.outputs);
        const stateMachine = resolveJob(command.job, outputs);
        const clients = io.clients(stateMachine.region);
        switch (command.name) {
            case "run":
                return await runCommand(io, clients, stateMachine, command.input, command.follow);
            case "runs":
                formatRuns(await listRuns(clients.sfn, stateMachine.arn, command.limit), io.now()).forEach((l) => io.out(l));
                return 0;
            case "logs":
                return await logsCommand(io, clients, stateMachine, command.run, command.shard);
        }
    } catch (e) {
        const { message, exitCode } = describeError(e);
        io.err(`fargate-workloads: ${message}`);
        if (process.env.FARGATE_WORKLOADS_DEBUG && e instanceof Error && !(e instanceof CliError)) {
            io.err(e.stack ?? "");
        }
        return exitCode;
    }
}

async function readOutputs(io: Io, source: string): Promise<string> {
    if (source === "-") {
        return io.readStdin();
    }
    try {
        return io.readFile(source);
    } catch (e) {
        throw new CliError(`Cannot read the stack outputs from ${source} (${(e as Error).message}); write them with \`pulumi stack output --json > ${source}\`.`);
    }
}

/** The real world: the AWS SDK's default credential chain, the process's streams and clock. */
export function processIo(): Io {
    return {
        clients: createClients,
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: () => randomBytes(4).toString("hex"),
        readFile: (path) => fs.readFileSync(path, "utf8"),
        readStdin: async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of process.stdin) {
                chunks.push(chunk as Buffer);
            }
            return Buffer.concat(chunks).toString("utf8");
        },
    };
}

if (require.main === module) {
    main(process.argv.slice(2), processIo()).then((code) => {
        process.exitCode = code;
    });
}
