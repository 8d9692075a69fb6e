export { loadConfig, type AppConfig, type SatMode } from './config';
export { envSchema } from './schema';
export { readEnvironment } from './environment';
export { projectRoot } from './project-root';
