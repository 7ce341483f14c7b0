import type {
  Counter,
  Histogram,
  Meter,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import type { InstrumentSpec } from './instruments.js';

type Spec<T extends InstrumentSpec['type']> = InstrumentSpec & { type: T };

/** The instrument of a spec of instruments.ts, made on a meter (one place for units and advice). */
export function histogram(meter: Meter, spec: Spec<'histogram'>): Histogram {
  return meter.createHistogram(spec.name, {
    unit: spec.unit,
    description: spec.description,
    ...(spec.buckets && { advice: { explicitBucketBoundaries: [...spec.buckets] } }),
  });
}

export function counter(meter: Meter, spec: Spec<'counter'>): Counter {
  return meter.createCounter(spec.name, { unit: spec.unit, description: spec.description });
}

export function observableCounter(
  meter: Meter,
  spec: Spec<'observableCounter'>,
): ObservableCounter {
  return meter.createObservableCounter(spec.name, {
    unit: spec.unit,
    description: spec.description,
  });
}

export function observableGauge(meter: Meter, spec: Spec<'observableGauge'>): ObservableGauge {
  return meter.createObservableGauge(spec.name, { unit: spec.unit, description: spec.description });
}
