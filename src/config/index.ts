export { loadConfig, type AppConfig, type SatMode } from './config';
export { envSchema } from './schema';
