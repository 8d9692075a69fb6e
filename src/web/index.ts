export { createHealthRouter, checkHealth, type HealthProbe, type HealthReport } from './health-router';
export { requestContext } from './request-context';
export { createMetricsRouter } from './metrics-router';
export { finalErrorHandler } from './final-error-handler';
export { httpErrorAnswer, type HttpErrorAnswer } from './http-errors';
export { createLocalFileLinksRouter } from './file-links-router';
