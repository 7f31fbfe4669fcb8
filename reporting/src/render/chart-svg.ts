/**
 * Vega-Lite specifications to inline SVG, in Node, when the report is
 * written: the page needs no script and fetches nothing when it is opened.
 * Vega's headless view renders to an SVG string with no canvas or DOM
 * (https://vega.github.io/vega/usage/#node).
 */
import { pathToFileURL } from "node:url";
import { CHART_SIZES } from "./chart-style";
import { chartSpecs, type ChartSpec } from "./charts";
import type { UsageReport } from "../model/report";
import { htmlText } from "./safe-text";

interface VegaView {
  toSVG(): Promise<string>;
  finalize(): void;
}

interface TextItem {
  text?: unknown;
}

interface VegaModule {
  parse(spec: unknown): unknown;
  textMetrics: { width(item: TextItem, text?: unknown): number };
  fontSize(item: TextItem): number;
  logger(level: number): unknown;
  None: number;
  View: new (runtime: unknown, options: { renderer: "none"; logLevel: number }) => VegaView;
}

interface VegaLiteModule {
  compile(spec: unknown, options: { logger: unknown }): { spec: unknown };
}

/** One chart in every size: the same title and summary, an SVG per size (CHART_SIZES). */
export interface RenderedChart extends ChartSpec {
  svgs: Array<{ size: string; svg: string }>;
}

/**
 * Widths of sans-serif glyphs in em, by kind, on the wide side (DejaVu Sans,
 * Linux's usual sans-serif, is wider than Arial): a label laid out a little
 * wide leaves space, one laid out narrow is cut off at the chart's edge.
 */
function emWidth(character: string): number {
  if (/[iljtf.,:;'|!I1()[\] ]/.test(character)) return 0.36;
  if (/[mwMW@%]/.test(character)) return 0.95;
  if (/[A-Z]/.test(character)) return 0.74;
  return 0.64;
}

/**
 * Without a canvas, Vega guesses every character 0.8 em wide, which cuts
 * labels short and leaves gaps; this guess is nearer, glyph by glyph.
 */
function estimateTextWidth(vega: VegaModule) {
  return (item: TextItem, text?: unknown): number => {
    const value = text ?? item.text;
    const line = Array.isArray(value) ? value.join(" ") : value === undefined || value === null ? "" : String(value);
    let ems = 0;
    for (const character of line) ems += emWidth(character);
    return Math.ceil(ems * vega.fontSize(item));
  };
}

/**
 * A real dynamic import. TypeScript compiles `import()` in CommonJS to
 * `require()`, and Vega's ES module build has top-level await, which
 * `require()` refuses (ERR_REQUIRE_ASYNC_MODULE). Loaded on first use only:
 * Vega takes ~0.3 s to load, which --help and the other formats never pay.
 */
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;

async function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  const [vega, vegaLite] = await Promise.all(
    ["vega", "vega-lite"].map((name) => importModule(pathToFileURL(require.resolve(name)).href)),
  );
  return { vega: vega as VegaModule, vegaLite: vegaLite as VegaLiteModule };
}

/** The SVG made an image with a name: a title element and an aria-label for screen readers. */
function labelled(svg: string, chart: ChartSpec): string {
  const name = htmlText(`${chart.title}. ${chart.summary}`);
  // Joined, not String.replace(): a "$1" in the text (a cost such as $11.44, a model ID) would be read as a pattern.
  const opening = /^<svg([^>]*)>/.exec(svg);
  if (opening === null) throw new Error(`Vega rendered no SVG for the ${chart.id} chart`);
  const attributes = `role="img" aria-label="${name}" data-chart="${chart.id}"${opening[1]}`;
  return `<svg ${attributes}><title>${name}</title>${svg.slice(opening[0].length)}`;
}

async function renderSvg(vega: VegaModule, vegaLite: VegaLiteModule, chart: ChartSpec): Promise<string> {
  // Quiet: a warning printed among the report's output helps no one; a spec error still throws.
  const compiled = vegaLite.compile(chart.spec, { logger: vega.logger(vega.None) });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none", logLevel: vega.None });
  try {
    return labelled(await view.toSVG(), chart);
  } finally {
    view.finalize();
  }
}

/** The report's charts (charts.ts) rendered in each size. */
export async function renderCharts(report: UsageReport): Promise<RenderedChart[]> {
  const { vega, vegaLite } = await loadVega();
  // Vega's text metrics are one object for the whole process: the report is the only thing here drawing with it.
  vega.textMetrics.width = estimateTextWidth(vega);
  const bySize = CHART_SIZES.map((size) => ({ size: size.name, charts: chartSpecs(report, size) }));
  const rendered: RenderedChart[] = [];
  for (const [index, chart] of bySize[0].charts.entries()) {
    const svgs = [];
    for (const { size, charts } of bySize) svgs.push({ size, svg: await renderSvg(vega, vegaLite, charts[index]) });
    rendered.push({ ...chart, svgs });
  }
  return rendered;
}
