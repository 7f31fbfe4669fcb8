/**
 * Bedrock's bill from Cost Explorer, on GetCostAndUsage and GetDimensionValues
 * responses in the shapes the API returns
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html,
 * API_ResultByTime.html, API_Group.html, API_MetricValue.html): the Marketplace
 * service names asked for with Amazon Bedrock, every page read, both metrics kept.
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  CostExplorerClient,
  CostExplorerServiceException,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  type GetCostAndUsageCommandOutput,
} from "@aws-sdk/client-cost-explorer";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { costExplorerPeriod, readCostExplorerBill } from "../../../reporting/src/sources/cost-explorer";

const costExplorer = new CostExplorerClient({
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
});
const costExplorerMock = mockClient(costExplorer);

const WINDOW = { start: new Date("2026-11-13T06:00:00Z"), end: new Date("2026-11-15T00:00:00Z") };
const GROUPS = [
  { Type: "DIMENSION" as const, Key: "SERVICE" },
  { Type: "DIMENSION" as const, Key: "USAGE_TYPE" },
];

function usd(amount: string) {
  return { Amount: amount, Unit: "USD" };
}

const FIRST_PAGE: Partial<GetCostAndUsageCommandOutput> = {
  GroupDefinitions: GROUPS,
  ResultsByTime: [
    {
      TimePeriod: { Start: "2026-11-13", End: "2026-11-14" },
      Total: {},
      Groups: [
        {
          Keys: ["Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens-cross-region-global"],
          Metrics: { UnblendedCost: usd("1.2500000000"), NetAmortizedCost: usd("1.1000000000") },
        },
      ],
      Estimated: false,
    },
  ],
  DimensionValueAttributes: [],
  NextPageToken: "page-2",
};
const SECOND_PAGE: Partial<GetCostAndUsageCommandOutput> = {
  GroupDefinitions: GROUPS,
  ResultsByTime: [
    {
      TimePeriod: { Start: "2026-11-14", End: "2026-11-15" },
      Total: {},
      Groups: [
        {
          Keys: ["Claude 3 Haiku (Amazon Bedrock Edition)", "USE1-MP:USE1_InputTokenCount-Units"],
          Metrics: { UnblendedCost: usd("0.0300000000"), NetAmortizedCost: usd("0.0300000000") },
        },
      ],
      Estimated: true,
    },
  ],
  DimensionValueAttributes: [],
};

describe("the bill from Cost Explorer", () => {
  beforeEach(() => costExplorerMock.reset());

  it("asks for Amazon Bedrock and the Marketplace Claude services, daily by service and usage type, both metrics", async () => {
    costExplorerMock.on(GetDimensionValuesCommand).resolves({
      DimensionValues: [
        { Value: "Amazon Bedrock", Attributes: {} },
        { Value: "Claude 3 Haiku (Amazon Bedrock Edition)", Attributes: {} },
      ],
      ReturnSize: 2,
      TotalSize: 2,
    });
    costExplorerMock
      .on(GetCostAndUsageCommand, { NextPageToken: undefined })
      .resolves(FIRST_PAGE)
      .on(GetCostAndUsageCommand, { NextPageToken: "page-2" })
      .resolves(SECOND_PAGE);

    const bill = await readCostExplorerBill({ costExplorer, window: WINDOW });

    const [dimensions] = costExplorerMock.commandCalls(GetDimensionValuesCommand);
    expect(dimensions.args[0].input).to.deep.include({ Dimension: "SERVICE", SearchString: "Bedrock" });
    const calls = costExplorerMock.commandCalls(GetCostAndUsageCommand);
    expect(calls).to.have.length(2);
    expect(calls[0].args[0].input).to.deep.include({
      TimePeriod: { Start: "2026-11-13", End: "2026-11-15" },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost", "NetAmortizedCost"],
      Filter: {
        Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock", "Claude 3 Haiku (Amazon Bedrock Edition)"] },
      },
      GroupBy: GROUPS,
    });
    expect(bill.lines).to.deep.equal([
      {
        day: "2026-11-13",
        usageType: "USE1-Claude4.5Sonnet-input-tokens-cross-region-global",
        productName: "Amazon Bedrock",
        costUsd: 1.25,
        netAmortizedUsd: 1.1,
        principal: null,
        lineType: "usage",
      },
      {
        day: "2026-11-14",
        usageType: "USE1-MP:USE1_InputTokenCount-Units",
        productName: "Claude 3 Haiku (Amazon Bedrock Edition)",
        costUsd: 0.03,
        netAmortizedUsd: 0.03,
        principal: null,
        lineType: "usage",
      },
    ]);
    expect(bill.estimatedDays).to.deep.equal(["2026-11-14"]);
  });

  it("covers every UTC day the window touches, the last one included", () => {
    expect(costExplorerPeriod(WINDOW)).to.deep.equal({ Start: "2026-11-13", End: "2026-11-15" });
    const ragged = { start: new Date("2026-11-13T06:00:00Z"), end: new Date("2026-11-15T00:00:01Z") };
    expect(costExplorerPeriod(ragged)).to.deep.equal({ Start: "2026-11-13", End: "2026-11-16" });
  });

  it("says which permission is missing when Cost Explorer refuses", async () => {
    costExplorerMock.on(GetDimensionValuesCommand).rejects(
      new CostExplorerServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: {},
        message: "not authorized",
      }),
    );
    const error = await readCostExplorerBill({ costExplorer, window: WINDOW }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(OperationalError);
    expect((error as OperationalError).message).to.include("ce:GetDimensionValues");
    expect((error as OperationalError).hint).to.include("ce:GetCostAndUsage");
  });
});
