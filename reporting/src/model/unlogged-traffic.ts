/**
 * Traffic the invocation logs never see: calls through the bedrock-mantle
 * endpoint, counted only by the AWS/BedrockMantle metrics. Shown beside the
 * report's log-based figures, never added to them, and priced only where the
 * model is one the price catalog knows.
 */
import { costOf, priceFor, type PricingOverrides } from "../kernel/pricing/rules";

/** To the micro-dollar, as the report rounds money (report.ts imports this module, so not from there). */
const roundUsd = (value: number) => Math.round(value * 1e6) / 1e6;

export interface MantleModelMetrics {
  /** The `Model` dimension's value. */
  model: string;
  inferences: number;
  clientErrors: number;
  inputTokens: number;
  outputTokens: number;
  /** False when CloudWatch returned part of a series only. */
  complete: boolean;
}

export interface UnloggedModel extends MantleModelMetrics {
  /** Input and output tokens at the catalog's in-region rates; null when the model is unknown to the catalog. */
  costUsd: number | null;
}

export interface UnloggedTraffic {
  from: "metrics, not logs";
  namespace: string;
  byModel: UnloggedModel[];
  totals: {
    inferences: number;
    clientErrors: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number | null;
  };
}

export function summarizeUnloggedTraffic(
  models: MantleModelMetrics[],
  namespace: string,
  overrides?: PricingOverrides,
): UnloggedTraffic {
  const byModel = models
    .filter((model) => model.inferences + model.inputTokens + model.outputTokens + model.clientErrors > 0)
    .map((model) => {
      const quote = priceFor(model.model, overrides);
      const cost = quote.priced
        ? costOf({ ...model, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 }, quote.rates)
        : null;
      return { ...model, costUsd: cost === null ? null : roundUsd(cost) };
    })
    .sort((a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens));
  const sum = (pick: (model: UnloggedModel) => number) => byModel.reduce((total, model) => total + pick(model), 0);
  const priced = byModel.filter((model) => model.costUsd !== null);
  return {
    from: "metrics, not logs",
    namespace,
    byModel,
    totals: {
      inferences: sum((model) => model.inferences),
      clientErrors: sum((model) => model.clientErrors),
      inputTokens: sum((model) => model.inputTokens),
      outputTokens: sum((model) => model.outputTokens),
      costUsd: priced.length === 0 ? null : roundUsd(priced.reduce((total, model) => total + (model.costUsd ?? 0), 0)),
    },
  };
}

/** What the report's notes say about it. */
export function unloggedTrafficNotes(traffic: UnloggedTraffic): string[] {
  if (traffic.byModel.length === 0) return [];
  const unpriced = traffic.byModel.filter((model) => model.costUsd === null).map((model) => model.model);
  return [
    `From metrics, not logs: ${traffic.totals.inferences} inferences through the bedrock-mantle endpoint (${traffic.namespace}) wrote no invocation logs; their ${traffic.totals.inputTokens} input and ${traffic.totals.outputTokens} output tokens are shown apart and are not in the totals above.`,
    ...(unpriced.length > 0
      ? [`Unpriced bedrock-mantle models (not in the price catalog): ${unpriced.join(", ")}.`]
      : []),
  ];
}
