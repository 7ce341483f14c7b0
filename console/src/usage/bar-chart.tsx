import { formatNumber } from '../format.js';

export interface Bar {
  label: string;
  /** One value per stack (input, output, ...). */
  values: number[];
}

/**
 * Horizontal stacked bars for categories (models, agents): plain SVG, each segment with its own
 * tooltip (<title>), the same numbers as data on the figure and in the table.
 */
export function BarChart(props: {
  id: string;
  title: string;
  stacks: Array<{ label: string; color: string }>;
  bars: Bar[];
  empty: string;
}) {
  const max = Math.max(1, ...props.bars.map((bar) => bar.values.reduce((a, b) => a + b, 0)));
  // Bars of nothing are left out of the drawing (the table still lists them).
  const drawn = props.bars.filter((bar) => bar.values.some((value) => value > 0));
  const rowHeight = 28;
  const labelWidth = 140;
  const width = 600;
  const data = {
    x: props.bars.map((bar) => bar.label),
    series: Object.fromEntries(
      props.stacks.map((stack, index) => [
        stack.label,
        props.bars.map((bar) => bar.values[index] ?? 0),
      ]),
    ),
  };
  return (
    <figure class="chart" data-chart={props.id} data-series={JSON.stringify(data)}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <ul class="legend" aria-hidden="true">
        {props.stacks.map((stack) => (
          <li key={stack.label}>
            <span class="swatch" style={{ background: stack.color }} /> {stack.label}
          </li>
        ))}
      </ul>
      {drawn.length === 0 ? (
        <p class="empty">{props.empty}</p>
      ) : (
        <svg
          class="bars"
          viewBox={`0 0 ${width} ${drawn.length * rowHeight}`}
          role="img"
          aria-label={`${props.title}: chart; the table below has the numbers`}
        >
          {drawn.map((bar, row) => {
            let x = labelWidth;
            const y = row * rowHeight;
            return (
              <g key={bar.label}>
                <text
                  x={labelWidth - 8}
                  y={y + rowHeight / 2 + 4}
                  text-anchor="end"
                  class="bar-label"
                >
                  {bar.label.length > 20 ? `${bar.label.slice(0, 19)}…` : bar.label}
                </text>
                {bar.values.map((value, index) => {
                  const w = (value / max) * (width - labelWidth - 10);
                  const segment = (
                    <rect
                      key={index}
                      x={x}
                      y={y + 4}
                      width={w}
                      height={rowHeight - 8}
                      fill={props.stacks[index]?.color}
                    >
                      <title>
                        {bar.label} · {props.stacks[index]?.label}: {formatNumber(value)}
                      </title>
                    </rect>
                  );
                  x += w;
                  return segment;
                })}
              </g>
            );
          })}
        </svg>
      )}
      <details class="numbers">
        <summary>Numbers</summary>
        <table aria-labelledby={`${props.id}-title`} data-table={props.id}>
          <thead>
            <tr>
              <th scope="col">{props.id.includes('agent') ? 'Agent' : 'Model'}</th>
              {props.stacks.map((stack) => (
                <th scope="col" key={stack.label}>
                  {stack.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.bars.map((bar) => (
              <tr key={bar.label}>
                <th scope="row">{bar.label}</th>
                {bar.values.map((value, index) => (
                  <td key={index}>{formatNumber(value)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
