/** A small SVG chart of a run, written by hand: horizontal bar panels, stacked. */
import type { Measurement } from './measure.ts';
import type { BenchResults } from './report.ts';

interface Bar {
  label: string;
  value: number;
  color: string;
  /** Printed after the bar. */
  text: string;
}

interface Panel {
  title: string;
  bars: Bar[];
  scale: 'log' | 'linear';
  /** A vertical reference line (a target), with its label. */
  reference?: { value: number; label: string };
}

const WIDTH = 820;
const LABEL_WIDTH = 250;
const BAR_AREA = 440;
const BAR_HEIGHT = 14;
const GATEWAY = '#3b6fb6';
const BASELINE = '#9aa5b1';
const ACCENT = '#d9822b';

const px = (value: number) => Math.round(value * 10) / 10;
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderPanel(panel: Panel, top: number): { svg: string; height: number } {
  const values = panel.bars.map((bar) => bar.value).filter((value) => Number.isFinite(value) && value > 0);
  const max = Math.max(...values, panel.reference?.value ?? 0, 1e-9);
  const min = Math.min(...values, max);
  const logLow = Math.floor(Math.log10(Math.max(min, 1e-3))) - 0.3;
  const logHigh = Math.log10(max) + 0.05;
  const x = (value: number) => {
    if (!Number.isFinite(value) || value <= 0) return 0;
    const share = panel.scale === 'log' ? (Math.log10(value) - logLow) / (logHigh - logLow) : value / (max * 1.05);
    return LABEL_WIDTH + Math.max(1, share * BAR_AREA);
  };
  const parts = [`<text x="10" y="${top + 16}" font-weight="bold">${escapeXml(panel.title)}</text>`];
  let y = top + 28;
  for (const bar of panel.bars) {
    const end = x(bar.value);
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 11}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${px(Math.max(0, end - LABEL_WIDTH))}" height="${BAR_HEIGHT}" fill="${bar.color}"/>`,
      `<text x="${px(Math.max(end, LABEL_WIDTH) + 6)}" y="${y + 11}">${escapeXml(bar.text)}</text>`,
    );
    y += BAR_HEIGHT + 6;
  }
  if (panel.reference) {
    const at = x(panel.reference.value);
    parts.push(
      `<line x1="${px(at)}" y1="${top + 24}" x2="${px(at)}" y2="${y}" stroke="${ACCENT}" stroke-dasharray="4 3"/>`,
      `<text x="${px(at + 4)}" y="${top + 24}" fill="${ACCENT}">${escapeXml(panel.reference.label)}</text>`,
    );
  }
  parts.push(
    `<text x="${LABEL_WIDTH}" y="${y + 10}" fill="#666" font-size="10">${panel.scale === 'log' ? 'log scale' : 'linear scale'}</text>`,
  );
  return { svg: parts.join('\n'), height: y + 22 - top };
}

const pairs = (rows: readonly Measurement[]) =>
  [...new Set(rows.map((row) => row.scenario))].flatMap((scenario) => rows.filter((row) => row.scenario === scenario));
const colorOf = (row: Measurement) => (row.target.startsWith('baseline') ? BASELINE : GATEWAY);

export function renderChart(results: BenchResults): string {
  const panels: Panel[] = [];
  if (results.main.length > 0) {
    const rows = pairs(results.main);
    panels.push({
      title: 'Throughput: gateway (blue) vs direct Digest client (grey), operations/s',
      scale: 'log',
      bars: rows.map((row) => ({
        label: `${row.scenario} ${row.target}`,
        value: row.opsPerS,
        color: colorOf(row),
        text: `${row.opsPerS} ops/s`,
      })),
    });
    panels.push({
      title: 'CPU time per operation, ms (gateway process vs baseline client process)',
      scale: 'log',
      bars: rows.map((row) => ({
        label: `${row.scenario} ${row.target}`,
        value: row.cpuMsPerOp,
        color: colorOf(row),
        text: `${row.cpuMsPerOp} ms`,
      })),
    });
  }
  if (results.latency.length > 0) {
    panels.push({
      title: 'Upstream latency 20 ms: % of ideal (connections / 20 ms), single project query',
      scale: 'linear',
      reference: { value: 90, label: 'target 90%' },
      bars: results.latency.map((figures) => ({
        label: `${figures.row.target}, ${figures.row.connections} conn`,
        value: figures.percentOfIdeal,
        color: colorOf(figures.row),
        text: `${figures.percentOfIdeal}%  p50 +${figures.p50OverheadMs} ms`,
      })),
    });
  }
  const scale = [...results.scaleProjects, ...results.scaleInvitations];
  if (scale.length > 0) {
    panels.push({
      title: 'Scale: gateway CPU ms per operation (and peak RSS)',
      scale: 'log',
      bars: scale.map((row) => ({
        label: row.scenario,
        value: row.cpuMsPerOp,
        color: GATEWAY,
        text: `${row.cpuMsPerOp} ms, ${row.gatewayRssPeakMiB} MiB`,
      })),
    });
  }
  if (results.sweep.length > 0) {
    panels.push({
      title: 'Concurrency sweep, single project query: operations/s (gateway cores used)',
      scale: 'linear',
      bars: results.sweep.map((row) => ({
        label: `${row.connections} connections`,
        value: row.opsPerS,
        color: GATEWAY,
        text: `${row.opsPerS} ops/s (${row.gatewayCores} cores)`,
      })),
    });
  }
  if (results.replicas.length > 0) {
    panels.push({
      title: 'One gateway process vs two, operations/s (machine cores busy)',
      scale: 'linear',
      bars: results.replicas.map((row) => ({
        label: `${row.scenario} ${row.target}`,
        value: row.opsPerS,
        color: GATEWAY,
        text: `${row.opsPerS} ops/s (${row.machineBusyCores} cores)`,
      })),
    });
  }
  let top = 30;
  const rendered: string[] = [];
  for (const panel of panels) {
    const { svg, height } = renderPanel(panel, top);
    rendered.push(svg);
    top += height;
  }
  const subtitle = `${results.meta['mode'] as string} run ${results.meta['date'] as string}, node ${results.meta['node'] as string}, ${results.meta['cpus'] as number} cores shared by load generator, gateway and simulator`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" fill="#444">${escapeXml(subtitle)}</text>`,
    ...rendered,
    '</svg>',
    '',
  ].join('\n');
}
