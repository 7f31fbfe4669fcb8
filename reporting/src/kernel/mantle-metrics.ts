/**
 * CloudWatch metrics of the bedrock-mantle endpoint (Anthropic Messages,
 * OpenAI Responses and Chat Completions APIs), whose calls write no model
 * invocation logs: the one place the dashboard, the alarms and the report take
 * their names from (shared kernel: plain data, no I/O).
 *
 * Confirmed from AWS's page "Monitor bedrock-mantle inference using CloudWatch
 * metrics" (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-mantle-metrics.html):
 * the namespace `AWS/BedrockMantle`; `Inferences` and `InferenceClientErrors`
 * (Count), published at Account, Project, Model and Project+Model levels.
 *
 * UNCONFIRMED (not readable in the AWS page's excerpt; taken from public code
 * that reads these metrics, e.g. `SEARCH('{AWS/BedrockMantle,Model} ...')` and
 * tests that name `TotalInputTokens` and `TotalOutputTokens`): the token
 * metric names, the dimension name `Model`, and that the Account level is the
 * series without dimensions. If AWS names them otherwise, change them here.
 */
export const MANTLE_NAMESPACE = "AWS/BedrockMantle";
export const MANTLE_MODEL_DIMENSION = "Model";

export const MANTLE_METRICS = {
  inferences: "Inferences",
  clientErrors: "InferenceClientErrors",
  inputTokens: "TotalInputTokens",
  outputTokens: "TotalOutputTokens",
} as const;

/**
 * Bedrock's estimate of tokens-per-minute quota consumed, per ModelId, in
 * AWS/Bedrock: a count of tokens per minute (cache writes and the output
 * burndown multiplier included), not a percentage
 * (https://aws.amazon.com/blogs/machine-learning/improve-operational-visibility-for-inference-workloads-on-amazon-bedrock-with-new-cloudwatch-metrics-for-ttft-and-estimated-quota-consumption).
 */
export const ESTIMATED_TPM_QUOTA_USAGE = "EstimatedTPMQuotaUsage";
