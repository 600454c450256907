/**
 * IAM: roles (description, trust policy size, session duration) and inline and managed policies
 * (size without white space, statements).
 */
import { at } from "../preview";
import { Add, intIn, lengthAtMost, parseJson, Rule } from "./common";

/** IAM quotas (characters, white space excluded). */
export const IAM_QUOTAS = { inlineRolePoliciesChars: 10240, managedPolicyChars: 6144, trustPolicyChars: 2048, roleDescription: 1000, policyName: 128 } as const;

/** JSON length without white space outside strings, as IAM counts policy size. */
function compactLength(json: string): number {
    try {
        return JSON.stringify(JSON.parse(json)).length;
    } catch {
        return json.length;
    }
}

export function roleRules(p: Record<string, any>, add: Add): void {
    const description = at(p, "description");
    lengthAtMost(add, "description", description, IAM_QUOTAS.roleDescription);
    if (typeof description === "string" && !/^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/.test(description)) {
        add("description holds characters IAM refuses");
    }
    const trust = at(p, "assumeRolePolicy");
    if (typeof trust === "string" && compactLength(trust) > IAM_QUOTAS.trustPolicyChars) {
        add(`assumeRolePolicy is ${compactLength(trust)} characters; IAM accepts ${IAM_QUOTAS.trustPolicyChars} by default`);
    }
    intIn(add, "maxSessionDuration", at(p, "maxSessionDuration"), 3600, 43200, "seconds");
}

export function policyDocumentRules(max: number): Rule {
    return (p, add) => {
        const text = at(p, "policy");
        const doc = parseJson(add, "policy", text);
        if (doc === undefined) {
            return;
        }
        if (typeof text === "string" && compactLength(text) > max) {
            add(`policy is ${compactLength(text)} characters without white space; IAM accepts at most ${max}`);
        }
        const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
        statements.forEach((s: any, i: number) => {
            if (s?.Effect !== "Allow" && s?.Effect !== "Deny") {
                add(`Statement[${i}].Effect must be Allow or Deny`);
            }
            const actions = [s?.Action ?? s?.NotAction].flat();
            if (actions.length === 0 || actions.some((a: unknown) => a === undefined)) {
                add(`Statement[${i}] names no action`);
            }
            for (const action of actions) {
                if (typeof action === "string" && action !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
                    add(`Statement[${i}] action ${JSON.stringify(action)} is not of the form service:Action`);
                }
            }
            if (s?.Resource === undefined && s?.NotResource === undefined) {
                add(`Statement[${i}] names no resource`);
            }
        });
    };
}
