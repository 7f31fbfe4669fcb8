/**
 * The AWS Price List API: GetProducts for the Claude offers, every page.
 * The Price List answers from us-east-1 (among a few regions), whatever
 * region's prices it lists (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-price-list-query-api.html).
 */
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { describeAwsFailure } from "../aws/clients";
import { PRICE_LIST_SERVICE_CODES, type PriceListPage } from "../kernel/pricing/price-list";

export const PRICE_LIST_ENDPOINT_REGION = "us-east-1";

export interface ReadPriceListOptions {
  /** The region whose prices to read (the products' `regionCode`). */
  regionCode: string;
  awsProfile?: string;
  signal?: AbortSignal;
  client?: Pick<PricingClient, "send">;
}

/** Every page of both offers for the region; an AWS failure becomes an OperationalError naming pricing:GetProducts. */
export async function readPriceList(options: ReadPriceListOptions): Promise<PriceListPage[]> {
  const client =
    options.client ??
    new PricingClient({
      region: PRICE_LIST_ENDPOINT_REGION,
      ...(options.awsProfile ? { profile: options.awsProfile } : {}),
      retryMode: "adaptive",
      maxAttempts: 6,
    });
  const pages: PriceListPage[] = [];
  for (const serviceCode of PRICE_LIST_SERVICE_CODES) {
    let nextToken: string | undefined;
    do {
      try {
        const response = await client.send(
          new GetProductsCommand({
            ServiceCode: serviceCode,
            Filters: [{ Type: "TERM_MATCH", Field: "regionCode", Value: options.regionCode }],
            FormatVersion: "aws_v1",
            MaxResults: 100,
            NextToken: nextToken,
          }),
          { abortSignal: options.signal },
        );
        pages.push({ serviceCode, priceList: [...(response.PriceList ?? [])] });
        nextToken = response.NextToken;
      } catch (error) {
        throw describeAwsFailure(error, {
          permission: "pricing:GetProducts",
          resource: `the ${serviceCode} offer`,
          region: PRICE_LIST_ENDPOINT_REGION,
          required: ["pricing:GetProducts"],
        });
      }
    } while (nextToken);
  }
  return pages;
}
