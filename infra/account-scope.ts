import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountScope } from "./policies";

/** The partition, region and account the stack deploys into, looked up once per component. */
export function accountScope(opts: pulumi.InvokeOutputOptions): pulumi.Output<AccountScope> {
  return pulumi
    .all([aws.getPartitionOutput({}, opts), aws.getRegionOutput({}, opts), aws.getCallerIdentityOutput({}, opts)])
    .apply(([partition, region, identity]) => ({
      partition: partition.partition,
      region: region.region,
      accountId: identity.accountId,
    }));
}
