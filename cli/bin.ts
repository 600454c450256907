#!/usr/bin/env node
/**
 * The `fargate-workloads` executable. `plan` is dispatched before anything of the batch commands
 * loads (they bring the AWS SDK; the plan brings Pulumi, in the process it starts): each pays
 * only for its own modules. Everything else is main.ts's.
 */
const argv = process.argv.slice(2);

if (argv[0] === "plan") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("../scripts/plan/command") as typeof import("../scripts/plan/command")).planCommand(argv.slice(1)).then((code) => {
        process.exitCode = code;
    });
} else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { main, processIo } = require("./main") as typeof import("./main");
    main(argv, processIo()).then((code) => {
        if (["help", "--help", "-h"].includes(argv[0] ?? "help") && code === 0) {
            process.stdout.write("\nfargate-workloads plan --help: what a Pulumi program would create for a stack, wired and priced, without the Pulumi CLI or credentials.\n");
        }
        process.exitCode = code;
    });
}
