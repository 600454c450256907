import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext, dashboardBody, DashboardWidget, physicalName } from "../components";

/** A section of the stack's dashboard: a heading and a component's widgets. */
export interface DashboardSection {
    readonly title: string;
    readonly widgets: readonly pulumi.Input<DashboardWidget>[];
}

/**
 * The stack's CloudWatch dashboard (`<project>-<stack>`): a section per component, and its
 * console address. Dashboard names allow letters, digits, "-" and "_".
 */
export function createStackDashboard(ctx: AwsContext, sections: readonly DashboardSection[]): { dashboard: aws.cloudwatch.Dashboard; url: pulumi.Output<string> } {
    const dashboardName = physicalName([pulumi.getProject(), pulumi.getStack()], 255, /[A-Za-z0-9_-]/);
    const dashboard = new aws.cloudwatch.Dashboard("dashboard", { dashboardName, dashboardBody: dashboardBody(sections) });
    const url = pulumi.interpolate`https://${ctx.region}.console.aws.amazon.com/cloudwatch/home?region=${ctx.region}#dashboards/dashboard/${dashboard.dashboardName}`;
    return { dashboard, url };
}
