import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (own registry, so tests can run several). */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly redirects = new Counter({
    name: 'linkpulse_redirects_total', help: 'Redirect requests answered, by status', labelNames: ['status'], registers: [this.registry],
  });
  readonly clicksStored = new Counter({
    name: 'linkpulse_clicks_stored_total', help: 'Clicks committed to the database', registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'linkpulse_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'linkpulse_' });
  }
}
