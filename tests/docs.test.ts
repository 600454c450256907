import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const behaviour = fs.readFileSync(path.join(ROOT, "docs", "aws-behaviour.md"), "utf8");

/** Every `tests/<file>` › "<title>" the document names, with "…" marking a shortened title. */
function pins(text: string): { file: string; title: string }[] {
    const found: { file: string; title: string }[] = [];
    // A reference names its file once, then one or more quoted titles separated by ; or ,
    const reference = /`(tests\/[\w.]+\.test\.ts)`\s*›\s*((?:"[^"]+"[;,]?\s*(?:and\s*)?)+)/g;
    for (const match of text.replace(/\n\s*/g, " ").matchAll(reference)) {
        for (const title of match[2].matchAll(/"([^"]+)"/g)) {
            found.push({ file: match[1], title: title[1] });
        }
    }
    return found;
}

describe("docs/aws-behaviour.md", () => {
    const found = pins(behaviour);

    it("names the tests that pin each behaviour", () => {
        assert.ok(found.length >= 40, `found ${found.length} test references`);
    });

    it("names only tests that exist, with their titles as written", () => {
        const missing = found.filter(({ file, title }) => {
            const source = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/\s*\n\s*/g, " ");
            const text = title.replace(/…$/, "").replace(/^…/, "");
            return !title.split("…").every((part) => source.includes(part.trim())) && !source.includes(text);
        });
        assert.deepStrictEqual(missing, []);
    });

    it("cites public pages and this repository only", () => {
        const links = [...behaviour.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
        assert.ok(links.length >= 30);
        for (const link of links) {
            // A page of this repository's docs/ (tests/docBlocks.test.ts checks that it and its anchor exist), or a public source.
            assert.match(link, /^(https:\/\/(docs\.aws\.amazon\.com|aws\.amazon\.com|github\.com|repost\.aws)\/|#|[a-z0-9-]+\.md(#|$))/, link);
        }
        assert.ok(!/shared\/|aws-facts/.test(behaviour), "no reference to files outside the repository");
    });
});
