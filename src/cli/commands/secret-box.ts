import type { AppConfig } from '../../config';
import { createSecretBox, type SecretBox } from '../../services/secrets';

/** The vault key as the service loads it; embedded mode may create it, production never does. */
export function openSecretBox(config: AppConfig): Promise<SecretBox> {
  return createSecretBox({
    masterKey: config.masterKey,
    masterKeyPrevious: config.masterKeyPrevious,
    dataDir: config.dataDir,
    allowGenerate: config.database.url === undefined,
  });
}
