import * as pulumi from "@pulumi/pulumi";
import { AwsContext, PolicyStatement } from "../components";

/** The SSM ARN of a parameter path (`/a/b/` gives `arn:...:parameter/a/b`). */
export function parameterPathArn(ctx: AwsContext, parameterPath: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:parameter${parameterPath.replace(/\/$/, "")}`;
}

/**
 * Exactly what the TODO app does: item reads and writes on its table (never deleting the table),
 * reading its configuration under its parameter path, writing its data-protection keys under the
 * `DataProtection/` sub-path, and decrypting SecureStrings only through SSM.
 */
export function webTaskPolicy(ctx: AwsContext, tableArn: pulumi.Input<string>, parameterPath: string): PolicyStatement[] {
    const pathArn = parameterPathArn(ctx, parameterPath);
    return [
        {
            Sid: "TodoItems",
            Action: ["dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            Resource: [tableArn],
        },
        { Sid: "ReadConfigurationPath", Action: ["ssm:GetParametersByPath"], Resource: [pathArn] },
        { Sid: "ReadConfiguration", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [pulumi.interpolate`${pathArn}/*`] },
        { Sid: "WriteDataProtectionKeys", Action: ["ssm:PutParameter"], Resource: [pulumi.interpolate`${pathArn}/DataProtection/*`] },
        {
            Sid: "DecryptViaSsmOnly",
            Action: ["kms:Decrypt"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:kms:${ctx.region}:${ctx.accountId}:key/*`],
            Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`ssm.${ctx.region}.amazonaws.com` } },
        },
    ];
}
