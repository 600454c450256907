/**
 * List prices used by `npm run plan`, per region, with the date they were taken. One table: no
 * price appears anywhere else in the code. Sources: the AWS pricing pages listed in
 * docs/prices.md (us-east-1, list prices as published in 2026).
 */
export interface PriceTable {
    readonly region: string;
    readonly takenOn: string;
    readonly source: string;
    readonly hoursPerMonth: number;
    readonly fargate: {
        readonly x86_64: { readonly vcpuHour: number; readonly gbHour: number };
        readonly arm64: { readonly vcpuHour: number; readonly gbHour: number };
        readonly ephemeralGbHourOver20: number;
        /** Share saved on Fargate Spot ("up to 70%": the estimate assumes the full 70%). */
        readonly spotDiscount: number;
    };
    readonly albHour: number;
    readonly lcuHour: number;
    readonly natGatewayHour: number;
    readonly natGatewayGb: number;
    readonly publicIpv4Hour: number;
    readonly stepFunctionsPerThousandTransitions: number;
    readonly schedulerPerMillion: number;
    readonly schedulerFreePerMonth: number;
    /** A standard-resolution alarm, per metric it reads, a month (an expression's metrics each count). */
    readonly alarmMetricMonth: number;
    /** A custom dashboard a month (the account's first three are free; the estimate counts every one). */
    readonly dashboardMonth: number;
    /** CloudWatch Logs: a GB ingested, a GB of vended logs (such as AWS WAF's) delivered to CloudWatch Logs (first 10 TB), a GB stored a month. */
    readonly logs: { readonly ingestedGb: number; readonly vendedIngestedGb: number; readonly storedGbMonth: number };
    /** S3 Standard storage, a GB a month. */
    readonly s3StandardGbMonth: number;
    /** S3 Standard PUT, COPY, POST and LIST requests, per thousand. */
    readonly s3PutPerThousand: number;
    /** A customer-managed KMS key a month (requests beyond the free tier are left out). */
    readonly kmsKeyMonth: number;
    /** Amazon SQS standard queue: a million requests (each 64 KB of a payload is one request), and the requests a month the account gets free. */
    readonly sqs: { readonly perMillionRequests: number; readonly freeRequestsPerMonth: number };
    /** AWS WAF: a web ACL a month, a rule (or rule group) a month, a million requests. */
    readonly waf: { readonly webAclMonth: number; readonly ruleMonth: number; readonly perMillionRequests: number };
}

export const PRICES: Readonly<Record<string, PriceTable>> = {
    "us-east-1": {
        region: "us-east-1",
        takenOn: "2026 list prices (docs/prices.md)",
        source: "AWS public price lists for us-east-1",
        hoursPerMonth: 730,
        fargate: {
            x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
            arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
            ephemeralGbHourOver20: 0.000111,
            spotDiscount: 0.7,
        },
        albHour: 0.0225,
        lcuHour: 0.008,
        natGatewayHour: 0.045,
        natGatewayGb: 0.045,
        publicIpv4Hour: 0.005,
        stepFunctionsPerThousandTransitions: 0.025,
        schedulerPerMillion: 1.0,
        schedulerFreePerMonth: 14_000_000,
        alarmMetricMonth: 0.1,
        dashboardMonth: 3.0,
        waf: { webAclMonth: 5.0, ruleMonth: 1.0, perMillionRequests: 0.6 },
        sqs: { perMillionRequests: 0.4, freeRequestsPerMonth: 1_000_000 },
        kmsKeyMonth: 1.0,
        logs: { ingestedGb: 0.5, vendedIngestedGb: 0.5, storedGbMonth: 0.03 },
        s3StandardGbMonth: 0.023,
        s3PutPerThousand: 0.005,
    },
};

/** The price table for `region`, falling back to us-east-1 with a note when there is none. */
export function pricesFor(region: string): { prices: PriceTable; note?: string } {
    const prices = PRICES[region];
    if (prices) {
        return { prices };
    }
    return { prices: PRICES["us-east-1"], note: `No price table for ${region}: us-east-1 prices are used, and ${region} usually costs the same or more.` };
}
