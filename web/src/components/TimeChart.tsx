import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const COLORS = ["#2f7bf5", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#1098ad", "#f08c00", "#5f3dc4"];

/**
 * A time-series chart (uPlot) of `series` over `times` (Unix seconds), as wide as its box. The
 * figure carries a text summary for screen readers.
 */
export function TimeChart({
  title,
  times,
  series,
  unit,
  height = 180,
}: {
  title: string;
  times: number[];
  series: ChartSeries[];
  unit: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join("\u0000");

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = getComputedStyle(el).color;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      scales: { x: { time: true } },
      axes: [
        { stroke: axis, grid: { stroke: "rgba(128,128,128,0.2)" } },
        {
          stroke: axis,
          grid: { stroke: "rgba(128,128,128,0.2)" },
          values: (_u, v) => v.map((x) => `${x}${unit}`),
        },
      ],
      series: [
        {},
        ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2 })),
      ],
    };
    const u = new uPlot(opts, [[], ...series.map(() => [])] as uPlot.AlignedData, el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt when the set of series changes; data updates go through setData below.
  }, [labels, height, unit]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [times, series]);

  const last = series
    .map((s) => `${s.label} ${s.values[s.values.length - 1] ?? "no data"}${unit}`)
    .join(", ");
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-box" aria-hidden="true" />
      <p className="sr-only">
        {times.length} samples over the last hour; latest: {last || "none"}
      </p>
    </figure>
  );
}
