import * as pulumi from "@pulumi/pulumi";
import { AlertTopicOptions, TYPE_TOKENS } from "../components";

/**
 * The stack's alerts topic was the export job's own before (a child of the `export` BatchTask,
 * named `export-alerts`, with `-policy` and `-email` beside it). These aliases let `pulumi up`
 * keep that topic and its confirmed subscription instead of replacing them.
 */
export function stackAlertTopicAliases(): Pick<AlertTopicOptions, "opts" | "childOpts"> {
    const parent = pulumi.createUrn("export", TYPE_TOKENS.BatchTask);
    return {
        opts: { aliases: [{ name: "export-alerts", parent }] },
        childOpts: { policy: { aliases: [{ name: "export-alerts-policy", parent }] }, email: { aliases: [{ name: "export-alerts-email", parent }] } },
    };
}
