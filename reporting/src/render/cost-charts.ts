/**
 * The HTML report's sorted cost bars: by model, and by what the report is
 * grouped by (`--group-by`): callers, teams, profiles, tags. Only priced cost
 * is drawn; what has no price is said in the caption, never drawn as $0.
 */
import { MODEL_FAMILIES, type ModelFamily } from "../kernel/pricing/catalog";
import type { GroupKey } from "../model/grouping";
import type { UsageReport } from "../model/report";
import {
  barLabels,
  chart,
  familyColor,
  MAX_BARS,
  modelLabel,
  OKABE_ITO,
  share,
  type ChartSize,
  type ChartSpec,
} from "./chart-style";
import { formatCount, formatUsd } from "./sections";
import { visibleText } from "./safe-text";

interface Bar {
  /** Shortened for the axis by barLabels; the summary names it in full. */
  label: string;
  /** The label as given to barLabels, when the bar has a shorter name than `label` (model IDs). */
  shortLabel?: string;
  /** Null when none of the bar's invocations could be priced. */
  costUsd: number | null;
  unpricedInvocations: number;
  family?: ModelFamily;
}

/** What a group of bars is, for titles and captions: `team (request metadata)`, and its plural. */
interface Dimension {
  title: string;
  plural: string;
}

/** The most names of unpriced groups a caption lists; the tables below list every one. */
const MAX_NAMED = 5;

function unpricedCaption(bars: Bar[], what: string): string {
  const unpriced = bars.filter((bar) => bar.costUsd === null);
  const partly = bars.filter((bar) => bar.costUsd !== null && bar.unpricedInvocations > 0);
  const count = (list: Bar[]) => list.reduce((sum, bar) => sum + bar.unpricedInvocations, 0);
  let caption = "";
  if (unpriced.length > 0) {
    const names = unpriced.slice(0, MAX_NAMED).map((bar) => visibleText(bar.label));
    const more = unpriced.length > MAX_NAMED ? ` and ${unpriced.length - MAX_NAMED} more` : "";
    caption += ` Not drawn, having no price: ${names.join(", ")}${more} (${formatCount(count(unpriced))} invocations).`;
  }
  if (partly.length > 0) {
    caption += ` The bars leave out ${formatCount(count(partly))} unpriced invocations (of ${partly.length} ${what}).`;
  }
  return caption + (caption ? " The tables below count their tokens." : "");
}

/** Sorted horizontal bars of priced cost, each labelled with its figure, at most MAX_BARS of them. */
function costBars(id: string, dimension: Dimension, bars: Bar[], size: ChartSize): ChartSpec {
  const priced = bars
    .filter((bar): bar is Bar & { costUsd: number } => bar.costUsd !== null)
    .sort((a, b) => b.costUsd - a.costUsd);
  const shown = priced.slice(0, MAX_BARS);
  const labels = barLabels(
    shown.map((bar) => bar.shortLabel ?? bar.label),
    size.labelChars,
  );
  const values = shown.map((bar, index) => ({
    label: labels[index],
    costUsd: bar.costUsd,
    text: formatUsd(bar.costUsd),
    family: bar.family ?? "Other",
  }));
  const total = priced.reduce((sum, bar) => sum + bar.costUsd, 0);
  const top = priced[0];
  const maxCost = Math.max(0, ...values.map((value) => value.costUsd));
  const families = MODEL_FAMILIES.filter((family) => values.some((value) => value.family === family));
  // Short labels (teams) leave their unused room to the bars, at about 8 px a character at 12 px.
  const labelRoom = Math.min(size.labelLimit, Math.max(0, ...labels.map((label) => label.length)) * 8 + 8);
  const plotWidth = size.plotWidth - labelRoom;
  const x = {
    field: "costUsd",
    type: "quantitative",
    title: "Cost (USD)",
    // A tick every ~70 px at most: "$0$2$4" run together on a narrow plot.
    axis: { format: "$,.0f", tickCount: Math.max(2, Math.floor(plotWidth / 70)) },
    // Room on the right for the figures printed after the bars.
    scale: { domainMax: maxCost > 0 ? maxCost * 1.3 : 1 },
  };
  const y = {
    field: "label",
    type: "nominal",
    title: null,
    sort: values.map((value) => value.label),
    axis: { labelLimit: labelRoom },
  };
  const title = `Cost by ${dimension.title}`;
  return {
    id,
    title: priced.length > MAX_BARS ? `${title} (top ${MAX_BARS} of ${priced.length})` : title,
    summary:
      (top
        ? `${bars.length} ${dimension.plural}, costliest first. The costliest, ${top.label}, cost ${formatUsd(top.costUsd)} (${share(top.costUsd, total)} of the priced cost).`
        : `${bars.length} ${dimension.plural}; none of them could be priced.`) +
      unpricedCaption(bars, dimension.plural) +
      (labels.some((label, index) => label !== visibleText(shown[index].label))
        ? " Labels are shortened; the tables below give every name in full."
        : ""),
    spec: chart({
      width: plotWidth,
      height: { step: 22 },
      data: { values },
      layer: [
        {
          mark: { type: "bar" },
          encoding: bars.some((bar) => bar.family)
            ? { x, y, color: familyColor(families) }
            : { x, y, color: { value: OKABE_ITO.blue } },
        },
        { mark: { type: "text", align: "left", dx: 4, fontSize: 11 }, encoding: { x, y, text: { field: "text" } } },
      ],
    }),
  };
}

export function byModelChart(report: UsageReport, size: ChartSize): ChartSpec {
  return costBars(
    "cost-by-model",
    dimensionOf("model"),
    report.byModel.map((model) => ({
      label: model.modelId,
      shortLabel: modelLabel(model.modelId),
      costUsd: model.costUsd,
      unpricedInvocations: model.unpricedInvocations,
      family: model.family,
    })),
    size,
  );
}

/** A --group-by dimension in words: `metadata:team` is "team (request metadata, USD)". */
function dimensionOf(key: GroupKey): Dimension {
  if (key === "family") return { title: "model family (USD)", plural: "model families" };
  if (key === "caller") return { title: "caller (USD)", plural: "callers" };
  if (key === "profile") return { title: "application inference profile (USD)", plural: "profiles" };
  if (key === "model") return { title: "model (USD)", plural: "models" };
  const [kind, ...rest] = key.split(":");
  const name = visibleText(rest.join(":"));
  const source = kind === "tag" ? "profile tag" : "request metadata";
  return { title: `${name} (${source}, USD)`, plural: `${name} values` };
}

/** One dimension's cost: the group entries summed over the other dimensions' values. */
function dimensionBars(groups: NonNullable<UsageReport["groups"]>, key: GroupKey): Bar[] {
  const bars = new Map<string, Bar>();
  for (const entry of groups.entries) {
    const label = entry.values[key];
    const bar = bars.get(label) ?? { label, costUsd: null, unpricedInvocations: 0 };
    if (entry.costUsd !== null) bar.costUsd = (bar.costUsd ?? 0) + entry.costUsd;
    bar.unpricedInvocations += entry.unpricedInvocations;
    if (key === "family") bar.family = label as ModelFamily;
    bars.set(label, bar);
  }
  return [...bars.values()].map((bar) => ({
    ...bar,
    // Summed from rounded entries: rounded again so 0.1 + 0.2 shows as the report would.
    costUsd: bar.costUsd === null ? null : Math.round(bar.costUsd * 1e6) / 1e6,
  }));
}

/**
 * Cost by each --group-by dimension but the model (charted above), one chart per dimension: a bar per
 * combination would need labels too long to read ("search / us.sonnet-4-5-20250929"), and the table
 * below gives the combinations. Grouped by the model alone: callers when the source saw them, else families.
 */
export function byGroupCharts(report: UsageReport, size: ChartSize): ChartSpec[] {
  const keys = [...new Set(report.groups?.by ?? [])].filter((key) => key !== "model");
  const { groups } = report;
  if (groups && keys.length > 0) {
    return keys.map((key, index) =>
      costBars(
        index === 0 ? "cost-by-group" : `cost-by-group-${index + 1}`,
        dimensionOf(key),
        dimensionBars(groups, key),
        size,
      ),
    );
  }
  if (report.byCaller && report.groupBy !== "family") {
    return [
      costBars(
        "cost-by-group",
        dimensionOf("caller"),
        report.byCaller.map((caller) => ({
          label: caller.caller,
          costUsd: caller.costUsd,
          unpricedInvocations: caller.unpricedInvocations,
        })),
        size,
      ),
    ];
  }
  return [
    costBars(
      "cost-by-group",
      dimensionOf("family"),
      report.byFamily.map((family) => ({
        label: family.family,
        costUsd: family.costUsd,
        unpricedInvocations: family.unpricedInvocations,
        family: family.family,
      })),
      size,
    ),
  ];
}
