/**
 * The AWS account the mock harness pretends to run in (part of `fargate-workloads/testing`):
 * its region, id, partition and Availability Zones, and the invokes that describe it.
 */

/** What the default invokes answer. */
export interface MockAccount {
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    readonly availabilityZones: readonly string[];
}

/** Defaults of the mock account: us-east-1 in a documentation account. */
export const MOCK_ACCOUNT: MockAccount = {
    region: "us-east-1",
    accountId: "123456789012",
    partition: "aws",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
};

/** An invoke answer: a function of the invoke's inputs. */
export type InvokeHandler = (inputs: Record<string, any>) => Record<string, any>;

/** `account` moved to `region` (with AZs `<region>a..c`); the account itself when the region is its own or none is given. */
export function accountInRegion(account: MockAccount, region: string | undefined): MockAccount {
    return region && region !== account.region ? { ...account, region, availabilityZones: ["a", "b", "c"].map((z) => `${region}${z}`) } : account;
}

/**
 * Answers of the invokes that describe the account (region, caller identity, partition, AZs),
 * by token. `account` is read at each call, so the answers follow a change of stack or region.
 */
export function accountInvokes(account: () => MockAccount): Record<string, InvokeHandler> {
    return {
        "aws:index/getRegion:getRegion": () => {
            const { region } = account();
            return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        },
        "aws:index/getCallerIdentity:getCallerIdentity": () => {
            const { accountId, partition } = account();
            return { id: accountId, accountId, arn: `arn:${partition}:iam::${accountId}:user/test`, userId: "AIDATESTUSER" };
        },
        "aws:index/getPartition:getPartition": () => {
            const { partition } = account();
            return { id: partition, partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        },
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => {
            const { region, availabilityZones } = account();
            return { id: region, names: [...availabilityZones], zoneIds: availabilityZones.map((_, i) => `az${i + 1}`), groupNames: [region] };
        },
    };
}
