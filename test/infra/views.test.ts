import { expect } from "chai";
import { dashboardUrl, SavedQueries, UsageDashboard } from "../../infra/views";
import { SAVED_QUERIES } from "../../reporting/src/kernel/queries";
import { oneResourceOf, promiseOf, resetRecorded, resourcesOf, settle, TEST_REGION } from "../helpers/pulumi-mocks";

describe("dashboard resource", () => {
  it("is named for the stack, built for its region and log group, with a console URL", async () => {
    resetRecorded();
    const view = new UsageDashboard("ud", {
      dashboardName: "bedrock-prod",
      logGroupName: "/team/bedrock",
      periodSeconds: 900,
      rangeHours: 72,
    });
    await settle(view.url, view.dashboard.dashboardName);
    const inputs = oneResourceOf("aws:cloudwatch/dashboard:Dashboard").inputs;
    expect(inputs.dashboardName).to.equal("bedrock-prod");
    const body = JSON.parse(String(inputs.dashboardBody));
    expect(body.start).to.equal("-PT72H");
    expect(body.widgets.find((w: { type: string }) => w.type === "log").properties.query).to.match(
      /^SOURCE '\/team\/bedrock'/,
    );
    expect(
      body.widgets.every(
        (w: { type: string; properties: { region?: string } }) =>
          w.type === "text" || w.properties.region === TEST_REGION,
      ),
    ).to.equal(true);
    expect(await promiseOf(view.url)).to.equal(
      `https://${TEST_REGION}.console.aws.amazon.com/cloudwatch/home?region=${TEST_REGION}#dashboards/dashboard/bedrock-prod`,
    );
  });

  it("links to the right console in China and GovCloud partitions", () => {
    expect(dashboardUrl("aws-cn", "cn-north-1", "d")).to.match(/^https:\/\/console\.amazonaws\.cn\//);
    expect(dashboardUrl("aws-us-gov", "us-gov-west-1", "d")).to.match(/^https:\/\/console\.amazonaws-us-gov\.com\//);
  });
});

describe("saved Logs Insights queries", () => {
  it("saves every query of the reporting package under Bedrock/, scoped to the log group", async () => {
    resetRecorded();
    const saved = new SavedQueries("sq", { logGroupName: "/aws/bedrock/modelinvocations" });
    const ids = await promiseOf(saved.ids);
    await settle(saved.ids);
    const definitions = resourcesOf("aws:cloudwatch/queryDefinition:QueryDefinition");
    expect(definitions.map((d) => d.inputs.name)).to.deep.equal(SAVED_QUERIES.map((q) => q.displayName));
    for (const definition of definitions) {
      expect(String(definition.inputs.name)).to.match(/^Bedrock\//);
      expect(definition.inputs.logGroupNames).to.deep.equal(["/aws/bedrock/modelinvocations"]);
    }
    expect(definitions.map((d) => d.inputs.queryString)).to.deep.equal(SAVED_QUERIES.map((q) => q.queryString));
    expect(Object.keys(ids)).to.deep.equal(SAVED_QUERIES.map((q) => q.name));
    expect(ids["usage-hourly"]).to.equal("sq-usage-hourly-id");
  });
});
