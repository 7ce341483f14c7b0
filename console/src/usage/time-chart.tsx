import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../format.js';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color: string;
  /** Shade the area under the line (counts), not for measures such as latency. */
  fill?: boolean;
  /** Dashed, to tell apart a line that often lies on another one. */
  dashed?: boolean;
}

/**
 * A per-day line chart (uPlot on a canvas). What it plots is also on the figure as data (the
 * `data-series` attribute, read by the tests) and in the table under it (read by people and
 * screen readers); the tooltip follows the pointer or the keyboard's focus on the table.
 */
export function TimeChart(props: {
  id: string;
  title: string;
  days: string[];
  series: ChartSeries[];
  format?: (value: number | null) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const format = props.format ?? formatNumber;
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const xs = props.days.map((day) => Date.parse(`${day}T12:00:00Z`) / 1000);
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { y: false, points: { size: 8 } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
          {
            stroke: 'currentColor',
            grid: { stroke: 'rgba(128,128,128,0.15)' },
            size: 60,
            values: (_u, ticks) => ticks.map((tick) => format(tick)),
          },
        ],
        series: [
          {},
          ...props.series.map((series) => ({
            label: series.label,
            stroke: series.color,
            width: 2,
            ...(series.fill && { fill: `${series.color}22` }),
            ...(series.dashed && { dash: [6, 4] }),
            points: { show: props.days.length <= 62 },
            spanGaps: false,
          })),
        ],
        hooks: {
          setCursor: [
            (u) => {
              const index = u.cursor.idx;
              const node = tip.current;
              if (!node) return;
              if (index === null || index === undefined) {
                node.hidden = true;
                return;
              }
              node.hidden = false;
              node.textContent = [
                props.days[index],
                ...props.series.map(
                  (series) => `${series.label}: ${format(series.values[index] ?? null)}`,
                ),
              ].join('\n');
              const left = Math.min((u.cursor.left ?? 0) + 12, u.over.clientWidth - 160);
              node.style.transform = `translate(${Math.max(0, left)}px, 8px)`;
            },
          ],
        },
      },
      [xs, ...props.series.map((series) => series.values)] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(280, element.clientWidth), height: 220 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props.days, props.series]);
  const data = {
    x: props.days,
    series: Object.fromEntries(props.series.map((series) => [series.label, series.values])),
  };
  return (
    <figure class="chart" data-chart={props.id} data-series={JSON.stringify(data)}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <ul class="legend" aria-hidden="true">
        {props.series.map((series) => (
          <li key={series.label}>
            <span class="swatch" style={{ background: series.color }} /> {series.label}
          </li>
        ))}
      </ul>
      <div
        class="plot"
        ref={box}
        role="img"
        aria-label={`${props.title}: chart; the table below has the numbers`}
      >
        <div class="tooltip" ref={tip} hidden />
      </div>
      <details class="numbers">
        <summary>Numbers</summary>
        <table aria-labelledby={`${props.id}-title`} data-table={props.id}>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {props.series.map((series) => (
                <th scope="col" key={series.label}>
                  {series.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.days.map((day, index) => (
              <tr key={day}>
                <th scope="row">{day}</th>
                {props.series.map((series) => (
                  <td key={series.label}>{format(series.values[index] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
