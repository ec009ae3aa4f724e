// Pushes traces to an OTLP/HTTP endpoint with the real OpenTelemetry JS SDK and its JSON exporter
// (@opentelemetry/exporter-trace-otlp-http sends application/json with hex IDs), then prints what it sent
// as one JSON document on stdout so the test can look for every span in the ingest log.
//   node push-otlp-json.js <url e.g. http://127.0.0.1:4318/v1/traces> <traces> <spansPerTrace> [tenant]
'use strict';
const api = require('@opentelemetry/api');
const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const [url, tracesArg, spansArg, tenant] = process.argv.slice(2);
if (!url) { console.error('usage: push-otlp-json.js <url> <traces> <spansPerTrace> [tenant]'); process.exit(2); }
const traceCount = Number(tracesArg ?? 10);
const spansPerTrace = Number(spansArg ?? 5);

const otlp = new OTLPTraceExporter({ url, headers: tenant ? { 'X-Scope-OrgID': tenant } : {} });
const failures = [];
// Wraps the real exporter to learn whether each export was acknowledged.
const checked = {
  export(spans, done) {
    otlp.export(spans, (result) => { if (result.code !== 0) failures.push(String(result.error)); done(result); });
  },
  shutdown() { return otlp.shutdown(); },
  forceFlush() { return otlp.forceFlush(); },
};
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'js-shop', 'service.version': '2.0.1', 'host.name': 'js-host-1' }),
  spanProcessors: [new BatchSpanProcessor(checked, { maxExportBatchSize: 256, scheduledDelayMillis: 100 }), new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('js-integration', '1.2.3');

for (let t = 0; t < traceCount; t++) {
  const root = tracer.startSpan(`GET /orders/${t}`, { kind: api.SpanKind.SERVER, attributes: {
    'http.request.method': 'GET', 'http.response.status_code': 200, 'order.total': 12.5 + t, 'cache.hit': t % 2 === 0,
    'tags': ['a', 'b'] } }, api.ROOT_CONTEXT);
  const ctx = api.trace.setSpan(api.ROOT_CONTEXT, root);
  for (let s = 1; s < spansPerTrace; s++) {
    const child = tracer.startSpan(`db.query ${s}`, { kind: api.SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'span.index': s } }, ctx);
    if (s === 1) child.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'slow query' });
    if (s === 2) child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'boom' });
    child.end();
  }
  root.end();
}

let sent = [];
provider.forceFlush().then(() => {
  // read before shutdown: shutting the provider down also resets the in-memory exporter
  sent = memory.getFinishedSpans();
  return provider.shutdown();
}).then(() => {
  const spans = sent.map((s) => ({
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext ? s.parentSpanContext.spanId : '',
    name: s.name,
    kind: s.kind,
    attributes: Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])),
    events: s.events.length,
    statusCode: s.status.code,
  }));
  process.stdout.write(JSON.stringify({ failures, spans }) + '\n');
  process.exit(failures.length === 0 ? 0 : 1);
}).catch((e) => { console.error(e); process.exit(1); });
