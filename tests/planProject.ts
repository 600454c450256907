import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./program";

/** The project the plan's evaluation tests read (tests/fixtures/planProject). */
export const PLAN_FIXTURE = path.join(ROOT, "tests", "fixtures", "planProject");

/** A project folder in the temporary directory whose node_modules link to this repository's packages. */
export function tempProject(files: Record<string, string>, packages: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    for (const pkg of packages) {
        fs.mkdirSync(path.dirname(path.join(dir, "node_modules", pkg)), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules", pkg), path.join(dir, "node_modules", pkg), "dir");
    }
    return dir;
}
