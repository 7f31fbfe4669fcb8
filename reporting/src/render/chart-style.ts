/**
 * What every chart of the HTML report shares: the colour-blind-safe palette,
 * the two sizes each chart is drawn in, Vega-Lite's configuration, and bar
 * labels short enough to read.
 */
import type { ModelFamily } from "../kernel/pricing/catalog";
import { visibleText } from "./safe-text";

/**
 * Okabe and Ito's colour-blind-safe set ("Color Universal Design",
 * https://jfly.uni-koeln.de/color/): distinguishable with every common colour
 * vision deficiency.
 */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

const FAMILY_COLORS: Record<ModelFamily, string> = {
  Opus: OKABE_ITO.blue,
  Sonnet: OKABE_ITO.orange,
  Haiku: OKABE_ITO.bluishGreen,
  Other: OKABE_ITO.reddishPurple,
};

export interface ChartSpec {
  id: string;
  title: string;
  /** The chart's text alternative: what a reader should take from it, in one or two sentences. */
  summary: string;
  spec: Record<string, unknown>;
}

/** A part of a whole as a rounded percentage. */
export function share(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : "0%";
}

/** The most bars a by-group chart shows; the tables below the charts list every group. */
export const MAX_BARS = 20;
/** A chart's size: the plot's width, and how much of it a bar's label may take, in pixels and characters. */
export interface ChartSize {
  name: "wide" | "narrow";
  plotWidth: number;
  labelLimit: number;
  labelChars: number;
}

/** Two renderings of each chart: one for a screen, one for a phone (the page shows the one that fits). */
export const CHART_SIZES: readonly ChartSize[] = [
  { name: "wide", plotWidth: 580, labelLimit: 280, labelChars: 34 },
  { name: "narrow", plotWidth: 320, labelLimit: 150, labelChars: 18 },
];

const ARN_RESOURCE = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(.+)$/;

/**
 * A model ID as a bar label: without the words every Claude ID shares
 * (`anthropic.`, `claude-`) and the API version suffix (`-v1:0`), so what
 * differs (route, model, date) fits.
 */
export function modelLabel(modelId: string): string {
  return modelId
    .replace(/anthropic\./g, "")
    .replace(/claude-/g, "")
    .replace(/-v\d+(:\d+)?$/, "");
}

/**
 * Bar labels that fit and stay apart: an ARN by its resource (`assumed-role/App`),
 * a long one cut at `maxChars` with an ellipsis, and a number added to a label
 * another bar already has. The tables give every ID in full.
 */
export function barLabels(texts: readonly string[], maxChars: number): string[] {
  const seen = new Set<string>();
  return texts.map((text) => {
    const visible = visibleText(text);
    const short = ARN_RESOURCE.exec(visible)?.[1] ?? visible;
    let label = short.length > maxChars ? `${short.slice(0, maxChars - 1)}…` : short;
    for (let copy = 2; seen.has(label); copy += 1) label = `${label.replace(/ #\d+$/, "")} #${copy}`;
    seen.add(label);
    return label;
  });
}

const CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  // The figure carries the text alternative; per-mark ARIA labels would repeat the tables, once per mark.
  aria: false,
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal" },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: "top" },
  view: { stroke: null },
};

export function chart(spec: Record<string, unknown>): Record<string, unknown> {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: CONFIG, ...spec };
}

export function familyColor(families: readonly ModelFamily[]) {
  return {
    field: "family",
    type: "nominal",
    title: "Model family",
    scale: { domain: families, range: families.map((family) => FAMILY_COLORS[family]) },
    sort: families,
  };
}
